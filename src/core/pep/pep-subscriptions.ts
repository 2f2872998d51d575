/**
 * Explicit subscriptions to PEP nodes (XEP-0060 §6.1 subscribe, §6.2 unsubscribe,
 * https://xmpp.org/extensions/xep-0060.html#subscriber-subscribe), besides the automatic ones of
 * XEP-0163 §4.1. Kept in memory only and bounded: they do NOT survive a restart — a client that
 * relies on one subscribes again when it reconnects (the auto-subscription of §4.1 stays, as it
 * comes from the roster).
 */
import type { Jid } from '../address/jid.js';
import type { UserId } from '../ports.js';

export interface PepSubscription {
  /** The subscribed JID, full or bare, as the requester gave it. */
  readonly jid: Jid;
  /** §6.1.2: the SubID the service made. */
  readonly subid: string;
}

export interface PepSubscriptionLimits {
  readonly maxSubscriptionsPerNode: number;
  readonly maxSubscriptions: number;
}

export type AddOutcome =
  | { readonly kind: 'subscribed'; readonly subscription: PepSubscription }
  | { readonly kind: 'node-full' }
  | { readonly kind: 'service-full' };

const keyOf = (userId: UserId, node: string): string => `${userId}\u0000${node}`;

export class PepSubscriptions {
  readonly #nodes = new Map<string, Map<Jid, string>>();
  #count = 0;

  constructor(private readonly limits: PepSubscriptionLimits) {}

  /** How many subscriptions are kept, over every node. */
  get size(): number {
    return this.#count;
  }

  /** Subscribes `jid`; subscribing again answers the subscription it has (one per JID and node). */
  add(userId: UserId, node: string, jid: Jid, subid: () => string): AddOutcome {
    const key = keyOf(userId, node);
    const subscribers = this.#nodes.get(key) ?? new Map<Jid, string>();
    const existing = subscribers.get(jid);
    if (existing !== undefined) return { kind: 'subscribed', subscription: { jid, subid: existing } };
    if (subscribers.size >= this.limits.maxSubscriptionsPerNode) return { kind: 'node-full' };
    if (this.#count >= this.limits.maxSubscriptions) return { kind: 'service-full' };
    const made = subid();
    this.#nodes.set(key, subscribers.set(jid, made));
    this.#count += 1;
    return { kind: 'subscribed', subscription: { jid, subid: made } };
  }

  find(userId: UserId, node: string, jid: Jid): PepSubscription | undefined {
    const subid = this.#nodes.get(keyOf(userId, node))?.get(jid);
    return subid === undefined ? undefined : { jid, subid };
  }

  /** False if `jid` had no subscription to the node. */
  remove(userId: UserId, node: string, jid: Jid): boolean {
    const key = keyOf(userId, node);
    const subscribers = this.#nodes.get(key);
    if (!subscribers?.delete(jid)) return false;
    this.#count -= 1;
    if (subscribers.size === 0) this.#nodes.delete(key);
    return true;
  }

  /** The node's subscriptions, in the order they were made. */
  of(userId: UserId, node: string): PepSubscription[] {
    return [...(this.#nodes.get(keyOf(userId, node)) ?? [])].map(([jid, subid]) => ({ jid, subid }));
  }

  /** Forgets every subscription of the node (it was deleted, §8.4). */
  dropNode(userId: UserId, node: string): void {
    const key = keyOf(userId, node);
    this.#count -= this.#nodes.get(key)?.size ?? 0;
    this.#nodes.delete(key);
  }
}
