import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyInbound,
  applyOutbound,
  type DefinedState,
  definedState,
  isRetained,
  NO_RECORD,
  STATE_NAMES,
  type SubscriptionState,
  type SubscriptionType,
} from './subscription-states.js';

/** A listed record in one of the A.1 states. */
function record(state: DefinedState, extra: Partial<SubscriptionState> = {}): SubscriptionState {
  const [subscription, ...flags] = state.split('+') as [SubscriptionState['subscription'], ...string[]];
  return {
    subscription,
    pendingOut: flags.includes('out'),
    pendingIn: flags.includes('in'),
    preApproved: false,
    listed: true,
    ...extra,
  };
}

type Expected = readonly [from: DefinedState, forward: boolean, to: DefinedState | 'no state change'];

interface Table {
  readonly section: string;
  readonly direction: 'outbound' | 'inbound';
  readonly type: SubscriptionType;
  readonly rows: readonly Expected[];
}

// RFC 6121 Appendix A.2 and A.3, transcribed row by row (the golden data of these tests).
const TABLES: readonly Table[] = [
  {
    section: 'A.2.1',
    direction: 'outbound',
    type: 'subscribe',
    rows: [
      ['none', true, 'none+out'],
      ['none+out', true, 'no state change'],
      ['none+in', true, 'none+out+in'],
      ['none+out+in', true, 'no state change'],
      ['to', true, 'no state change'],
      ['to+in', true, 'no state change'],
      ['from', true, 'from+out'],
      ['from+out', true, 'no state change'],
      ['both', true, 'no state change'],
    ],
  },
  {
    section: 'A.2.2',
    direction: 'outbound',
    type: 'unsubscribe',
    rows: [
      ['none', true, 'no state change'],
      ['none+out', true, 'none'],
      ['none+in', true, 'no state change'],
      ['none+out+in', true, 'none+in'],
      ['to', true, 'none'],
      ['to+in', true, 'none+in'],
      ['from', true, 'no state change'],
      ['from+out', true, 'from'],
      ['both', true, 'from'],
    ],
  },
  {
    section: 'A.2.3',
    direction: 'outbound',
    type: 'subscribed',
    rows: [
      ['none', false, 'no state change'],
      ['none+out', false, 'no state change'],
      ['none+in', true, 'from'],
      ['none+out+in', true, 'from+out'],
      ['to', false, 'no state change'],
      ['to+in', true, 'both'],
      ['from', false, 'no state change'],
      ['from+out', false, 'no state change'],
      ['both', false, 'no state change'],
    ],
  },
  {
    section: 'A.2.4',
    direction: 'outbound',
    type: 'unsubscribed',
    rows: [
      ['none', false, 'no state change'],
      ['none+out', false, 'no state change'],
      ['none+in', true, 'none'],
      ['none+out+in', true, 'none+out'],
      ['to', false, 'no state change'],
      ['to+in', true, 'to'],
      ['from', true, 'none'],
      ['from+out', true, 'none+out'],
      ['both', true, 'to'],
    ],
  },
  {
    section: 'A.3.1',
    direction: 'inbound',
    type: 'subscribe',
    rows: [
      ['none', true, 'none+in'],
      ['none+out', true, 'none+out+in'],
      ['none+in', false, 'no state change'],
      ['none+out+in', false, 'no state change'],
      ['to', true, 'to+in'],
      ['to+in', false, 'no state change'],
      ['from', false, 'no state change'],
      ['from+out', false, 'no state change'],
      ['both', false, 'no state change'],
    ],
  },
  {
    section: 'A.3.2',
    direction: 'inbound',
    type: 'unsubscribe',
    rows: [
      ['none', false, 'no state change'],
      ['none+out', false, 'no state change'],
      ['none+in', true, 'none'],
      ['none+out+in', true, 'none+out'],
      ['to', false, 'no state change'],
      ['to+in', true, 'to'],
      ['from', true, 'none'],
      ['from+out', true, 'none+out'],
      ['both', true, 'to'],
    ],
  },
  {
    section: 'A.3.3',
    direction: 'inbound',
    type: 'subscribed',
    rows: [
      ['none', false, 'no state change'],
      ['none+out', true, 'to'],
      ['none+in', false, 'no state change'],
      ['none+out+in', true, 'to+in'],
      ['to', false, 'no state change'],
      ['to+in', false, 'no state change'],
      ['from', false, 'no state change'],
      ['from+out', true, 'both'],
      ['both', false, 'no state change'],
    ],
  },
  {
    section: 'A.3.4',
    direction: 'inbound',
    type: 'unsubscribed',
    rows: [
      ['none', false, 'no state change'],
      ['none+out', true, 'none'],
      ['none+in', false, 'no state change'],
      ['none+out+in', true, 'none+in'],
      ['to', true, 'none'],
      ['to+in', true, 'none+in'],
      ['from', false, 'no state change'],
      ['from+out', true, 'from'],
      ['both', true, 'from'],
    ],
  },
];

describe('RFC 6121 Appendix A subscription states', () => {
  for (const table of TABLES) {
    describe(`${table.section} ${table.direction} "${table.type}"`, () => {
      it('has one row for each of the nine A.1 states', () => {
        assert.deepEqual(new Set(table.rows.map(([from]) => from)), new Set(Object.keys(STATE_NAMES)));
      });
      for (const [from, forward, to] of table.rows) {
        const verb = table.direction === 'outbound' ? 'routes' : 'delivers';
        const title = `${table.section} row ${STATE_NAMES[from]}: ${forward ? verb : `does not ${verb.slice(0, -1)}`}, ${
          to === 'no state change' ? 'no state change' : `→ ${STATE_NAMES[to]}`
        }`;
        it(title, () => {
          const before = record(from);
          const outcome =
            table.direction === 'outbound'
              ? applyOutbound(before, table.type)
              : applyInbound(before, table.type);
          const moved = 'route' in outcome ? outcome.route : outcome.deliver;
          assert.equal(moved, forward);
          assert.equal(definedState(outcome.state), to === 'no state change' ? from : to);
        });
      }
    });
  }
});

describe('RFC 6121 subscription rules around the tables', () => {
  it('A.1: a flag that cannot hold in its subscription is not read (ask while already "To")', () => {
    assert.equal(definedState(record('to', { pendingOut: true })), 'to');
    assert.equal(definedState(record('both', { pendingIn: true, pendingOut: true })), 'both');
  });

  it('§3.1.2: subscribing to an unknown contact lists it with ask and pushes it', () => {
    const outcome = applyOutbound(NO_RECORD, 'subscribe');
    assert.deepEqual(outcome.state, { ...NO_RECORD, pendingOut: true, listed: true });
    assert.equal(outcome.push, true);
  });

  it('§3.1.2: re-sending a request is routed again but pushes nothing', () => {
    const outcome = applyOutbound(record('none+out'), 'subscribe');
    assert.equal(outcome.route, true);
    assert.equal(outcome.push, false);
  });

  it('A.1 / §3.1.3: an inbound request for an unknown contact is kept unlisted, delivered, not pushed', () => {
    const outcome = applyInbound(NO_RECORD, 'subscribe');
    assert.deepEqual(outcome.state, { ...NO_RECORD, pendingIn: true });
    assert.equal(outcome.deliver, true);
    assert.equal(outcome.push, false);
    assert.equal(isRetained(outcome.state), true);
  });

  for (const state of ['from', 'from+out', 'both'] as const) {
    it(`§3.1.3 / A.3.1 row ${STATE_NAMES[state]}: the server auto-replies "subscribed"`, () => {
      const outcome = applyInbound(record(state), 'subscribe');
      assert.equal(outcome.autoReply, 'subscribed');
      assert.equal(outcome.deliver, false);
      assert.equal(outcome.push, false);
    });
  }

  it('A.3.1 rows without a subscription from the user send no automatic reply', () => {
    for (const state of ['none', 'none+out', 'none+in', 'none+out+in', 'to', 'to+in'] as const)
      assert.equal(applyInbound(record(state), 'subscribe').autoReply, null, state);
  });

  it('§3.1.5 / A.1: approving an unlisted request lists the contact, pushes, and sends presence', () => {
    const outcome = applyOutbound({ ...NO_RECORD, pendingIn: true }, 'subscribed');
    assert.deepEqual(outcome.state, { ...NO_RECORD, subscription: 'from', listed: true });
    assert.equal(outcome.route, true);
    assert.equal(outcome.push, true);
    assert.equal(outcome.presence, 'send-presence');
  });

  for (const state of ['none', 'none+out', 'to'] as const) {
    it(`§3.4 pre-approval in ${STATE_NAMES[state]}: noted and pushed, not routed`, () => {
      const outcome = applyOutbound(record(state), 'subscribed');
      assert.equal(outcome.state.preApproved, true);
      assert.equal(definedState(outcome.state), state);
      assert.equal(outcome.route, false);
      assert.equal(outcome.push, true);
      assert.equal(outcome.presence, null);
    });
  }

  it('§3.4: pre-approving a contact not in the roster creates the item', () => {
    const outcome = applyOutbound(NO_RECORD, 'subscribed');
    assert.deepEqual(outcome.state, { ...NO_RECORD, preApproved: true, listed: true });
  });

  it('§3.4: pre-approving twice changes nothing the second time', () => {
    const outcome = applyOutbound(record('none', { preApproved: true }), 'subscribed');
    assert.equal(outcome.push, false);
  });

  it('§3.4: approval of a real request is not a pre-approval', () => {
    assert.equal(applyOutbound(record('none+in'), 'subscribed').state.preApproved, false);
    assert.equal(applyOutbound(record('from'), 'subscribed').state.preApproved, false);
  });

  const preApproved: readonly (readonly [DefinedState, DefinedState])[] = [
    ['none', 'from'],
    ['none+out', 'from+out'],
    ['to', 'both'],
  ];
  for (const [from, to] of preApproved) {
    it(`§3.4: a request in pre-approved ${STATE_NAMES[from]} is answered by the server → ${STATE_NAMES[to]}`, () => {
      const outcome = applyInbound(record(from, { preApproved: true }), 'subscribe');
      assert.equal(definedState(outcome.state), to);
      assert.equal(outcome.state.preApproved, false);
      assert.equal(outcome.deliver, false);
      assert.equal(outcome.autoReply, 'subscribed');
      assert.equal(outcome.push, true);
      assert.equal(outcome.presence, 'send-presence');
    });
  }

  it('§3.4: "unsubscribed" withdraws a pre-approval without routing', () => {
    const outcome = applyOutbound(record('to', { preApproved: true }), 'unsubscribed');
    assert.equal(outcome.state.preApproved, false);
    assert.equal(outcome.route, false);
    assert.equal(outcome.push, true);
  });

  it('§3.2.2: revoking a subscription sends unavailable presence first', () => {
    for (const state of ['from', 'from+out', 'both'] as const)
      assert.equal(applyOutbound(record(state), 'unsubscribed').presence, 'send-unavailable', state);
    assert.equal(applyOutbound(record('none+in'), 'unsubscribed').presence, null);
  });

  it('§3.2.2 / A.1: declining an unlisted request leaves nothing to keep', () => {
    const outcome = applyOutbound({ ...NO_RECORD, pendingIn: true }, 'unsubscribed');
    assert.equal(outcome.route, true);
    assert.equal(outcome.push, false);
    assert.equal(isRetained(outcome.state), false);
  });

  it("§3.3.3: an inbound unsubscribe from a subscriber sends the user's unavailable presence", () => {
    assert.equal(applyInbound(record('both'), 'unsubscribe').presence, 'send-unavailable');
    assert.equal(applyInbound(record('none+in'), 'unsubscribe').presence, null);
  });

  it("§3.1.6: an inbound approval that subscribes the user brings the contact's presence", () => {
    assert.equal(applyInbound(record('none+out'), 'subscribed').presence, 'probe');
    assert.equal(applyInbound(record('to'), 'subscribed').presence, null);
  });

  it('§3.1.6: the approval is pushed (ask removed, subscription "to")', () => {
    const outcome = applyInbound(record('none+out'), 'subscribed');
    assert.equal(outcome.push, true);
    assert.equal(outcome.state.pendingOut, false);
  });

  it('§3.2.3: an inbound cancellation shows the contact unavailable', () => {
    assert.equal(applyInbound(record('both'), 'unsubscribed').presence, 'contact-unavailable');
    assert.equal(applyInbound(record('none+out'), 'unsubscribed').presence, null);
  });

  it('§2.1.6: a change of pendingIn alone (not shown in the roster) pushes nothing', () => {
    assert.equal(applyInbound(record('to'), 'subscribe').push, false);
    assert.equal(applyInbound(record('to+in'), 'unsubscribe').push, false);
  });
});
