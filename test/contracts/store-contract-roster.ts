/**
 * Store contract, part 5: RosterStore (core/ports.ts; RFC 6121 roster with the subscription
 * states of Appendix A and the versions of §2.6; SPEC P3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId, type RosterItemRecord } from '../../src/core/ports.js';
import {
  assertRejects,
  credentials,
  insertUsers,
  mutable,
  type OpenStoreFixture,
  rosterItem,
  T0,
  user,
  withStore,
} from './store-fixtures.js';

const ALICE = user('alice').id;

/** Each field set to something other than the builder's default, so a lost column fails. */
const VARIANTS: { why: string; item: RosterItemRecord }[] = [
  { why: 'the defaults', item: rosterItem('alice', 'bob@example.com') },
  {
    why: 'a name and groups in their order',
    item: rosterItem('alice', 'bob@example.com', { name: 'Bobby ☃', groups: ['Work', 'Amis', 'Ünï'] }),
  },
  { why: 'subscription to, ask', item: rosterItem('alice', 'b@x', { subscription: 'to', pendingOut: true }) },
  {
    why: 'subscription from, pending in',
    item: rosterItem('alice', 'b@x', { subscription: 'from', pendingIn: true }),
  },
  {
    why: 'subscription both',
    item: rosterItem('alice', 'b@x', { subscription: 'both', updatedAt: T0 + 99 }),
  },
  {
    why: 'unlisted, pre-approved (RFC 6121 §3.4)',
    item: rosterItem('alice', 'b@x', { listed: false, preApproved: true, pendingIn: true }),
  },
];

export function describeRosterContract(open: OpenStoreFixture): void {
  describe('roster', () => {
    it('gives version 0 and no items for a user whose roster never changed, or no user at all', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        assert.deepEqual(await store.roster.getRoster(ALICE), { items: [], version: 0 });
        assert.deepEqual(await store.roster.getRoster(asUserId('u-nobody')), { items: [], version: 0 });
        assert.equal(await store.roster.getItem(ALICE, 'bob@example.com'), undefined);
      }));

    for (const { why, item } of VARIANTS) {
      it(`stores and reads back every field: ${why}`, () =>
        withStore(open, async (store) => {
          await insertUsers(store, 'alice');
          assert.equal(await store.roster.putItem(item), 1);
          assert.deepEqual(await store.roster.getItem(ALICE, item.contact), item);
          assert.deepEqual(await store.roster.getRoster(ALICE), { items: [item], version: 1 });
        }));
    }

    it('lists every record, listed or not, by contact in code-point order', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const contacts = ['zed@example.com', 'émile@example.com', 'Bob@example.com', 'alice@example.com'];
        for (const contact of contacts) {
          await store.roster.putItem(rosterItem('alice', contact, { listed: contact !== 'zed@example.com' }));
        }
        const { items, version } = await store.roster.getRoster(ALICE);
        assert.deepEqual(
          items.map((item) => item.contact),
          ['Bob@example.com', 'alice@example.com', 'zed@example.com', 'émile@example.com'],
        );
        assert.equal(version, 4);
      }));

    it('replaces a record on a second put, stepping the version each time', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const first = rosterItem('alice', 'bob@example.com', { groups: ['Old'], name: 'B' });
        const second = rosterItem('alice', 'bob@example.com', { subscription: 'both', name: null });
        assert.equal(await store.roster.putItem(first), 1);
        assert.equal(await store.roster.putItem(second), 2);
        assert.equal(await store.roster.putItem(second), 3, 'an unchanged record is still a change');
        assert.deepEqual(await store.roster.getRoster(ALICE), { items: [second], version: 3 });
      }));

    it('keeps groups unique in the order first given', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.roster.putItem(
          rosterItem('alice', 'bob@example.com', {
            groups: ['Work', 'Friends', 'Work', 'Family', 'Friends'],
          }),
        );
        const item = await store.roster.getItem(ALICE, 'bob@example.com');
        assert.deepEqual(item?.groups, ['Work', 'Friends', 'Family']);
      }));

    it('deletes a record with a new version, and returns null with the version unchanged when none', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await store.roster.putItem(rosterItem('alice', 'bob@example.com'));
        await store.roster.putItem(rosterItem('alice', 'carol@example.com'));
        assert.equal(await store.roster.deleteItem(ALICE, 'bob@example.com'), 3);
        assert.equal(await store.roster.deleteItem(ALICE, 'bob@example.com'), null);
        assert.equal(await store.roster.deleteItem(ALICE, 'nobody@example.com'), null);
        assert.equal(await store.roster.deleteItem(asUserId('u-nobody'), 'bob@example.com'), null);
        assert.deepEqual(await store.roster.getRoster(ALICE), {
          items: [rosterItem('alice', 'carol@example.com')],
          version: 3,
        });
        assert.equal(await store.roster.putItem(rosterItem('alice', 'bob@example.com')), 4);
      }));

    it('refuses a record of an unknown user with HERALD_ERR_NOT_FOUND naming userId, writing nothing', () =>
      withStore(open, async (store) => {
        const orphan = rosterItem('nobody', 'bob@example.com');
        await assertRejects(store.roster.putItem(orphan), 'HERALD_ERR_NOT_FOUND', 'userId');
        assert.deepEqual(await store.roster.getRoster(orphan.userId), { items: [], version: 0 });
        assert.deepEqual(await store.roster.usersWithContact('bob@example.com'), []);
      }));

    it('keeps one version per user', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await store.roster.putItem(rosterItem('alice', 'carol@example.com'));
        await store.roster.putItem(rosterItem('alice', 'dave@example.com'));
        assert.equal(await store.roster.putItem(rosterItem('bob', 'carol@example.com')), 1);
        assert.equal((await store.roster.getRoster(ALICE)).version, 2);
        assert.equal((await store.roster.getRoster(user('bob').id)).version, 1);
      }));

    it('steps the version once per change when changes race', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const contacts = Array.from({ length: 10 }, (_, i) => `c${i}@example.com`);
        const versions = await Promise.all(
          contacts.map((contact) => store.roster.putItem(rosterItem('alice', contact))),
        );
        assert.deepEqual(
          [...versions].sort((a, b) => a - b),
          contacts.map((_, i) => i + 1),
        );
        const roster = await store.roster.getRoster(ALICE);
        assert.equal(roster.version, 10);
        assert.equal(roster.items.length, 10);
      }));

    it('finds every record for a contact, listed or not, by user id in code-point order', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'zoe', 'Zack', 'alice', 'émile', 'bob');
        for (const owner of ['zoe', 'Zack', 'alice', 'émile']) {
          await store.roster.putItem(rosterItem(owner, 'carol@example.com', { listed: owner !== 'zoe' }));
        }
        await store.roster.putItem(rosterItem('bob', 'carol@example.com.evil'));
        await store.roster.putItem(rosterItem('bob', 'Carol@example.com'));
        const found = await store.roster.usersWithContact('carol@example.com');
        assert.deepEqual(
          found.map((item) => item.userId),
          ['u-Zack', 'u-alice', 'u-zoe', 'u-émile'],
        );
        assert.deepEqual(found[2], rosterItem('zoe', 'carol@example.com', { listed: false }));
        assert.deepEqual(await store.roster.usersWithContact('nobody@example.com'), []);
      }));

    it("removes the user's roster and version with the user, and no one else's", () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await store.roster.putItem(rosterItem('alice', 'carol@example.com'));
        await store.roster.putItem(rosterItem('alice', 'bob@example.com'));
        await store.roster.putItem(rosterItem('bob', 'carol@example.com'));
        assert.equal(await store.accounts.deleteUser(ALICE), true);
        assert.deepEqual(await store.roster.getRoster(ALICE), { items: [], version: 0 });
        assert.deepEqual(await store.roster.usersWithContact('carol@example.com'), [
          rosterItem('bob', 'carol@example.com'),
        ]);
        await store.accounts.insertUser(user('alice'), credentials());
        assert.equal(await store.roster.putItem(rosterItem('alice', 'dave@example.com')), 1);
      }));

    it('hands out and takes in copies', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        const item = mutable(rosterItem('alice', 'bob@example.com', { groups: ['Work'] }));
        await store.roster.putItem(item);
        item.groups.push('Later');
        item.name = 'changed';
        const found = await store.roster.getItem(ALICE, 'bob@example.com');
        if (found) mutable(found).groups.push('Found');
        const [listed] = (await store.roster.getRoster(ALICE)).items;
        if (listed) mutable(listed).subscription = 'both';
        const [watcher] = await store.roster.usersWithContact('bob@example.com');
        if (watcher) mutable(watcher).groups.length = 0;
        assert.ok(found && listed && watcher);
        assert.deepEqual(
          await store.roster.getItem(ALICE, 'bob@example.com'),
          rosterItem('alice', 'bob@example.com', { groups: ['Work'] }),
        );
      }));

    it('keeps nothing of a failed transaction, version included; a refused put lets it go on', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await assert.rejects(
          store.transaction(async (tx) => {
            assert.equal(await tx.roster.putItem(rosterItem('alice', 'bob@example.com')), 1);
            assert.equal((await tx.roster.getRoster(ALICE)).version, 1);
            throw new Error('work failed');
          }),
          /work failed/,
        );
        assert.deepEqual(await store.roster.getRoster(ALICE), { items: [], version: 0 });
        const version = await store.transaction(async (tx) => {
          await assertRejects(
            tx.roster.putItem(rosterItem('nobody', 'x@y')),
            'HERALD_ERR_NOT_FOUND',
            'userId',
          );
          await tx.roster.putItem(rosterItem('alice', 'bob@example.com'));
          return tx.roster.deleteItem(ALICE, 'bob@example.com');
        });
        assert.equal(version, 2);
        assert.deepEqual(await store.roster.getRoster(ALICE), { items: [], version: 2 });
      }));

    it('keeps rosters and versions through close and reopen', (t) =>
      withStore(open, async (store, fixture) => {
        if (!fixture.reopen) return t.skip('this adapter keeps nothing after close');
        await insertUsers(store, 'alice');
        const kept = rosterItem('alice', 'bob@example.com', { groups: ['B', 'A'], subscription: 'from' });
        await store.roster.putItem(kept);
        await store.roster.putItem(rosterItem('alice', 'carol@example.com'));
        await store.roster.deleteItem(ALICE, 'carol@example.com');
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.roster.getRoster(ALICE), { items: [kept], version: 3 });
        assert.equal(await again.roster.putItem(kept), 4);
      }));
  });
}
