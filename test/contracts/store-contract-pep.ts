/**
 * Store contract, part 8: PepStore (core/ports.ts; XEP-0163 Personal Eventing Protocol over
 * XEP-0060 Publish-Subscribe).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId, type PepItemRecord, type PepNodeRecord, type Store } from '../../src/core/ports.js';
import {
  assertRejects,
  insertUsers,
  mutable,
  type OpenStoreFixture,
  T0,
  user,
  withStore,
} from './store-fixtures.js';

const ALICE = user('alice').id;
const BOB = user('bob').id;
const NICK = 'http://jabber.org/protocol/nick';
const BOOKMARKS = 'urn:xmpp:bookmarks:1';

function pepNode(node: string, overrides: Partial<PepNodeRecord> = {}): PepNodeRecord {
  return {
    userId: ALICE,
    node,
    accessModel: 'presence',
    maxItems: 1,
    sendLastItem: 'on_sub_and_presence',
    rosterGroupsAllowed: [],
    createdAt: T0,
    ...overrides,
  };
}

function pepItem(node: string, id: string, overrides: Partial<PepItemRecord> = {}): PepItemRecord {
  return {
    userId: ALICE,
    node,
    id,
    payload: `<conference xmlns='urn:xmpp:bookmarks:1' name='${id}'/>`,
    publisher: 'alice@example.com/laptop',
    publishedAt: T0,
    ...overrides,
  };
}

/** Publishes the ids in order, all in the same millisecond: order must come from the store. */
async function publishAll(store: Store, node: string, ids: readonly string[]): Promise<string[]> {
  const dropped: string[] = [];
  for (const id of ids) dropped.push(...(await store.pep.putItem(pepItem(node, id))));
  return dropped;
}

const ids = (items: readonly PepItemRecord[]) => items.map((item) => item.id);

export function describePepContract(open: OpenStoreFixture): void {
  describe('PEP nodes and items', () => {
    it('creates nodes, lists them in code-point order, every field intact', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const nodes = [
          pepNode(NICK),
          pepNode(BOOKMARKS, { accessModel: 'whitelist', maxItems: 100, sendLastItem: 'never' }),
          pepNode('Zeta', { accessModel: 'open', createdAt: T0 + 5 }),
          pepNode('éclair'),
        ];
        for (const node of nodes) assert.equal(await store.pep.createNode(node, 10), 'created');
        assert.deepEqual(
          (await store.pep.listNodes(ALICE)).map((n) => n.node),
          ['Zeta', NICK, BOOKMARKS, 'éclair'],
        );
        assert.deepEqual(await store.pep.getNode(ALICE, BOOKMARKS), nodes[1]);
        assert.equal(await store.pep.getNode(ALICE, 'absent'), undefined);
        assert.deepEqual(await store.pep.listNodes(asUserId('u-nobody')), []);
      }));

    it('refuses a taken NodeID (the first stays) and a node past the limit, per user', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        assert.equal(await store.pep.createNode(pepNode('a'), 2), 'created');
        assert.equal(await store.pep.createNode(pepNode('a', { accessModel: 'open' }), 2), 'exists');
        assert.equal((await store.pep.getNode(ALICE, 'a'))?.accessModel, 'presence');
        assert.equal(await store.pep.createNode(pepNode('b'), 2), 'created');
        assert.equal(await store.pep.createNode(pepNode('c'), 2), 'limit-reached');
        assert.equal(await store.pep.createNode(pepNode('a', { userId: BOB }), 2), 'created');
        assert.deepEqual(
          (await store.pep.listNodes(ALICE)).map((n) => n.node),
          ['a', 'b'],
        );
      }));

    it('never passes the node limit when creations race: 8 at once with a limit of 3 create exactly 3', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.pep.createNode(pepNode(`n-${i}`), 3)),
        );
        assert.equal(outcomes.filter((o) => o === 'created').length, 3, outcomes.join());
        assert.equal((await store.pep.listNodes(ALICE)).length, 3);
      }));

    it('keeps the newest items first, drops the oldest beyond maxItems and says which went', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.pep.createNode(pepNode(BOOKMARKS, { maxItems: 3 }), 10);
        assert.deepEqual(await publishAll(store, BOOKMARKS, ['r1', 'r2', 'r3']), []);
        assert.deepEqual(await publishAll(store, BOOKMARKS, ['r4', 'r5']), ['r1', 'r2']);
        assert.deepEqual(ids(await store.pep.getItems(ALICE, BOOKMARKS, 10)), ['r5', 'r4', 'r3']);
        const [newest] = await store.pep.getItems(ALICE, BOOKMARKS, 1);
        assert.deepEqual(newest, pepItem(BOOKMARKS, 'r5'));
      }));

    it('replaces an item published again under its id, which becomes the newest (XEP-0060 §7.1.2)', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.pep.createNode(pepNode(BOOKMARKS, { maxItems: 3 }), 10);
        await publishAll(store, BOOKMARKS, ['r1', 'r2', 'r3']);
        const again = pepItem(BOOKMARKS, 'r1', { payload: '<x/>', publishedAt: T0 + 9 });
        assert.deepEqual(await store.pep.putItem(again), [], 'a replacement drops nothing');
        const items = await store.pep.getItems(ALICE, BOOKMARKS, 10);
        assert.deepEqual(ids(items), ['r1', 'r3', 'r2']);
        assert.deepEqual(items[0], again);
      }));

    const limits = [
      { limit: 0, expected: [] },
      { limit: 1, expected: ['c'] },
      { limit: 3, expected: ['c', 'b', 'a'] },
      { limit: 50, expected: ['c', 'b', 'a'] },
    ];
    it('gives at most `limit` items, and the items asked for by id, newest first', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.pep.createNode(pepNode('n', { maxItems: 5 }), 10);
        await publishAll(store, 'n', ['a', 'b', 'c']);
        for (const { limit, expected } of limits)
          assert.deepEqual(ids(await store.pep.getItems(ALICE, 'n', limit)), expected, `limit ${limit}`);
        assert.deepEqual(ids(await store.pep.getItemsById(ALICE, 'n', ['a', 'zz', 'c', 'a'])), ['c', 'a']);
        assert.deepEqual(await store.pep.getItemsById(ALICE, 'n', []), []);
        assert.deepEqual(await store.pep.getItems(ALICE, 'absent', 5), []);
        assert.deepEqual(await store.pep.getItems(BOB, 'n', 5), []);
      }));

    it('reconfigures a node, keeping its creation time and dropping items beyond the new maxItems', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.pep.createNode(pepNode('n', { maxItems: 5 }), 10);
        await publishAll(store, 'n', ['a', 'b', 'c']);
        const changed = pepNode('n', {
          accessModel: 'open',
          maxItems: 2,
          sendLastItem: 'never',
          createdAt: T0 + 99,
        });
        assert.equal(await store.pep.updateNode(changed), true);
        assert.deepEqual(await store.pep.getNode(ALICE, 'n'), { ...changed, createdAt: T0 });
        assert.deepEqual(ids(await store.pep.getItems(ALICE, 'n', 10)), ['c', 'b']);
        assert.equal(await store.pep.updateNode(pepNode('absent')), false);
        assert.equal(await store.pep.getNode(ALICE, 'absent'), undefined);
      }));

    it("keeps a roster node's allowed groups, in their order, through creation and reconfiguration", () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const colleagues = pepNode('n', {
          accessModel: 'roster',
          rosterGroupsAllowed: ['Colleagues', 'Amis é'],
        });
        assert.equal(await store.pep.createNode(colleagues, 10), 'created');
        assert.deepEqual(await store.pep.getNode(ALICE, 'n'), colleagues);
        const family = { ...colleagues, rosterGroupsAllowed: ['Family'] };
        assert.equal(await store.pep.updateNode(family), true);
        assert.deepEqual(await store.pep.listNodes(ALICE), [family]);
        const none = { ...colleagues, accessModel: 'presence' as const, rosterGroupsAllowed: [] };
        assert.equal(await store.pep.updateNode(none), true);
        assert.deepEqual(await store.pep.getNode(ALICE, 'n'), none);
      }));

    it('deletes items and nodes; a deleted node takes its items, and a new one starts empty', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.pep.createNode(pepNode('n', { maxItems: 5 }), 10);
        await publishAll(store, 'n', ['a', 'b']);
        assert.equal(await store.pep.deleteItem(ALICE, 'n', 'a'), true);
        assert.equal(await store.pep.deleteItem(ALICE, 'n', 'a'), false);
        assert.deepEqual(ids(await store.pep.getItems(ALICE, 'n', 10)), ['b']);
        assert.equal(await store.pep.deleteNode(ALICE, 'n'), true);
        assert.equal(await store.pep.deleteNode(ALICE, 'n'), false);
        assert.deepEqual(await store.pep.listNodes(ALICE), []);
        await store.pep.createNode(pepNode('n', { maxItems: 5 }), 10);
        assert.deepEqual(await store.pep.getItems(ALICE, 'n', 10), []);
      }));

    it('refuses an unknown user (NOT_FOUND userId), an item of no node (NOT_FOUND node) and bad limits', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await assertRejects(
          store.pep.createNode(pepNode('n', { userId: asUserId('u-nobody') }), 10),
          'HERALD_ERR_NOT_FOUND',
          'userId',
        );
        await assertRejects(store.pep.putItem(pepItem('absent', 'a')), 'HERALD_ERR_NOT_FOUND', 'node');
        await assertRejects(store.pep.createNode(pepNode('n'), 0), 'HERALD_ERR_VALIDATION', 'maxNodes');
        await assertRejects(
          store.pep.createNode(pepNode('n', { maxItems: 0 }), 5),
          'HERALD_ERR_VALIDATION',
          'maxItems',
        );
        await assertRejects(store.pep.getItems(ALICE, 'n', -1), 'HERALD_ERR_VALIDATION', 'limit');
        assert.deepEqual(await store.pep.listNodes(ALICE), []);
      }));

    it("removes the user's nodes and items with the user, and no one else's", () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await store.pep.createNode(pepNode('n'), 10);
        await store.pep.createNode(pepNode('n', { userId: BOB }), 10);
        await store.pep.putItem(pepItem('n', 'a'));
        await store.pep.putItem(pepItem('n', 'b', { userId: BOB }));
        await store.accounts.deleteUser(ALICE);
        await insertUsers(store, 'alice');
        assert.deepEqual(await store.pep.listNodes(ALICE), [], 'a new account starts with none');
        assert.deepEqual(await store.pep.getItems(ALICE, 'n', 10), []);
        assert.deepEqual(ids(await store.pep.getItems(BOB, 'n', 10)), ['b']);
      }));

    it('hands out and takes in copies', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const node = pepNode('n');
        await store.pep.createNode(node, 10);
        mutable(node).accessModel = 'open';
        const item = pepItem('n', 'a');
        await store.pep.putItem(item);
        mutable(item).payload = '<changed/>';
        const [got] = await store.pep.getItems(ALICE, 'n', 1);
        if (got) mutable(got).payload = '<found/>';
        assert.equal((await store.pep.getNode(ALICE, 'n'))?.accessModel, 'presence');
        assert.deepEqual(await store.pep.getItems(ALICE, 'n', 1), [pepItem('n', 'a')]);
      }));

    it('keeps nothing of a failed transaction', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.pep.createNode(pepNode('n'), 10);
        await store.pep.putItem(pepItem('n', 'a'));
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.pep.createNode(pepNode('m'), 10);
            await tx.pep.putItem(pepItem('n', 'b'));
            assert.deepEqual(ids(await tx.pep.getItems(ALICE, 'n', 5)), ['b']);
            throw new Error('work failed');
          }),
          /work failed/,
        );
        assert.deepEqual(
          (await store.pep.listNodes(ALICE)).map((n) => n.node),
          ['n'],
        );
        assert.deepEqual(ids(await store.pep.getItems(ALICE, 'n', 5)), ['a']);
      }));

    it('keeps nodes, items and their order through close and reopen', (t) =>
      withStore(open, async (store, fixture) => {
        if (!fixture.reopen) return t.skip('this adapter keeps nothing after close');
        await insertUsers(store, 'alice');
        await store.pep.createNode(pepNode('n', { maxItems: 3, accessModel: 'whitelist' }), 10);
        await publishAll(store, 'n', ['a', 'b', 'c', 'a']);
        await store.close();
        const again = await fixture.reopen();
        assert.equal((await again.pep.getNode(ALICE, 'n'))?.accessModel, 'whitelist');
        assert.deepEqual(ids(await again.pep.getItems(ALICE, 'n', 5)), ['a', 'c', 'b']);
        await again.pep.putItem(pepItem('n', 'd'));
        assert.deepEqual(ids(await again.pep.getItems(ALICE, 'n', 5)), ['d', 'a', 'c'], 'the order goes on');
      }));
  });
}
