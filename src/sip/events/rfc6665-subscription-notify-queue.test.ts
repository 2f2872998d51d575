import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { startSubscription, transition } from './rfc6665-subscription.js';
import {
  coalesceNotify,
  NotifyQueue,
  type NotifyRequest,
  SendWindow,
} from './rfc6665-subscription-notify-queue.js';

/** A queue whose sends stay in flight until the test ends them, one by one. */
function harness() {
  const clock = new FakeClock(1_000);
  const sent: NotifyRequest[] = [];
  const finish: Array<(error?: Error) => void> = [];
  const errors: unknown[] = [];
  const queue = new NotifyQueue(
    {
      send: (_subscription: string, request) =>
        new Promise<void>((resolve, reject) => {
          sent.push(request);
          finish.push((error) => (error ? reject(error) : resolve()));
        }),
      onError: (_subscription, error) => errors.push(error),
    },
    'the subscription',
  );
  const pending = startSubscription(3600, clock.now());
  const active = transition(pending, { kind: 'authorized', decision: 'active' }).next;
  /** Ends the oldest NOTIFY still in flight and lets the queue move on (no timers involved). */
  const answer = async (error?: Error) => {
    const done = finish.shift();
    assert.ok(done, 'a NOTIFY is in flight');
    done(error);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { clock, sent, errors, queue, pending, active, answer };
}

describe('NOTIFY coalescing (RFC 6665 §4.2.2, one NOTIFY in flight per subscription)', () => {
  it('sends the first change at once and folds the ones that come meanwhile into one', async () => {
    const { sent, queue, active, answer, clock } = harness();
    queue.push({ snapshot: active, withBody: true, changes: ['a'] });
    assert.equal(sent.length, 1);
    assert.equal(queue.inFlight, true);
    clock.advance(100);
    const refreshed = transition(active, { kind: 'refreshed', seconds: 600, now: clock.now() }).next;
    for (const change of ['b', 'c', 'd'])
      queue.push({ snapshot: refreshed, withBody: true, changes: [change] });
    assert.equal(sent.length, 1, 'nothing more while the first is unanswered');
    assert.deepEqual(queue.pending?.changes, ['b', 'c', 'd']);
    await answer();
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1]?.changes, ['b', 'c', 'd']);
    assert.equal(sent[1]?.snapshot, refreshed, 'the latest state goes out');
    assert.equal(queue.pending, undefined);
    await answer();
    assert.equal(queue.inFlight, false);
    assert.equal(sent.length, 2);
    queue.push({ snapshot: refreshed, withBody: true, changes: ['e'] });
    assert.equal(sent.length, 3, 'idle again: the next change goes at once');
  });

  it('sends the full state when any coalesced NOTIFY asked for it', async () => {
    const { sent, queue, active, answer } = harness();
    queue.push({ snapshot: active, withBody: true, changes: ['a'] });
    queue.push({ snapshot: active, withBody: true, changes: ['b'] });
    queue.push({ snapshot: active, withBody: true, changes: undefined });
    queue.push({ snapshot: active, withBody: true, changes: ['c'] });
    await answer();
    assert.equal(sent[1]?.changes, undefined);
  });

  it('keeps the later decision about the body: a subscription gone pending gets none', async () => {
    const { sent, queue, active, pending, answer } = harness();
    queue.push({ snapshot: active, withBody: true, changes: undefined });
    queue.push({ snapshot: active, withBody: true, changes: ['a'] });
    queue.push({ snapshot: pending, withBody: false, changes: undefined });
    await answer();
    assert.equal(sent[1]?.withBody, false);
    assert.equal(sent[1]?.snapshot.phase, 'pending');
    assert.deepEqual(
      coalesceNotify(sent[1] as NotifyRequest, { snapshot: active, withBody: true, changes: [] }),
      {
        snapshot: active,
        withBody: true,
        changes: undefined,
      },
    );
  });

  it('sends nothing after a terminated NOTIFY, coalesced or not', async () => {
    const { sent, queue, active, answer } = harness();
    const ended = transition(active, { kind: 'unsubscribed' }).next;
    assert.equal(ended.phase, 'terminated');
    queue.push({ snapshot: active, withBody: true, changes: ['a'] });
    queue.push({ snapshot: ended, withBody: false, changes: undefined });
    queue.push({ snapshot: active, withBody: true, changes: ['late'] });
    assert.equal(queue.pending?.snapshot.phase, 'terminated', 'a pending end is not replaced');
    await answer();
    assert.equal(sent[1]?.snapshot.phase, 'terminated');
    queue.push({ snapshot: active, withBody: true, changes: ['later'] });
    await answer();
    assert.equal(sent.length, 2);
    assert.equal(queue.inFlight, false);
  });

  it('reports a failed send and still sends what was pending', async () => {
    const { sent, errors, queue, active, answer } = harness();
    queue.push({ snapshot: active, withBody: true, changes: ['a'] });
    queue.push({ snapshot: active, withBody: true, changes: ['b'] });
    await answer(new Error('no flow'));
    assert.equal(errors.length, 1);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1]?.changes, ['b']);
  });
});

describe('UDP NOTIFY window (answers in flight bounded server-wide)', () => {
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };

  it('grants up to its size, then one place per release, first come first served', async () => {
    const window = new SendWindow(2);
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    for (const name of ['a', 'b', 'c', 'd'])
      void window.acquire().then((release) => {
        order.push(name);
        releases.set(name, release);
      });
    await settle();
    assert.deepEqual(order, ['a', 'b']);
    assert.deepEqual([window.used, window.waiting], [2, 2]);
    releases.get('b')?.();
    releases.get('b')?.(); // a second release of the same place frees nothing more
    await settle();
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.deepEqual([window.used, window.waiting], [2, 1]);
    releases.get('a')?.();
    releases.get('c')?.();
    await settle();
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
    assert.deepEqual([window.used, window.waiting], [1, 0]);
    assert.throws(() => new SendWindow(0), RangeError);
  });

  it('lets the changes of a subscription waiting for a place coalesce into one NOTIFY', async () => {
    const window = new SendWindow(1);
    const held = await window.acquire();
    const sent: NotifyRequest[] = [];
    const clock = new FakeClock(0);
    const active = transition(startSubscription(60, clock.now()), {
      kind: 'authorized',
      decision: 'active',
    }).next;
    const queue = new NotifyQueue(
      {
        send: async (_subscription: string, request) => {
          sent.push(request);
        },
        onError: () => {},
        gate: () => window.acquire(),
      },
      'the subscription',
    );
    for (const change of ['a', 'b', 'c']) queue.push({ snapshot: active, withBody: true, changes: [change] });
    await settle();
    assert.equal(sent.length, 0, 'no place yet');
    assert.equal(queue.inFlight, true);
    assert.deepEqual(queue.pending?.changes, ['a', 'b', 'c']);
    held();
    await settle();
    assert.deepEqual(
      sent.map((r) => r.changes),
      [['a', 'b', 'c']],
    );
    assert.deepEqual([window.used, queue.inFlight], [0, false], 'the place is freed once sent');
  });
});
