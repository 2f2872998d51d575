/**
 * RFC 6121 §2 and §3 carried out in one store transaction, https://www.rfc-editor.org/rfc/rfc6121:
 * the user's outbound side of a subscription stanza and, for a local contact, the contact's
 * inbound side (and any automatic reply back), each record written once per step, with the
 * effects the adapter must carry out collected in order. Used only by RosterService.
 */
import type { BareJid } from '../address/jid.js';
import type { RosterItemRecord, StoreTransaction, UserId } from '../ports.js';
import { type RosterEffect, type RosterPush, withoutRepeats } from './roster-effects.js';
import { RosterError } from './roster-errors.js';
import { toRosterItem } from './roster-items.js';
import {
  applyInbound,
  applyOutbound,
  isRetained,
  NO_RECORD,
  type OutboundOutcome,
  type SubscriptionState,
  type SubscriptionType,
} from './subscription-states.js';

/** A local user taking part. */
export interface Party {
  readonly userId: UserId;
  readonly jid: BareJid;
}

/** Who the contact is, as far as the served domain knows. */
export type Counterpart =
  /** A user of the served domain; `reachable` is false when either side blocked the other (XEP-0191 §3.3). */
  | { readonly kind: 'local'; readonly userId: UserId; readonly jid: BareJid; readonly reachable: boolean }
  /** An address on the served domain that is no account (RFC 6121 §8.5.1). */
  | { readonly kind: 'absent'; readonly jid: BareJid }
  /** Another domain: listed only; nothing is routed there (no federation yet). */
  | { readonly kind: 'remote'; readonly jid: BareJid };

interface Sender {
  readonly jid: BareJid;
  readonly userId?: UserId;
}

const hasTo = (s: SubscriptionState): boolean => s.subscription === 'to' || s.subscription === 'both';
const hasFrom = (s: SubscriptionState): boolean => s.subscription === 'from' || s.subscription === 'both';

function sameState(record: RosterItemRecord, state: SubscriptionState): boolean {
  return (
    record.subscription === state.subscription &&
    record.pendingOut === state.pendingOut &&
    record.pendingIn === state.pendingIn &&
    record.preApproved === state.preApproved &&
    record.listed === state.listed
  );
}

export class RosterTransaction {
  readonly #tx: StoreTransaction;
  readonly #now: number;
  readonly #maxItems: number;
  readonly #effects: RosterEffect[] = [];
  /** Presence that follows the subscription stanzas (§3.1.5, §3.1.6, §3.3.3). */
  readonly #presence: RosterEffect[] = [];

  constructor(tx: StoreTransaction, now: number, maxItems: number) {
    this.#tx = tx;
    this.#now = now;
    this.#maxItems = maxItems;
  }

  /** Everything to carry out, in order, without repeats. */
  effects(): RosterEffect[] {
    return withoutRepeats([...this.#effects, ...this.#presence]);
  }

  /** §2.3: a roster set creates or replaces the item's name and groups, never its subscription. */
  async edit(user: Party, contact: BareJid, name: string | null, groups: readonly string[]): Promise<void> {
    const record = await this.#tx.roster.getItem(user.userId, contact);
    if (!record?.listed) await this.#requireRoom(user.userId);
    const next: RosterItemRecord = {
      ...(record ?? { ...NO_RECORD, userId: user.userId, contact }),
      name,
      groups,
      listed: true,
      updatedAt: this.#now,
    };
    const version = await this.#tx.roster.putItem(next);
    // §2.3.2: the server MUST push the item to all of the user's interested resources.
    this.#effects.push(this.#push(user, next, version));
  }

  /** The user sends a subscription stanza to the contact (A.2, then A.3 on the contact's side). */
  async send(user: Party, contact: Counterpart, type: SubscriptionType): Promise<void> {
    const record = await this.#tx.roster.getItem(user.userId, contact.jid);
    const before: SubscriptionState = record ?? NO_RECORD;
    const out = applyOutbound(before, type);
    if (!before.listed && out.state.listed) await this.#requireRoom(user.userId);
    await this.#save(user, contact.jid, record, out.state, out.push);
    await this.#forward(user, contact, type, out);
  }

  /**
   * §2.5.2: removing an item also cancels both directions — "unsubscribe" where the user had or
   * asked for the contact's presence, "unsubscribed" where the contact had or asked for the
   * user's — and forgets any pre-approval with the record.
   */
  async remove(user: Party, contact: Counterpart): Promise<void> {
    const record = await this.#tx.roster.getItem(user.userId, contact.jid);
    // §2.5.3: an item that is not in the roster cannot be removed.
    if (!record?.listed)
      throw new RosterError('item-not-found', `${contact.jid} is not in the roster`, 'contact');
    const version = await this.#tx.roster.deleteItem(user.userId, contact.jid);
    this.#effects.push({
      kind: 'roster-push',
      userId: user.userId,
      to: user.jid,
      version: version ?? 0,
      removal: contact.jid,
    });
    const cancellations: SubscriptionType[] = [];
    if (hasTo(record) || record.pendingOut) cancellations.push('unsubscribe');
    if (hasFrom(record) || record.pendingIn) cancellations.push('unsubscribed');
    let state: SubscriptionState = record;
    for (const type of cancellations) {
      const out = applyOutbound(state, type);
      await this.#forward(user, contact, type, out);
      state = out.state;
    }
  }

  async #forward(
    user: Party,
    contact: Counterpart,
    type: SubscriptionType,
    out: OutboundOutcome,
  ): Promise<void> {
    if (contact.kind === 'local' && !contact.reachable) return; // XEP-0191 §3.3: nothing passes a block
    // §3.2.2: the unavailable presence goes before the cancellation itself.
    if (out.presence === 'send-unavailable')
      this.#effects.push(this.#presenceEffect('send-unavailable', user, contact.jid));
    if (out.presence === 'send-presence')
      this.#presence.push(this.#presenceEffect('send-presence', user, contact.jid));
    if (!out.route) return;
    if (contact.kind === 'local') await this.#receive(contact, user, type);
    // §8.5.1: a request to an address with no account is answered "unsubscribed"; other types are ignored.
    else if (contact.kind === 'absent' && type === 'subscribe')
      await this.#receive(user, contact, 'unsubscribed');
  }

  /** `owner`'s server handles `type` from `from` (A.3). */
  async #receive(owner: Party, from: Sender, type: SubscriptionType): Promise<void> {
    const record = await this.#tx.roster.getItem(owner.userId, from.jid);
    const inbound = applyInbound(record ?? NO_RECORD, type);
    // A bounded roster: a request that would need a new record beyond the limit is dropped unseen.
    if (!record && isRetained(inbound.state) && !(await this.#hasRoom(owner.userId, 'all'))) return;
    // §3.1.6, §3.2.3: deliver the stanza before pushing the changed item.
    if (inbound.deliver)
      this.#effects.push({
        kind: 'deliver-subscription',
        userId: owner.userId,
        to: owner.jid,
        from: from.jid,
        type,
      });
    await this.#save(owner, from.jid, record, inbound.state, inbound.push);
    if (inbound.autoReply && from.userId)
      await this.#receive({ userId: from.userId, jid: from.jid }, owner, inbound.autoReply);
    switch (inbound.presence) {
      case null:
        return;
      case 'send-presence':
      case 'send-unavailable':
        this.#presence.push(this.#presenceEffect(inbound.presence, owner, from.jid));
        return;
      case 'probe':
        this.#presence.push({ kind: 'presence-probe', userId: owner.userId, from: owner.jid, to: from.jid });
        return;
      case 'contact-unavailable':
        if (from.userId)
          this.#presence.push(
            this.#presenceEffect('send-unavailable', { userId: from.userId, jid: from.jid }, owner.jid),
          );
        return;
      default: {
        const never: never = inbound.presence;
        throw new Error(`unknown presence follow-up ${String(never)}`);
      }
    }
  }

  async #save(
    owner: Party,
    contact: BareJid,
    record: RosterItemRecord | undefined,
    state: SubscriptionState,
    push: boolean,
  ): Promise<void> {
    if (!isRetained(state)) {
      // Only an unlisted record can end up empty (A.1): it goes silently.
      if (record) await this.#tx.roster.deleteItem(owner.userId, contact);
      return;
    }
    if (record && sameState(record, state)) return;
    const next: RosterItemRecord = {
      ...(record ?? { userId: owner.userId, contact, name: null, groups: [] }),
      subscription: state.subscription,
      pendingOut: state.pendingOut,
      pendingIn: state.pendingIn,
      preApproved: state.preApproved,
      listed: state.listed,
      updatedAt: this.#now,
    };
    const version = await this.#tx.roster.putItem(next);
    if (push) this.#effects.push(this.#push(owner, next, version));
  }

  async #requireRoom(userId: UserId): Promise<void> {
    if (!(await this.#hasRoom(userId, 'listed')))
      throw new RosterError('roster-full', `the roster already holds ${this.#maxItems} items`, 'contact');
  }

  async #hasRoom(userId: UserId, count: 'listed' | 'all'): Promise<boolean> {
    const { items } = await this.#tx.roster.getRoster(userId);
    return (count === 'all' ? items.length : items.filter((i) => i.listed).length) < this.#maxItems;
  }

  #push(owner: Party, record: RosterItemRecord, version: number): RosterPush {
    return { kind: 'roster-push', userId: owner.userId, to: owner.jid, version, item: toRosterItem(record) };
  }

  #presenceEffect(kind: 'send-presence' | 'send-unavailable', from: Party, to: BareJid): RosterEffect {
    return { kind, userId: from.userId, from: from.jid, to };
  }
}
