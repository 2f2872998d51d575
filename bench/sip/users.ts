/**
 * The SIP bench's users, the same on every target (the anchor Kamailio's `pv_auth_check("$fd",
 * "pw$au", …)`): numeric user U with password `pwU`, in the digest realm = the From domain.
 * Users 1000–1998 send in the rate scenarios; 1999 is the registered target of MESSAGEs and calls
 * (its only binding must be the SIPp UAS, so no rate scenario registers it); 10000–19999 are the
 * memory scenario's.
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
