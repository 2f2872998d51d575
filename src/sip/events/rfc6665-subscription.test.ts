import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  negotiateExpires,
  type SubscriptionEvent,
  startSubscription,
  subscriptionStateValue,
  transition,
} from './rfc6665-subscription.js';

const policy = { minExpires: 60, maxExpires: 3600, defaultExpires: 600 };

describe('RFC 6665 subscription state machine', () => {
  it('negotiates Expires (§4.2.1.1)', () => {
    assert.deepEqual(negotiateExpires(undefined, policy), { kind: 'ok', seconds: 600 });
    assert.deepEqual(negotiateExpires(30, policy), { kind: 'too-brief', minExpires: 60 });
    assert.deepEqual(negotiateExpires(0, policy), { kind: 'unsubscribe' });
    assert.deepEqual(negotiateExpires(99_999, policy), { kind: 'ok', seconds: 3600 });
  });

  const table: {
    name: string;
    events: SubscriptionEvent[];
    phase: string;
    notifies: boolean[];
    state: string;
  }[] = [
    {
      name: 'authorized active',
      events: [{ kind: 'authorized', decision: 'active' }],
      phase: 'active',
      notifies: [true],
      state: 'active;expires=600',
    },
    {
      name: 'stays pending',
      events: [{ kind: 'authorized', decision: 'pending' }],
      phase: 'pending',
      notifies: [false],
      state: 'pending;expires=600',
    },
    {
      name: 'pending then approved',
      events: [
        { kind: 'authorized', decision: 'pending' },
        { kind: 'authorized', decision: 'active' },
      ],
      phase: 'active',
      notifies: [false, true],
      state: 'active;expires=600',
    },
    {
      name: 'refresh extends',
      events: [
        { kind: 'authorized', decision: 'active' },
        { kind: 'refreshed', seconds: 1200, now: 0 },
      ],
      phase: 'active',
      notifies: [true, true],
      state: 'active;expires=1200',
    },
    {
      name: 'early expiry check is ignored, real one times out',
      events: [
        { kind: 'authorized', decision: 'active' },
        { kind: 'expired', now: 1000 },
        { kind: 'expired', now: 600_000 },
      ],
      phase: 'terminated',
      notifies: [true, false, true],
      state: 'terminated;reason=timeout',
    },
    {
      name: 'unsubscribe',
      events: [{ kind: 'authorized', decision: 'active' }, { kind: 'unsubscribed' }],
      phase: 'terminated',
      notifies: [true, true],
      state: 'terminated;reason=timeout',
    },
    {
      name: 'a failed NOTIFY ends silently, then nothing moves it',
      events: [
        { kind: 'authorized', decision: 'active' },
        { kind: 'notify-failed' },
        { kind: 'authorized', decision: 'active' },
      ],
      phase: 'terminated',
      notifies: [true, false, false],
      state: 'terminated;reason=giveup',
    },
  ];
  for (const row of table)
    it(row.name, () => {
      let state = startSubscription(600, 0);
      const notifies: boolean[] = [];
      for (const event of row.events) {
        const step = transition(state, event);
        state = step.next;
        notifies.push(step.notify);
      }
      assert.equal(state.phase, row.phase);
      assert.deepEqual(notifies, row.notifies);
      assert.equal(subscriptionStateValue(state, 0), row.state);
    });
});
