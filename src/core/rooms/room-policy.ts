/**
 * XEP-0045 §5 (Roles and Affiliations) as pure rules — https://xmpp.org/extensions/xep-0045.html#connections
 * Every decision the room service makes about who may do what goes through these functions, so
 * the tables in room-policy.test.ts cover them.
 */
export type Affiliation = 'owner' | 'admin' | 'member' | 'outcast' | 'none';
export type Role = 'moderator' | 'participant' | 'visitor' | 'none';

/** The refusal a rule gives: the XMPP adapter maps them to stanza error conditions. */
export type Refusal = 'forbidden' | 'not-allowed' | 'registration-required' | 'not-authorized';

const rank: Record<Affiliation, number> = { owner: 4, admin: 3, member: 2, none: 1, outcast: 0 };

/** §5.1.2 (Default Roles): the role an occupant gets on entering, null when it may not enter. */
export function defaultRole(affiliation: Affiliation, moderated: boolean): Role | null {
  switch (affiliation) {
    case 'owner':
    case 'admin':
      return 'moderator';
    case 'member':
      return 'participant';
    case 'none':
      return moderated ? 'visitor' : 'participant';
    case 'outcast':
      return null;
  }
}

/**
 * §7.2.7 / §7.2.8: outcasts are banned (forbidden); a members-only room refuses users that are
 * not at least members (registration-required).
 */
export function entryRefusal(affiliation: Affiliation, membersOnly: boolean): Refusal | null {
  if (affiliation === 'outcast') return 'forbidden';
  if (membersOnly && rank[affiliation] < rank.member) return 'registration-required';
  return null;
}

/** §7.4: visitors of a moderated room may not send to all occupants. */
export function mayTalk(role: Role): boolean {
  return role === 'moderator' || role === 'participant';
}

/** §8.1: moderators change the subject; participants only if the room allows it. */
export function maySetSubject(role: Role, occupantsMayChangeSubject: boolean): boolean {
  return role === 'moderator' || (role === 'participant' && occupantsMayChangeSubject);
}

/**
 * §7.8.2: in a members-only room only admins and owners invite unless the room lets occupants
 * invite; in an open room every occupant may.
 */
export function mayInvite(
  affiliation: Affiliation,
  role: Role,
  membersOnly: boolean,
  allowInvites: boolean,
): boolean {
  if (role === 'none' || role === 'visitor') return false;
  if (!membersOnly || allowInvites) return true;
  return rank[affiliation] >= rank.admin;
}

/**
 * §8.2 (kick), §8.3/§8.4 (voice), §9.6/§9.7 (moderator): whether an occupant with `actor`'s role
 * and affiliation may give `newRole` to one with `target`'s affiliation and role.
 */
export function roleChangeRefusal(
  actor: { affiliation: Affiliation; role: Role },
  target: { affiliation: Affiliation; role: Role },
  newRole: Role,
): Refusal | null {
  if (actor.role !== 'moderator') return 'forbidden';
  // §8.2: a moderator MUST NOT be able to kick (or revoke voice from) an admin or owner.
  if (rank[target.affiliation] >= rank.admin && newRole !== 'moderator') return 'not-allowed';
  // §9.6/§9.7: only admins and owners grant or revoke moderator status.
  if ((newRole === 'moderator' || target.role === 'moderator') && rank[actor.affiliation] < rank.admin)
    return 'not-allowed';
  return null;
}

/**
 * §9 (admin use cases), §10 (owner use cases): admins change affiliations among none, member and
 * outcast of users who are not admins or owners; owners change any, owner and admin included.
 */
export function affiliationChangeRefusal(
  actor: Affiliation,
  target: Affiliation,
  newAffiliation: Affiliation,
): Refusal | null {
  if (actor === 'owner') return null;
  if (actor !== 'admin') return 'forbidden';
  if (rank[target] >= rank.admin || rank[newAffiliation] >= rank.admin) return 'not-allowed';
  return null;
}

/** §9.1 / §10.x: the role an occupant gets when its affiliation changes while it is in the room. */
export function roleAfterAffiliation(
  newAffiliation: Affiliation,
  moderated: boolean,
  membersOnly: boolean,
): Role {
  if (membersOnly && (newAffiliation === 'none' || newAffiliation === 'outcast')) return 'none';
  return defaultRole(newAffiliation, moderated) ?? 'none';
}

export function isAffiliation(value: string): value is Affiliation {
  return value in rank;
}

export function isRole(value: string): value is Role {
  return value === 'moderator' || value === 'participant' || value === 'visitor' || value === 'none';
}
