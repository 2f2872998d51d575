/**
 * Who may retrieve a node's items: XEP-0060 §4.5 access models and the error cases of §6.5.9
 * (https://xmpp.org/extensions/xep-0060.html#subscriber-retrieve-error), as a pure policy.
 * Whitelist nodes have no members here, so only the owner passes (XEP-0223 private storage).
 */
import type { PepAccessModel } from '../ports.js';
import type { PepErrorReason } from './pep-errors.js';

/** How the requester stands to the node's owner. */
export type PepRelation =
  | 'owner'
  /** The owner shares presence with them (RFC 6121 subscription from/both, not blocked). */
  | 'presence-subscriber'
  /** The owner blocked them (XEP-0191). */
  | 'blocked'
  | 'stranger';

/** The requester as the policy sees it: the relation, and the groups of their item in the OWNER's roster. */
export interface PepRequester {
  readonly relation: PepRelation;
  readonly groups: readonly string[];
}

/** What of a node the policy reads. */
export interface PepAccessRule {
  readonly accessModel: PepAccessModel;
  readonly rosterGroupsAllowed: readonly string[];
}

/** Null when the requester may retrieve items, else the reason to refuse. */
export function accessRefusal(node: PepAccessRule, requester: PepRequester): PepErrorReason | null {
  const { relation } = requester;
  if (relation === 'owner') return null; // §4.5: the owner always has access
  if (relation === 'blocked') return 'blocked'; // §6.5.9.10
  const model = node.accessModel;
  switch (model) {
    case 'open':
      return null;
    case 'presence':
      return relation === 'presence-subscriber' ? null : 'presence-subscription-required';
    case 'roster':
      // §4.5 roster: a contact in one of the allowed groups of the owner's roster; XEP-0163 §5 asks a
      // presence subscription from the owner too. Else §6.5.9.7 not-authorized + <not-in-roster-group/>.
      return relation === 'presence-subscriber' &&
        requester.groups.some((group) => node.rosterGroupsAllowed.includes(group))
        ? null
        : 'not-in-roster-group';
    case 'whitelist':
      return 'closed-node';
    default: {
      const never: never = model;
      throw new Error(`unknown access model ${String(never)}`);
    }
  }
}
