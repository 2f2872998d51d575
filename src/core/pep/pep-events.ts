/**
 * What the PEP service tells its protocol adapters to announce (XEP-0163 §4, "Receiving Event
 * Notifications", https://xmpp.org/extensions/xep-0163.html#notify). The core decides who may be
 * told; the adapter picks the resources that asked (XEP-0115 +notify) and builds the stanzas.
 */
import type { BareJid, Jid } from '../address/jid.js';
import type { UserId } from '../ports.js';

/** A published item as readers see it. */
export interface PepItem {
  readonly id: string;
  /** The payload as the adapter serialised it (XMPP: one XML element). */
  readonly payload: string;
  /** The full address of the endpoint that published it. */
  readonly publisher: string;
  readonly publishedAt: number;
}

export type PepEvent =
  /** XEP-0060 §7.1.2.1: an item was published (or published again). */
  | { readonly kind: 'published'; readonly item: PepItem }
  /** §7.2.2.1: an item was retracted and the publisher asked to notify. */
  | { readonly kind: 'retracted'; readonly itemId: string }
  /** §8.4.2: the node was deleted. */
  | { readonly kind: 'deleted' };

export interface PepNotification {
  readonly ownerId: UserId;
  readonly owner: BareJid;
  readonly node: string;
  readonly event: PepEvent;
  /**
   * Besides the owner (whose own resources are always candidates, XEP-0163 §4 case 3): the
   * contacts that share the owner's presence and that the node's access model admits — the
   * automatic subscribers of §4.1. Blocked contacts are already left out (§4.3.3 rule 3).
   */
  readonly contacts: readonly BareJid[];
  /**
   * The JIDs (full or bare) of the explicit subscriptions (XEP-0060 §6.1) the access model still
   * admits: they are told whatever their caps say.
   */
  readonly subscribers?: readonly Jid[];
}

/** The last item of a node, for a resource that just became available (XEP-0163 §4.3.4). */
export interface LastPublished {
  readonly ownerId: UserId;
  readonly owner: BareJid;
  readonly node: string;
  readonly item: PepItem;
}
