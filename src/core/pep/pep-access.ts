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

/** Null when the requester may retrieve items, else the reason to refuse. */
export function accessRefusal(model: PepAccessModel, relation: PepRelation): PepErrorReason | null {
  if (relation === 'owner') return null; // §4.5: the owner always has access
  if (relation === 'blocked') return 'blocked'; // §6.5.9.10
  switch (model) {
    case 'open':
      return null;
    case 'presence':
      return relation === 'presence-subscriber' ? null : 'presence-subscription-required';
    case 'whitelist':
      return 'closed-node';
    default: {
      const never: never = model;
      throw new Error(`unknown access model ${String(never)}`);
    }
  }
}
