/**
 * The group rule of core/ports.ts (`RosterItemRecord.groups`: unique, in the order given), kept
 * the same way by every adapter. Refusing a roster set with duplicate groups is the core's job
 * (RFC 6121 §2.3.3: the server MUST answer <bad-request/>); should a caller still pass one, the
 * store keeps each name once, where it first came, rather than store a list the port forbids.
 */
export function uniqueGroups(groups: readonly string[]): string[] {
  return [...new Set(groups)];
}
