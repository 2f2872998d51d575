/**
 * RFC 6121 §2.1.2 / §2.3.3 roster item syntax, https://www.rfc-editor.org/rfc/rfc6121#section-2.3.3:
 * pure checks of what a client may set, and the client's view of a stored record.
 */
import { type BareJid, bareJid, isBareJid, parseJid } from '../address/jid.js';
import type { RosterItemRecord } from '../ports.js';
import type { RosterItem } from './roster-effects.js';
import { RosterError } from './roster-errors.js';

export const NAME_MAX_BYTES = 1023;
export const GROUP_MAX_BYTES = 1023;
export const MAX_GROUPS = 100;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * A contact address in canonical form. `stripResource`: §3.1.2 says a subscription stanza to a
 * full JID SHOULD be treated as addressed to the bare JID; roster items themselves are bare.
 */
export function checkContact(input: string, options: { stripResource: boolean }): BareJid {
  const jid = typeof input === 'string' ? parseJid(input) : null;
  if (!jid) throw new RosterError('invalid-contact', `${JSON.stringify(input)} is not a JID`, 'contact');
  if (isBareJid(jid)) return jid;
  if (options.stripResource) return bareJid(jid);
  throw new RosterError('invalid-contact', 'a roster item is a bare JID, without a resource', 'contact');
}

/** §2.3.3: a name longer than the server's limit is not acceptable; an empty one is no name. */
export function checkName(input: string | null | undefined): string | null {
  if (input === null || input === undefined || input === '') return null;
  if (typeof input !== 'string') throw new RosterError('invalid-name', 'name must be text', 'name');
  if (bytes(input) > NAME_MAX_BYTES)
    throw new RosterError('invalid-name', `name is longer than ${NAME_MAX_BYTES} bytes`, 'name');
  return input;
}

/**
 * §2.3.3: an empty group, a group named twice, or one longer than the server's limit is refused
 * (not-acceptable, bad-request); so is a list longer than MAX_GROUPS, our limit.
 */
export function checkGroups(input: readonly string[] | undefined): string[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw new RosterError('invalid-groups', 'groups must be a list', 'groups');
  if (input.length > MAX_GROUPS)
    throw new RosterError('invalid-groups', `at most ${MAX_GROUPS} groups`, 'groups');
  const seen = new Set<string>();
  for (const group of input) {
    if (typeof group !== 'string' || group === '')
      throw new RosterError('invalid-groups', 'a group name must not be empty', 'groups');
    if (bytes(group) > GROUP_MAX_BYTES)
      throw new RosterError(
        'invalid-groups',
        `a group name is longer than ${GROUP_MAX_BYTES} bytes`,
        'groups',
      );
    if (seen.has(group))
      throw new RosterError('invalid-groups', `group ${JSON.stringify(group)} is named twice`, 'groups');
    seen.add(group);
  }
  return [...seen];
}

/** The client's view of a listed record. */
export function toRosterItem(record: RosterItemRecord): RosterItem {
  const hasTo = record.subscription === 'to' || record.subscription === 'both';
  const hasFrom = record.subscription === 'from' || record.subscription === 'both';
  return {
    contact: record.contact as BareJid,
    name: record.name,
    groups: [...record.groups],
    subscription: record.subscription,
    // A.1: ask and approved only mean something while the subscription they concern is absent.
    pendingOut: record.pendingOut && !hasTo,
    preApproved: record.preApproved && !hasFrom,
  };
}
