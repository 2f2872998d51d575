/**
 * Store contract, part 7: OfflineStore (core/ports.ts; XEP-0160 offline messages; SPEC M3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId, type OfflineMessageRecord, type Store } from '../../src/core/ports.js';
import {
  assertRejects,
  insertUsers,
  mutable,
  type OpenStoreFixture,
  offlineMessage,
  user,
  withStore,
} from './store-fixtures.js';

const ALICE = user('alice').id;
const BOB = user('bob').id;
const ROOMY = 100;

async function enqueueAll(store: Store, messages: readonly OfflineMessageRecord[], quota = ROOMY) {
  for (const message of messages) assert.equal(await store.offline.enqueue(message, quota), 'stored');
}

/** Stored out of order: ties on the time go by id in code-point order. */
const QUEUE = [
  offlineMessage('m-late', 'alice', 30),
  offlineMessage('m-b', 'alice', 10),
  offlineMessage('M-a', 'alice', 10),
  offlineMessage('m-first', 'alice', 0, {
    from: 'sip:romeo@montague.example',
    payload: { format: 'sip', content: 'Hello ☃ — ça va?', body: null },
  }),
];
const OLDEST_FIRST = ['m-first', 'M-a', 'm-b', 'm-late'];

export function describeOfflineContract(open: OpenStoreFixture): void {
  describe('offline messages', () => {
    it('stores messages and peeks the oldest first, by time then id, every field intact', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await enqueueAll(store, QUEUE);
        const all = await store.offline.peek(ALICE, 10);
        assert.deepEqual(
          all.map((message) => message.id),
          OLDEST_FIRST,
        );
        assert.deepEqual(all[0], QUEUE[3]);
        assert.deepEqual(all[3], QUEUE[0]);
        assert.equal(await store.offline.count(ALICE), 4);
      }));

    const limits = [
      { limit: 0, expected: [] },
      { limit: 2, expected: OLDEST_FIRST.slice(0, 2) },
      { limit: 4, expected: OLDEST_FIRST },
      { limit: 50, expected: OLDEST_FIRST },
    ];
    it('peeks at most `limit` messages without removing them', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await enqueueAll(store, QUEUE);
        for (const { limit, expected } of limits) {
          const peeked = await store.offline.peek(ALICE, limit);
          assert.deepEqual(
            peeked.map((message) => message.id),
            expected,
            `limit ${limit}`,
          );
        }
        assert.equal(await store.offline.count(ALICE), 4);
      }));

    it('gives nothing for a user with no messages, or no user at all', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        for (const id of [ALICE, asUserId('u-nobody')]) {
          assert.deepEqual(await store.offline.peek(id, 10), []);
          assert.equal(await store.offline.count(id), 0);
          assert.equal(await store.offline.remove(id, ['m-1']), 0);
        }
      }));

    it("refuses past the quota, counts each user's own messages, and takes more once some are removed", () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await enqueueAll(store, [offlineMessage('b-1', 'bob'), offlineMessage('b-2', 'bob')], 2);
        assert.equal(await store.offline.enqueue(offlineMessage('a-1', 'alice'), 2), 'stored');
        assert.equal(await store.offline.enqueue(offlineMessage('a-2', 'alice'), 2), 'stored');
        assert.equal(await store.offline.enqueue(offlineMessage('a-3', 'alice'), 2), 'quota-exceeded');
        assert.equal(
          await store.offline.enqueue(offlineMessage('a-3', 'alice'), 3),
          'stored',
          'a larger quota',
        );
        assert.equal(await store.offline.count(ALICE), 3);
        assert.equal(await store.offline.enqueue(offlineMessage('a-4', 'alice'), 3), 'quota-exceeded');
        assert.equal(await store.offline.remove(ALICE, ['a-1']), 1);
        assert.equal(await store.offline.enqueue(offlineMessage('a-4', 'alice'), 3), 'stored');
        assert.equal(
          await store.offline.enqueue(offlineMessage('b-3', 'bob'), 0),
          'quota-exceeded',
          'quota 0',
        );
        assert.deepEqual(
          (await store.offline.peek(ALICE, 10)).map((message) => message.id),
          ['a-2', 'a-3', 'a-4'],
        );
        assert.equal(await store.offline.count(BOB), 2);
      }));

    it('never stores past the quota when enqueues race: 10 at once with quota 5 store exactly 5', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await store.offline.enqueue(offlineMessage('b-0', 'bob'), ROOMY);
        const racing = Array.from({ length: 10 }, (_, i) => offlineMessage(`a-${i}`, 'alice', i));
        const outcomes = await Promise.all(racing.map((message) => store.offline.enqueue(message, 5)));
        assert.equal(outcomes.filter((outcome) => outcome === 'stored').length, 5, outcomes.join());
        assert.equal(outcomes.filter((outcome) => outcome === 'quota-exceeded').length, 5, outcomes.join());
        assert.equal(await store.offline.count(ALICE), 5);
        assert.equal((await store.offline.peek(ALICE, 10)).length, 5);
      }));

    it("removes the given messages, never another user's, and says how many went", () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await enqueueAll(store, QUEUE);
        await enqueueAll(store, [offlineMessage('b-1', 'bob')]);
        assert.equal(await store.offline.remove(ALICE, ['m-b', 'b-1', 'm-nope', 'm-b']), 1);
        assert.equal(await store.offline.remove(ALICE, []), 0);
        assert.equal(await store.offline.remove(ALICE, ['m-b']), 0, 'already removed');
        assert.equal(await store.offline.remove(ALICE, ['m-first', 'm-late']), 2);
        assert.deepEqual(
          (await store.offline.peek(ALICE, 10)).map((message) => message.id),
          ['M-a'],
        );
        assert.deepEqual(await store.offline.peek(BOB, 10), [offlineMessage('b-1', 'bob')]);
      }));

    const refusals = [
      {
        why: 'a negative quota',
        call: (s: Store) => s.offline.enqueue(offlineMessage('x', 'alice'), -1),
        field: 'quota',
      },
      {
        why: 'a fractional quota',
        call: (s: Store) => s.offline.enqueue(offlineMessage('x', 'alice'), 1.5),
        field: 'quota',
      },
      { why: 'a negative limit', call: (s: Store) => s.offline.peek(ALICE, -1), field: 'limit' },
      {
        why: 'an infinite limit',
        call: (s: Store) => s.offline.peek(ALICE, Number.POSITIVE_INFINITY),
        field: 'limit',
      },
    ];
    for (const { why, call, field } of refusals) {
      it(`refuses ${why} with HERALD_ERR_VALIDATION naming ${field}`, () =>
        withStore(open, async (store) => {
          await insertUsers(store, 'alice');
          await assertRejects(call(store), 'HERALD_ERR_VALIDATION', field);
          assert.equal(await store.offline.count(ALICE), 0);
        }));
    }

    it('refuses an unknown user (NOT_FOUND userId) and a taken id, even of another user (CONFLICT id)', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await assertRejects(
          store.offline.enqueue(offlineMessage('m-1', 'nobody'), ROOMY),
          'HERALD_ERR_NOT_FOUND',
          'userId',
        );
        await enqueueAll(store, [offlineMessage('m-1', 'bob')]);
        await assertRejects(
          store.offline.enqueue(offlineMessage('m-1', 'alice'), ROOMY),
          'HERALD_ERR_CONFLICT',
          'id',
        );
        await assertRejects(
          store.offline.enqueue(offlineMessage('m-1', 'bob', 5), ROOMY),
          'HERALD_ERR_CONFLICT',
          'id',
        );
        assert.equal(await store.offline.count(ALICE), 0);
        assert.deepEqual(await store.offline.peek(BOB, 10), [offlineMessage('m-1', 'bob')]);
      }));

    it("removes the user's messages with the user, and no one else's", () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await enqueueAll(store, [...QUEUE, offlineMessage('b-1', 'bob')]);
        await store.accounts.deleteUser(ALICE);
        await insertUsers(store, 'alice');
        assert.equal(await store.offline.count(ALICE), 0);
        assert.deepEqual(await store.offline.peek(ALICE, 10), []);
        await enqueueAll(store, [offlineMessage('m-late', 'alice')], 1);
        assert.equal(await store.offline.count(BOB), 1);
      }));

    it('hands out and takes in copies', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const message = offlineMessage('m-1', 'alice');
        const payload = mutable(message.payload);
        await store.offline.enqueue(message, ROOMY);
        payload.body = 'changed';
        const [peeked] = await store.offline.peek(ALICE, 1);
        if (peeked) mutable(peeked.payload).content = 'changed';
        assert.ok(peeked);
        assert.deepEqual(await store.offline.peek(ALICE, 1), [offlineMessage('m-1', 'alice')]);
      }));

    it('counts the messages of its own transaction against the quota, and keeps nothing when it fails', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await enqueueAll(store, [offlineMessage('m-0', 'alice')]);
        await assert.rejects(
          store.transaction(async (tx) => {
            assert.equal(await tx.offline.enqueue(offlineMessage('m-1', 'alice'), 2), 'stored');
            assert.equal(await tx.offline.enqueue(offlineMessage('m-2', 'alice'), 2), 'quota-exceeded');
            assert.equal(await tx.offline.remove(ALICE, ['m-0']), 1);
            assert.equal(await tx.offline.count(ALICE), 1);
            throw new Error('work failed');
          }),
          /work failed/,
        );
        assert.deepEqual(await store.offline.peek(ALICE, 10), [offlineMessage('m-0', 'alice')]);
      }));

    it('keeps messages through close and reopen', (t) =>
      withStore(open, async (store, fixture) => {
        if (!fixture.reopen) return t.skip('this adapter keeps nothing after close');
        await insertUsers(store, 'alice');
        await enqueueAll(store, QUEUE);
        await store.offline.remove(ALICE, ['m-late']);
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.offline.peek(ALICE, 10), [QUEUE[3], QUEUE[2], QUEUE[1]]);
        assert.equal(await again.offline.enqueue(offlineMessage('m-more', 'alice'), 3), 'quota-exceeded');
      }));
  });
}
