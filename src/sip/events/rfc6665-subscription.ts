/**
 * RFC 6665 §4.2 (notifier behaviour): one subscription's state as a pure machine. The notifier
 * (event-server.ts) feeds it events with the time from the injected clock and carries out what it
 * says (send a NOTIFY, arm the expiry timer, forget the subscription).
 * https://www.rfc-editor.org/rfc/rfc6665#section-4.2
 */

export type SubscriptionPhase = 'pending' | 'active' | 'terminated';

export interface ExpiresPolicy {
  /** A shorter non-zero request is 423 Interval Too Brief with Min-Expires (§4.2.1.1). */
  readonly minExpires: number;
  /** Longer requests are shortened (§4.2.1.1: the notifier MAY shorten, never lengthen). */
  readonly maxExpires: number;
  /** When the SUBSCRIBE has no Expires (§4.1.2.1: the package default). */
  readonly defaultExpires: number;
}

export type ExpiresDecision =
  | { readonly kind: 'ok'; readonly seconds: number }
  | { readonly kind: 'unsubscribe' }
  | { readonly kind: 'too-brief'; readonly minExpires: number };

/** §4.2.1.1: the duration granted for a requested Expires. */
export function negotiateExpires(requested: number | undefined, policy: ExpiresPolicy): ExpiresDecision {
  if (requested === 0) return { kind: 'unsubscribe' };
  const wanted = requested ?? policy.defaultExpires;
  if (wanted < policy.minExpires) return { kind: 'too-brief', minExpires: policy.minExpires };
  return { kind: 'ok', seconds: Math.min(wanted, policy.maxExpires) };
}

export interface SubscriptionSnapshot {
  readonly phase: SubscriptionPhase;
  /** ms since the epoch; meaningless once terminated. */
  readonly expiresAt: number;
  /** §4.1.3 reason of a terminated subscription. */
  readonly reason: TerminationReason | null;
}

/** RFC 6665 §4.1.3 reasons Herald uses. */
export type TerminationReason = 'timeout' | 'noresource' | 'rejected' | 'deactivated' | 'giveup';

export type SubscriptionEvent =
  | { readonly kind: 'authorized'; readonly decision: 'active' | 'pending' }
  | { readonly kind: 'refreshed'; readonly seconds: number; readonly now: number }
  | { readonly kind: 'unsubscribed' }
  | { readonly kind: 'expired'; readonly now: number }
  | { readonly kind: 'notify-failed' }
  | { readonly kind: 'rejected' };

export interface Transition {
  readonly next: SubscriptionSnapshot;
  /** Whether a NOTIFY with the new state is due (§4.2.1.2 after each SUBSCRIBE; §4.2.2 on changes). */
  readonly notify: boolean;
}

export function startSubscription(seconds: number, now: number): SubscriptionSnapshot {
  return { phase: 'pending', expiresAt: now + seconds * 1000, reason: null };
}

export function transition(current: SubscriptionSnapshot, event: SubscriptionEvent): Transition {
  if (current.phase === 'terminated') return { next: current, notify: false };
  const terminate = (reason: TerminationReason, notify: boolean): Transition => ({
    next: { phase: 'terminated', expiresAt: current.expiresAt, reason },
    notify,
  });
  switch (event.kind) {
    case 'authorized':
      // §4.2.1.2: pending → active when authorized; a change of state is notified.
      return {
        next: { phase: event.decision, expiresAt: current.expiresAt, reason: current.reason },
        notify: event.decision !== current.phase,
      };
    case 'refreshed': {
      // §4.2.1.2: a refresh is answered with a NOTIFY of the current state.
      const expiresAt = event.now + event.seconds * 1000;
      return { next: { phase: current.phase, expiresAt, reason: current.reason }, notify: true };
    }
    case 'unsubscribed':
      // §4.2.1.4 / §4.1.2.3: Expires 0 → a final NOTIFY with Subscription-State terminated.
      return terminate('timeout', true);
    case 'expired':
      // §4.2.2: an expired subscription is terminated with reason=timeout.
      return current.expiresAt <= event.now ? terminate('timeout', true) : { next: current, notify: false };
    case 'rejected':
      return terminate('rejected', true);
    case 'notify-failed':
      // §4.2.2: a NOTIFY answered 481 (or timing out, RFC 5057) ends the subscription silently.
      return terminate('giveup', false);
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** The Subscription-State value (§8.2.3) for a snapshot at `now`. */
export function subscriptionStateValue(snapshot: SubscriptionSnapshot, now: number): string {
  if (snapshot.phase === 'terminated') return `terminated;reason=${snapshot.reason ?? 'timeout'}`;
  const left = Math.max(0, Math.ceil((snapshot.expiresAt - now) / 1000));
  return `${snapshot.phase};expires=${left}`;
}
