/**
 * Store contract, part 1: AccountStore (core/ports.ts, SPEC S4).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId, type Store } from '../../src/core/ports.js';
import {
  assertRejects,
  credentials,
  device,
  type OpenStoreFixture,
  user,
  withStore,
} from './store-fixtures.js';

const PEOPLE = [
  user('carol', { displayName: 'Carol Danvers' }),
  user('alice', { displayName: 'Alice Liddell' }),
  user('zed', { displayName: 'Zed Shaw' }),
  user('émile', { displayName: 'Émile Zola' }),
  user('dave', { displayName: 'Dave Ørsted' }),
  user('frank', { displayName: 'Frank 100%' }),
  user('bob', { displayName: 'Robert Tables' }),
];

async function insertPeople(store: Store): Promise<void> {
  for (const person of PEOPLE) await store.accounts.insertUser(person, credentials(person.username));
}

export function describeAccountContract(open: OpenStoreFixture): void {
  describe('accounts', () => {
    it('stores a user with credentials and finds them by id and by name', () =>
      withStore(open, async (store) => {
        const alice = user('alice', { isAdmin: true, email: null });
        await store.accounts.insertUser(alice, credentials('x'));
        assert.deepEqual(await store.accounts.findUserById(alice.id), alice);
        assert.deepEqual(await store.accounts.findUserByName('alice'), alice);
        assert.deepEqual(await store.accounts.getCredentials(alice.id), credentials('x'));
        assert.equal(await store.accounts.findUserById(asUserId('u-nobody')), undefined);
        assert.equal(await store.accounts.findUserByName('nobody'), undefined);
        assert.equal(await store.accounts.getCredentials(asUserId('u-nobody')), undefined);
      }));

    const conflicts = [
      { name: 'a taken username', second: user('alice', { id: asUserId('u-other') }), field: 'username' },
      { name: 'a taken id', second: user('other', { id: asUserId('u-alice') }), field: 'id' },
    ];
    for (const { name, second, field } of conflicts) {
      it(`refuses ${name} with HERALD_ERR_CONFLICT naming ${field}, writing nothing`, () =>
        withStore(open, async (store) => {
          await store.accounts.insertUser(user('alice'), credentials('first'));
          await assertRejects(
            store.accounts.insertUser(second, credentials('second')),
            'HERALD_ERR_CONFLICT',
            field,
          );
          assert.deepEqual(await store.accounts.findUserById(asUserId('u-alice')), user('alice'));
          assert.deepEqual(await store.accounts.getCredentials(asUserId('u-alice')), credentials('first'));
          assert.equal((await store.accounts.listUsers({ limit: 10, offset: 0 })).total, 1);
        }));
    }

    it('lists users by username in code-point order, whatever the database collation', () =>
      withStore(open, async (store) => {
        await insertPeople(store);
        const { users, total } = await store.accounts.listUsers({ limit: 100, offset: 0 });
        assert.deepEqual(
          users.map((u) => u.username),
          ['alice', 'bob', 'carol', 'dave', 'frank', 'zed', 'émile'],
        );
        assert.equal(total, 7);
      }));

    const searches: { search: string; expected: string[]; why: string }[] = [
      { search: '', expected: ['alice', 'bob', 'carol', 'dave', 'frank', 'zed', 'émile'], why: 'no filter' },
      { search: 'ROB', expected: ['bob'], why: 'display name, case-insensitive' },
      { search: 'lid', expected: ['alice'], why: 'substring inside the display name' },
      { search: 'bob', expected: ['bob'], why: 'username only' },
      { search: 'er', expected: ['bob', 'carol'], why: 'several matches, by username' },
      { search: 'ØRST', expected: ['dave'], why: 'non-ASCII case folding' },
      { search: 'ÉMILE', expected: ['émile'], why: 'non-ASCII username and display name' },
      { search: '%', expected: ['frank'], why: '% is a character, not a wildcard' },
      { search: 'a_i', expected: [], why: '_ is a character, not a wildcard' },
      { search: '\\', expected: [], why: 'the escape character is a character' },
      { search: 'nobody', expected: [], why: 'no match' },
    ];
    it('searches usernames and display names case-insensitively, with LIKE wildcards literal', () =>
      withStore(open, async (store) => {
        await insertPeople(store);
        for (const { search, expected, why } of searches) {
          const { users, total } = await store.accounts.listUsers({ search, limit: 100, offset: 0 });
          assert.deepEqual(
            users.map((u) => u.username),
            expected,
            `${JSON.stringify(search)}: ${why}`,
          );
          assert.equal(total, expected.length, `${JSON.stringify(search)}: total`);
        }
      }));

    const pages = [
      { query: { limit: 2, offset: 1 }, expected: ['bob', 'carol'], total: 7 },
      { query: { limit: 0, offset: 0 }, expected: [], total: 7 },
      { query: { limit: 5, offset: 6 }, expected: ['émile'], total: 7 },
      { query: { limit: 5, offset: 50 }, expected: [], total: 7 },
      { query: { search: 'an', limit: 1, offset: 1 }, expected: ['frank'], total: 2 },
    ];
    it('pages with limit and offset and counts every match in total', () =>
      withStore(open, async (store) => {
        await insertPeople(store);
        for (const { query, expected, total } of pages) {
          const page = await store.accounts.listUsers(query);
          assert.deepEqual(
            page.users.map((u) => u.username),
            expected,
            JSON.stringify(query),
          );
          assert.equal(page.total, total, JSON.stringify(query));
        }
      }));

    it('refuses a negative or fractional limit or offset with HERALD_ERR_VALIDATION', () =>
      withStore(open, async (store) => {
        await assertRejects(
          store.accounts.listUsers({ limit: -1, offset: 0 }),
          'HERALD_ERR_VALIDATION',
          'limit',
        );
        await assertRejects(
          store.accounts.listUsers({ limit: 1, offset: 1.5 }),
          'HERALD_ERR_VALIDATION',
          'offset',
        );
      }));

    it('updates only the patched fields, returns the result, and searches the new display name', () =>
      withStore(open, async (store) => {
        const alice = user('alice');
        await store.accounts.insertUser(alice, credentials());
        const updated = await store.accounts.updateUser(alice.id, {
          displayName: 'Alice Pleasance',
          email: null,
          isAdmin: true,
        });
        const expected = { ...alice, displayName: 'Alice Pleasance', email: null, isAdmin: true };
        assert.deepEqual(updated, expected);
        assert.deepEqual(await store.accounts.findUserById(alice.id), expected);
        assert.deepEqual(await store.accounts.updateUser(alice.id, {}), expected);
        assert.deepEqual(await store.accounts.updateUser(alice.id, { isAdmin: false }), {
          ...expected,
          isAdmin: false,
        });
        const found = await store.accounts.listUsers({ search: 'PLEAS', limit: 10, offset: 0 });
        assert.deepEqual(
          found.users.map((u) => u.id),
          [alice.id],
        );
        assert.equal((await store.accounts.listUsers({ search: 'ALICE', limit: 10, offset: 0 })).total, 1);
      }));

    it('refuses to update or set credentials of an unknown user with HERALD_ERR_NOT_FOUND', () =>
      withStore(open, async (store) => {
        const ghost = asUserId('u-ghost');
        await assertRejects(
          store.accounts.updateUser(ghost, { displayName: 'x' }),
          'HERALD_ERR_NOT_FOUND',
          'id',
        );
        await assertRejects(
          store.accounts.setCredentials(ghost, credentials()),
          'HERALD_ERR_NOT_FOUND',
          'id',
        );
        assert.equal(await store.accounts.getCredentials(ghost), undefined);
      }));

    it('replaces credentials', () =>
      withStore(open, async (store) => {
        const alice = user('alice');
        await store.accounts.insertUser(alice, credentials('old'));
        await store.accounts.setCredentials(alice.id, credentials('new'));
        assert.deepEqual(await store.accounts.getCredentials(alice.id), credentials('new'));
      }));

    it('deletes a user with their credentials and device associations, once', () =>
      withStore(open, async (store) => {
        const alice = user('alice');
        const bob = user('bob');
        const phone = device('SEP001122334455');
        await store.accounts.insertUser(alice, credentials());
        await store.accounts.insertUser(bob, credentials());
        await store.directory.insertDevice(phone);
        await store.directory.associateDevice(alice.id, phone.id);
        await store.directory.associateDevice(bob.id, phone.id);
        assert.equal(await store.accounts.deleteUser(alice.id), true);
        assert.equal(await store.accounts.deleteUser(alice.id), false);
        assert.equal(await store.accounts.findUserById(alice.id), undefined);
        assert.equal(await store.accounts.getCredentials(alice.id), undefined);
        assert.deepEqual(await store.directory.devicesOfUser(alice.id), []);
        assert.deepEqual(await store.directory.usersOfDevice(phone.id), [bob]);
        // The username is free again.
        await store.accounts.insertUser(user('alice', { id: asUserId('u-alice-2') }), credentials());
      }));
  });
}
