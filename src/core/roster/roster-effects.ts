/**
 * What the roster and block services ask their protocol adapters to do (RFC 6121,
 * https://www.rfc-editor.org/rfc/rfc6121; XEP-0191, https://xmpp.org/extensions/xep-0191.html).
 * The services change the store and return these in the order they are to be carried out; the
 * core stays protocol-neutral, the adapter turns each into stanzas (or SIP NOTIFYs, or pushes).
 */
import type { BareJid, Jid } from '../address/jid.js';
import type { Subscription, UserId } from '../ports.js';
import type { SubscriptionType } from './subscription-states.js';

/** A roster item as the user's clients see it (RFC 6121 §2.1.2); unlisted records never are. */
export interface RosterItem {
  readonly contact: BareJid;
  readonly name: string | null;
  readonly groups: readonly string[];
  readonly subscription: Subscription;
  /** ask='subscribe' (§2.1.2.2). */
  readonly pendingOut: boolean;
  /** approved='true' (§2.1.2.1, §3.4). */
  readonly preApproved: boolean;
}

/** §2.1.6: tell every interested resource of user `userId` (bare JID `to`) of a changed item. */
export type RosterPush =
  | {
      readonly kind: 'roster-push';
      readonly userId: UserId;
      readonly to: BareJid;
      /** The user's roster version after the change (§2.6). */
      readonly version: number;
      readonly item: RosterItem;
      readonly removal?: never;
    }
  | {
      readonly kind: 'roster-push';
      readonly userId: UserId;
      readonly to: BareJid;
      readonly version: number;
      readonly item?: never;
      /** The contact removed from the roster (subscription='remove'). */
      readonly removal: BareJid;
    };

/**
 * Deliver a subscription stanza `from` → `to` (user `userId`) to that user's available
 * resources. For a "subscribe" with none available, nothing is lost: the pending-in flag is the
 * durable record and `RosterService.pendingRequests` hands it out again at the next login (§3.1.3).
 */
export interface DeliverSubscription {
  readonly kind: 'deliver-subscription';
  readonly userId: UserId;
  readonly to: BareJid;
  readonly from: BareJid;
  readonly type: SubscriptionType;
}

/** Send the current presence of each available resource of user `userId` (`from`) to `to`. */
export interface SendPresence {
  readonly kind: 'send-presence';
  readonly userId: UserId;
  readonly from: BareJid;
  /** A bare JID (all its resources) or, after a full-JID block ends, one full JID. */
  readonly to: Jid;
}

/** Send presence of type "unavailable" from each available resource of user `userId` to `to`. */
export interface SendUnavailable {
  readonly kind: 'send-unavailable';
  readonly userId: UserId;
  readonly from: BareJid;
  readonly to: Jid;
}

/**
 * On behalf of user `userId` (`from`), probe `to` (RFC 6121 §4.3): `to`'s current presence goes
 * to `from`'s available resources, if `to` lets `from` see it.
 */
export interface PresenceProbe {
  readonly kind: 'presence-probe';
  readonly userId: UserId;
  readonly from: BareJid;
  readonly to: BareJid;
}

export type PresenceEffect = SendPresence | SendUnavailable | PresenceProbe;

export type RosterEffect = RosterPush | DeliverSubscription | PresenceEffect;

/** XEP-0191 §3.3: tell every resource of the user that asked for the block list what was blocked. */
export interface BlockPush {
  readonly kind: 'block-push';
  readonly userId: UserId;
  readonly to: BareJid;
  readonly addresses: readonly Jid[];
}

/** XEP-0191 §3.4 / §3.5: the same for unblocking; `all` is an unblock of the whole list. */
export interface UnblockPush {
  readonly kind: 'unblock-push';
  readonly userId: UserId;
  readonly to: BareJid;
  /** What was unblocked (for `all`, the whole former list). */
  readonly addresses: readonly Jid[];
  readonly all: boolean;
}

export type BlockEffect = BlockPush | UnblockPush | SendPresence | SendUnavailable;

/** What makes two effects the same instruction. */
function effectKey(effect: RosterEffect): string {
  switch (effect.kind) {
    case 'roster-push':
      return `push ${effect.userId} ${effect.version} ${effect.item ? JSON.stringify(effect.item) : `remove ${effect.removal}`}`;
    case 'deliver-subscription':
      return `deliver ${effect.userId} ${effect.from} ${effect.type}`;
    case 'send-presence':
    case 'send-unavailable':
    case 'presence-probe':
      return `${effect.kind} ${effect.from} ${effect.to}`;
    default: {
      const never: never = effect;
      throw new Error(`unknown effect ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Drops repeats, keeping the first. When both parties are local, the two sides of one exchange
 * can ask for the same presence (the revoker's §3.2.2 unavailable is the one the revoked user's
 * §3.2.3 expects), and a probe is moot when the probed party already sends its presence.
 */
export function withoutRepeats(effects: readonly RosterEffect[]): RosterEffect[] {
  const kept: RosterEffect[] = [];
  const seen = new Set<string>();
  for (const effect of effects) {
    const key = effectKey(effect);
    if (seen.has(key)) continue;
    seen.add(key);
    if (
      effect.kind === 'presence-probe' &&
      effects.some((e) => e.kind === 'send-presence' && e.from === effect.to && e.to === effect.from)
    )
      continue;
    kept.push(effect);
  }
  return kept;
}
