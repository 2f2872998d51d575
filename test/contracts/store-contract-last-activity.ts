/**
 * Store contract, part 10: LastActivityStore (core/ports.ts; XEP-0012 §4 last logout).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejects, insertUsers, type OpenStoreFixture, T0, user, withStore } from './store-fixtures.js';

const ALICE = user('alice').id;
const BOB = user('bob').id;

export function describeLastActivityContract(open: OpenStoreFixture): void {
  describe('last activity (last logout)', () => {
    it('keeps one last logout per user, replaced by the next, status text or null intact', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        assert.equal(await store.lastActivity.lastLogout(ALICE), undefined);
        await store.lastActivity.recordLogout(ALICE, T0, 'Gone fishing ☃ <b>&amp;</b>');
        await store.lastActivity.recordLogout(BOB, T0 + 5, null);
        assert.deepEqual(await store.lastActivity.lastLogout(ALICE), {
          at: T0,
          status: 'Gone fishing ☃ <b>&amp;</b>',
        });
        await store.lastActivity.recordLogout(ALICE, T0 + 2 ** 33, null);
        assert.deepEqual(await store.lastActivity.lastLogout(ALICE), { at: T0 + 2 ** 33, status: null });
        assert.deepEqual(await store.lastActivity.lastLogout(BOB), { at: T0 + 5, status: null });
      }));

    it('refuses an unknown user', () =>
      withStore(open, async (store) => {
        await assertRejects(
          store.lastActivity.recordLogout(ALICE, T0, null),
          'HERALD_ERR_NOT_FOUND',
          'userId',
        );
        assert.equal(await store.lastActivity.lastLogout(ALICE), undefined);
      }));

    it('goes with its user, and a failed transaction keeps the old one', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await store.lastActivity.recordLogout(ALICE, T0, 'away');
        await store.lastActivity.recordLogout(BOB, T0, 'bye');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.lastActivity.recordLogout(ALICE, T0 + 1, 'later');
            throw new Error('work failed');
          }),
          /work failed/,
        );
        assert.deepEqual(await store.lastActivity.lastLogout(ALICE), { at: T0, status: 'away' });
        await store.accounts.deleteUser(ALICE);
        assert.equal(await store.lastActivity.lastLogout(ALICE), undefined);
        // A user of the same id again starts with no last logout (nothing was left behind).
        await insertUsers(store, 'alice');
        assert.equal(await store.lastActivity.lastLogout(ALICE), undefined);
        assert.deepEqual(await store.lastActivity.lastLogout(BOB), { at: T0, status: 'bye' });
      }));

    it('keeps the last logout through close and reopen', (t) =>
      withStore(open, async (store, fixture) => {
        if (!fixture.reopen) return t.skip('this adapter keeps nothing after close');
        await insertUsers(store, 'alice');
        await store.lastActivity.recordLogout(ALICE, T0, 'see you');
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.lastActivity.lastLogout(ALICE), { at: T0, status: 'see you' });
      }));
  });
}
