/**
 * RFC 6121 Appendix A.1-A.3 as data, https://www.rfc-editor.org/rfc/rfc6121#appendix-A: the nine
 * defined states and, for each subscription stanza, the rows of the outbound (A.2) and inbound
 * (A.3) tables. The rules the prose adds live in subscription-states.ts.
 */
import type { SubscriptionState, SubscriptionType } from './subscription-states.js';

/** The nine states of A.1. */
export type DefinedState =
  | 'none'
  | 'none+out'
  | 'none+in'
  | 'none+out+in'
  | 'to'
  | 'to+in'
  | 'from'
  | 'from+out'
  | 'both';

/** A.1's own names, for messages and test titles. */
export const STATE_NAMES: Readonly<Record<DefinedState, string>> = {
  none: '"None"',
  'none+out': '"None + Pending Out"',
  'none+in': '"None + Pending In"',
  'none+out+in': '"None + Pending Out+In"',
  to: '"To"',
  'to+in': '"To + Pending In"',
  from: '"From"',
  'from+out': '"From + Pending Out"',
  both: '"Both"',
};

export const DEFINED: Readonly<
  Record<DefinedState, Pick<SubscriptionState, 'subscription' | 'pendingOut' | 'pendingIn'>>
> = {
  none: { subscription: 'none', pendingOut: false, pendingIn: false },
  'none+out': { subscription: 'none', pendingOut: true, pendingIn: false },
  'none+in': { subscription: 'none', pendingOut: false, pendingIn: true },
  'none+out+in': { subscription: 'none', pendingOut: true, pendingIn: true },
  to: { subscription: 'to', pendingOut: false, pendingIn: false },
  'to+in': { subscription: 'to', pendingOut: false, pendingIn: true },
  from: { subscription: 'from', pendingOut: false, pendingIn: false },
  'from+out': { subscription: 'from', pendingOut: true, pendingIn: false },
  both: { subscription: 'both', pendingOut: false, pendingIn: false },
};

/**
 * The A.1 state of a record. A flag that cannot hold in its subscription (asking for a
 * subscription one already has) is not a state of A.1 and is read as absent.
 */
export function definedState(state: SubscriptionState): DefinedState {
  const hasTo = state.subscription === 'to' || state.subscription === 'both';
  const hasFrom = state.subscription === 'from' || state.subscription === 'both';
  const out = state.pendingOut && !hasTo;
  const inbound = state.pendingIn && !hasFrom;
  switch (state.subscription) {
    case 'none':
      return out ? (inbound ? 'none+out+in' : 'none+out') : inbound ? 'none+in' : 'none';
    case 'to':
      return inbound ? 'to+in' : 'to';
    case 'from':
      return out ? 'from+out' : 'from';
    case 'both':
      return 'both';
    default: {
      const never: never = state.subscription;
      throw new Error(`unknown subscription ${String(never)}`);
    }
  }
}

/** One row: the new state (null: "no state change") and whether the stanza goes on. */
export type Row = readonly [next: DefinedState | null, forward: boolean];
export type Table = Readonly<Record<DefinedState, Row>>;

// A.2: the user's server routes an outbound stanza to the contact ("ROUTE?").
export const OUTBOUND: Readonly<Record<SubscriptionType, Table>> = {
  // A.2.1 (§3.1.2: the server routes every subscription request, so a lost one can be re-sent)
  subscribe: {
    none: ['none+out', true],
    'none+out': [null, true],
    'none+in': ['none+out+in', true],
    'none+out+in': [null, true],
    to: [null, true],
    'to+in': [null, true],
    from: ['from+out', true],
    'from+out': [null, true],
    both: [null, true],
  },
  // A.2.2 (§3.3.2)
  unsubscribe: {
    none: [null, true],
    'none+out': ['none', true],
    'none+in': [null, true],
    'none+out+in': ['none+in', true],
    to: ['none', true],
    'to+in': ['none+in', true],
    from: [null, true],
    'from+out': ['from', true],
    both: ['from', true],
  },
  // A.2.3 (§3.1.5: an approval without a request is not routed; §3.4 may keep it as a pre-approval)
  subscribed: {
    none: [null, false],
    'none+out': [null, false],
    'none+in': ['from', true],
    'none+out+in': ['from+out', true],
    to: [null, false],
    'to+in': ['both', true],
    from: [null, false],
    'from+out': [null, false],
    both: [null, false],
  },
  // A.2.4 (§3.2.2)
  unsubscribed: {
    none: [null, false],
    'none+out': [null, false],
    'none+in': ['none', true],
    'none+out+in': ['none+out', true],
    to: [null, false],
    'to+in': ['to', true],
    from: ['none', true],
    'from+out': ['none+out', true],
    both: ['to', true],
  },
};

// A.3: the user's server delivers an inbound stanza to the user ("DELIVER?").
export const INBOUND: Readonly<Record<SubscriptionType, Table>> = {
  // A.3.1 (§3.1.3; "From", "From + Pending Out", "Both": the server answers instead, see below)
  subscribe: {
    none: ['none+in', true],
    'none+out': ['none+out+in', true],
    'none+in': [null, false],
    'none+out+in': [null, false],
    to: ['to+in', true],
    'to+in': [null, false],
    from: [null, false],
    'from+out': [null, false],
    both: [null, false],
  },
  // A.3.2 (§3.3.3)
  unsubscribe: {
    none: [null, false],
    'none+out': [null, false],
    'none+in': ['none', true],
    'none+out+in': ['none+out', true],
    to: [null, false],
    'to+in': ['to', true],
    from: ['none', true],
    'from+out': ['none+out', true],
    both: ['to', true],
  },
  // A.3.3 (§3.1.6)
  subscribed: {
    none: [null, false],
    'none+out': ['to', true],
    'none+in': [null, false],
    'none+out+in': ['to+in', true],
    to: [null, false],
    'to+in': [null, false],
    from: [null, false],
    'from+out': ['both', true],
    both: [null, false],
  },
  // A.3.4 (§3.2.3)
  unsubscribed: {
    none: [null, false],
    'none+out': ['none', true],
    'none+in': [null, false],
    'none+out+in': ['none+in', true],
    to: ['none', true],
    'to+in': ['none+in', true],
    from: [null, false],
    'from+out': ['from', true],
    both: ['from', true],
  },
};
