/**
 * Store contract, part 6: BlockListStore (core/ports.ts; XEP-0191 Blocking Command; SPEC P3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId } from '../../src/core/ports.js';
import { assertRejects, insertUsers, type OpenStoreFixture, user, withStore } from './store-fixtures.js';

const ALICE = user('alice').id;
const BOB = user('bob').id;

/** Bare and full JIDs and a domain (the items of XEP-0191 §3.3, §6), not in order. */
const ADDRESSES = [
  'romeo@montague.example/orchard',
  'évil.example',
  'Tybalt@capulet.example',
  'iago@evil.example',
];
const IN_ORDER = [
  'Tybalt@capulet.example',
  'iago@evil.example',
  'romeo@montague.example/orchard',
  'évil.example',
];

const UNBLOCKS: { why: string; addresses: readonly string[] | undefined; left: string[] }[] = [
  {
    why: 'the given addresses only',
    addresses: ['iago@evil.example', 'évil.example'],
    left: ['Tybalt@capulet.example', 'romeo@montague.example/orchard'],
  },
  {
    why: 'matching exactly, not by case or prefix',
    addresses: ['tybalt@capulet.example', 'romeo@montague.example', 'nobody@example.com'],
    left: IN_ORDER,
  },
  { why: 'nothing for an empty list', addresses: [], left: IN_ORDER },
  { why: 'everything when no list is given (XEP-0191 §3.5)', addresses: undefined, left: [] },
];

export function describeBlockListContract(open: OpenStoreFixture): void {
  describe('block lists', () => {
    it('gives an empty list for a user who blocked no one, or no user at all', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        assert.deepEqual(await store.blocks.getBlockList(ALICE), []);
        assert.deepEqual(await store.blocks.getBlockList(asUserId('u-nobody')), []);
      }));

    it('blocks idempotently and lists in code-point order', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.blocks.block(ALICE, ADDRESSES);
        await store.blocks.block(ALICE, ['iago@evil.example', 'iago@evil.example']);
        await store.blocks.block(ALICE, []);
        assert.deepEqual(await store.blocks.getBlockList(ALICE), IN_ORDER);
      }));

    for (const { why, addresses, left } of UNBLOCKS) {
      it(`unblocks ${why}, leaving other users' lists alone`, () =>
        withStore(open, async (store) => {
          await insertUsers(store, 'alice', 'bob');
          await store.blocks.block(ALICE, ADDRESSES);
          await store.blocks.block(BOB, ['iago@evil.example']);
          await store.blocks.unblock(ALICE, addresses);
          assert.deepEqual(await store.blocks.getBlockList(ALICE), left);
          assert.deepEqual(await store.blocks.getBlockList(BOB), ['iago@evil.example']);
        }));
    }

    it('refuses to block for an unknown user with HERALD_ERR_NOT_FOUND naming userId; unblocking is a no-op', () =>
      withStore(open, async (store) => {
        const nobody = asUserId('u-nobody');
        await assertRejects(
          store.blocks.block(nobody, ['iago@evil.example']),
          'HERALD_ERR_NOT_FOUND',
          'userId',
        );
        await store.blocks.unblock(nobody, ['iago@evil.example']);
        await store.blocks.unblock(nobody);
        assert.deepEqual(await store.blocks.getBlockList(nobody), []);
      }));

    it("removes the user's block list with the user", () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await store.blocks.block(ALICE, ADDRESSES);
        await store.blocks.block(BOB, ['iago@evil.example']);
        await store.accounts.deleteUser(ALICE);
        assert.deepEqual(await store.blocks.getBlockList(ALICE), []);
        await insertUsers(store, 'alice');
        assert.deepEqual(await store.blocks.getBlockList(ALICE), [], 'a new account starts with none');
        assert.deepEqual(await store.blocks.getBlockList(BOB), ['iago@evil.example']);
      }));

    it('hands out and takes in copies', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const addresses = ['iago@evil.example'];
        await store.blocks.block(ALICE, addresses);
        addresses.push('later@evil.example');
        (await store.blocks.getBlockList(ALICE)).push('found@evil.example');
        assert.deepEqual(await store.blocks.getBlockList(ALICE), ['iago@evil.example']);
      }));

    it('keeps nothing of a failed transaction', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.blocks.block(ALICE, ['iago@evil.example']);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.blocks.block(ALICE, ['tybalt@capulet.example']);
            await tx.blocks.unblock(ALICE, ['iago@evil.example']);
            assert.deepEqual(await tx.blocks.getBlockList(ALICE), ['tybalt@capulet.example']);
            throw new Error('work failed');
          }),
          /work failed/,
        );
        assert.deepEqual(await store.blocks.getBlockList(ALICE), ['iago@evil.example']);
      }));

    it('keeps block lists through close and reopen', (t) =>
      withStore(open, async (store, fixture) => {
        if (!fixture.reopen) return t.skip('this adapter keeps nothing after close');
        await insertUsers(store, 'alice');
        await store.blocks.block(ALICE, ADDRESSES);
        await store.blocks.unblock(ALICE, ['évil.example']);
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.blocks.getBlockList(ALICE), IN_ORDER.slice(0, 3));
      }));
  });
}
