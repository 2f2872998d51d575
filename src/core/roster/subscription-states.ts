/**
 * RFC 6121 Appendix A, Subscription States: https://www.rfc-editor.org/rfc/rfc6121#appendix-A
 *
 * Pure and table-driven. One side of a subscription is one roster record, seen from its owner
 * (the "user"); the other party is the "contact". `applyOutbound` is what the user's server does
 * with a subscription stanza the user sends (A.2), `applyInbound` what it does with one the
 * contact sends (A.3). Around the tables sit the rules the tables leave to the prose: pre-approval
 * (§3.4), the server's automatic replies (§3.1.3), when the record joins the roster (§3.1.2,
 * §3.1.5), when a roster push is due (§2.1.6) and which presence must follow (§3.1.5, §3.2.2,
 * §3.3.3).
 */
import type { Subscription } from '../ports.js';
import { DEFINED, type DefinedState, definedState, INBOUND, OUTBOUND } from './subscription-tables.js';

export { type DefinedState, definedState, STATE_NAMES } from './subscription-tables.js';

export type SubscriptionType = 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed';

export const SUBSCRIPTION_TYPES: readonly SubscriptionType[] = [
  'subscribe',
  'subscribed',
  'unsubscribe',
  'unsubscribed',
];

/** The part of a roster record the state machine reads and writes. */
export interface SubscriptionState {
  readonly subscription: Subscription;
  /** ask='subscribe': the user asked and waits. */
  readonly pendingOut: boolean;
  /** The contact asked and waits for the user's answer. */
  readonly pendingIn: boolean;
  /** approved='true' (§3.4). */
  readonly preApproved: boolean;
  /** Shown in the user's roster; false for a record kept only for a pending request (A.1). */
  readonly listed: boolean;
}

/** The state of a contact the user has no record for (A.1: "None" includes "not in the roster"). */
export const NO_RECORD: SubscriptionState = {
  subscription: 'none',
  pendingOut: false,
  pendingIn: false,
  preApproved: false,
  listed: false,
};

/**
 * Presence the owner's server must send once the stanza is handled, seen from the owner:
 * `send-presence` / `send-unavailable` — the owner's presence (or its end) to the other party;
 * `probe` — the other party's presence to the owner; `contact-unavailable` — the other party
 * shown unavailable to the owner.
 */
export type PresenceFollowUp = 'send-presence' | 'send-unavailable' | 'probe' | 'contact-unavailable';

export interface OutboundOutcome {
  readonly state: SubscriptionState;
  /** Route the stanza to the contact. */
  readonly route: boolean;
  /** Push the changed roster item to the user's interested resources. */
  readonly push: boolean;
  readonly presence: PresenceFollowUp | null;
}

export interface InboundOutcome {
  readonly state: SubscriptionState;
  /** Deliver the stanza to the user's available resources (or keep it, for a request: A.1). */
  readonly deliver: boolean;
  readonly push: boolean;
  /** A stanza the server sends back to the contact on the user's behalf. */
  readonly autoReply: SubscriptionType | null;
  readonly presence: PresenceFollowUp | null;
}

const hasFrom = (s: Subscription): boolean => s === 'from' || s === 'both';
const hasTo = (s: Subscription): boolean => s === 'to' || s === 'both';

function withDefined(state: SubscriptionState, next: DefinedState): SubscriptionState {
  const defined = DEFINED[next];
  // approved='true' only means something while the contact has no subscription from the user.
  return { ...state, ...defined, preApproved: state.preApproved && !hasFrom(defined.subscription) };
}

/** §2.1.6: pushes carry what the roster shows; pendingIn is not shown, so it alone pushes nothing. */
function pushDue(before: SubscriptionState, after: SubscriptionState): boolean {
  if (!before.listed && !after.listed) return false;
  return (
    before.listed !== after.listed ||
    before.subscription !== after.subscription ||
    before.pendingOut !== after.pendingOut ||
    before.preApproved !== after.preApproved
  );
}

/** Whether the record must be kept: in the roster, or remembering a request or pre-approval. */
export function isRetained(state: SubscriptionState): boolean {
  return (
    state.listed || state.pendingIn || state.preApproved || state.subscription !== 'none' || state.pendingOut
  );
}

/** A.2: the user sends `type` to the contact. */
export function applyOutbound(state: SubscriptionState, type: SubscriptionType): OutboundOutcome {
  const current = definedState(state);
  const [next, route] = OUTBOUND[type][current];
  let after = next === null ? state : withDefined(state, next);
  let presence: PresenceFollowUp | null = null;
  if (type === 'subscribe') {
    // §3.1.2: the server adds the contact to the roster (with ask='subscribe') if it was not there.
    after = { ...after, listed: true };
  } else if (type === 'subscribed') {
    if (next !== null) {
      // §3.1.5: approving adds the contact to the roster, then the user's presence MUST follow;
      // A.1: an unlisted record waited for exactly this approval.
      after = { ...after, listed: true };
      presence = 'send-presence';
    } else if (!hasFrom(state.subscription) && !state.preApproved) {
      // §3.4: no request to approve, so it is a pre-approval: noted (creating the item if need
      // be) and pushed, but MUST NOT be routed.
      after = { ...state, preApproved: true, listed: true };
    }
  } else if (type === 'unsubscribed') {
    // §3.2.2: before the cancellation goes out, the contact MUST get unavailable presence.
    if (hasFrom(state.subscription) && !hasFrom(after.subscription)) presence = 'send-unavailable';
    // §3.4: unsubscribed with nothing to cancel withdraws a pre-approval (not routed).
    if (next === null && state.preApproved) after = { ...after, preApproved: false };
  }
  return { state: after, route, push: pushDue(state, after), presence };
}

/** A.3: the contact sends `type` to the user. */
export function applyInbound(state: SubscriptionState, type: SubscriptionType): InboundOutcome {
  const current = definedState(state);
  if (type === 'subscribe' && hasFrom(state.subscription)) {
    // §3.1.3: the contact is already subscribed, so the server MUST auto-reply "subscribed"
    // on the user's behalf and MUST NOT bother the user.
    return { state, deliver: false, push: false, autoReply: 'subscribed', presence: null };
  }
  if (type === 'subscribe' && state.preApproved) {
    // §3.4: a pre-approved request is approved by the server: no delivery, the subscription
    // becomes From, the user's presence follows as after any approval (§3.1.5).
    const approved = hasTo(state.subscription) ? 'both' : state.pendingOut ? 'from+out' : 'from';
    const after = withDefined(state, approved);
    return {
      state: after,
      deliver: false,
      push: pushDue(state, after),
      autoReply: 'subscribed',
      presence: 'send-presence',
    };
  }
  const [next, deliver] = INBOUND[type][current];
  const after = next === null ? state : withDefined(state, next);
  let presence: PresenceFollowUp | null = null;
  // §3.3.3: the contact no longer sees the user: the user's server sends unavailable from
  // each of the user's available resources.
  if (type === 'unsubscribe' && hasFrom(state.subscription) && !hasFrom(after.subscription))
    presence = 'send-unavailable';
  // §3.1.6: once subscribed, the user receives the contact's current presence.
  if (type === 'subscribed' && !hasTo(state.subscription) && hasTo(after.subscription)) presence = 'probe';
  // §3.2.3: the cancelled user sees the contact go unavailable.
  if (type === 'unsubscribed' && hasTo(state.subscription) && !hasTo(after.subscription))
    presence = 'contact-unavailable';
  return { state: after, deliver, push: pushDue(state, after), autoReply: null, presence };
}
