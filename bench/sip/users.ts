/**
 * The SIP bench's users, the same on every target (the anchor Kamailio's `pv_auth_check("$fd",
 * "pw$au", …)`): numeric user U with password `pwU`, in the digest realm = the From domain.
 * Users 1000–1998 send in the rate scenarios; 1999 is the registered target of MESSAGEs and calls
 * (its only binding must be the SIPp UAS, so no rate scenario registers it); 10000–19999 are the
 * memory scenario's.
 *
 * Presentities: SIPp computes every digest over one URI per process (`-auth_uri`; its default is
 * the server's address), and Herald checks it against the Request-URI (RFC 7616 §3.4.6), so a
 * SIPp run publishes for, or subscribes to, one presentity: `PUBLISH_USER` in `publish` (whose
 * roster holds one contact: a presence change is not fanned out to 999 roster contacts), 1999 in
 * `subscribe`; in `memory` one per block of 1,000 watchers (`memoryOwnerOf`), one SIPp run per
 * block. Each owner has approved its watchers (Herald's roster; Kamailio's presence_xml forces
 * active).
 */

export const SIP_DOMAIN = '127.0.0.1';

export interface UserRange {
  readonly first: number;
  readonly count: number;
}

export const RATE_USERS: UserRange = { first: 1000, count: 999 };
export const TARGET_USER = 1999;
export const MEMORY_USERS: UserRange = { first: 10_000, count: 10_000 };

export const passwordOf = (user: number): string => `pw${user}`;

export function usersOf(range: UserRange): number[] {
  return Array.from({ length: range.count }, (_, i) => range.first + i);
}

/** The presentity of the publish scenario. */
export const PUBLISH_USER = 1000;

export const MEMORY_BLOCK = 1000;

/** The presentity a memory-scenario user watches: the first user of its block of 1,000. */
export function memoryOwnerOf(user: number): number {
  const { first, count } = MEMORY_USERS;
  if (user < first || user >= first + count) throw new Error(`${user} is not a memory-scenario user`);
  return first + Math.floor((user - first) / MEMORY_BLOCK) * MEMORY_BLOCK;
}

/** [watcher, presentity] of every subscription the bench makes, for the presentities' rosters. */
export function watchPairs(): [number, number][] {
  return [
    ...usersOf(RATE_USERS).map((u): [number, number] => [u, TARGET_USER]),
    ...usersOf(MEMORY_USERS).map((u): [number, number] => [u, memoryOwnerOf(u)]),
  ];
}

/**
 * A SIPp injection file (-inf): `USER;DOMAIN;[authentication …]` per line, read in order
 * (SEQUENTIAL), so call n of a run is user n mod count. The keyword goes into the scenario's
 * request as [field2]; SIPp computes the digest response from the challenge it answers.
 */
export function injectionCsv(users: readonly number[], domain: string = SIP_DOMAIN): string {
  for (const user of users)
    if (!Number.isInteger(user) || user < 0) throw new Error(`bad SIP bench user ${user}`);
  if (/[;\s\]]/.test(domain)) throw new Error(`bad SIP bench domain ${JSON.stringify(domain)}`);
  const lines = users.map((u) => `${u};${domain};[authentication username=${u} password=${passwordOf(u)}]`);
  return `SEQUENTIAL\n${lines.join('\n')}\n`;
}
