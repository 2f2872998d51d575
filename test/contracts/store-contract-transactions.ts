/**
 * Store contract, part 4: the Store as a whole (core/ports.ts): atomic transactions, records
 * handed out as copies, health, close, and data that survives a reopen.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store, StoreTransaction } from '../../src/core/ports.js';
import {
  assertRejects,
  callingSearchSpace,
  cannedMessage,
  credentials,
  device,
  line,
  mutable,
  type OpenStoreFixture,
  partition,
  seedDirectory,
  T0,
  user,
  withStore,
} from './store-fixtures.js';

/** Writes one of everything, as a transaction or the store itself. */
async function writeEverything(tx: StoreTransaction): Promise<void> {
  await tx.accounts.insertUser(user('alice'), credentials());
  await tx.directory.insertPartition(partition('pt_tx'));
  await tx.directory.insertCallingSearchSpace(callingSearchSpace('css_tx', ['pt_tx']));
  await tx.directory.insertLine(line('7000', 'pt_tx'));
  await tx.directory.insertDevice(
    device('SEPTX', { lineIds: [line('7000', 'pt_tx').id], callingSearchSpace: 'css_tx' }),
  );
  await tx.directory.associateDevice(user('alice').id, device('SEPTX').id);
  await tx.directory.insertCannedMessage(cannedMessage('m-tx', 0, T0));
}

async function assertNothingWritten(store: Store): Promise<void> {
  assert.equal((await store.accounts.listUsers({ limit: 10, offset: 0 })).total, 0);
  assert.equal(await store.accounts.getCredentials(user('alice').id), undefined);
  assert.deepEqual(await store.directory.listPartitions(), []);
  assert.deepEqual(await store.directory.listCallingSearchSpaces(), []);
  assert.deepEqual(await store.directory.listLines({}), []);
  assert.deepEqual(await store.directory.listDevices(), []);
  assert.deepEqual(await store.directory.listCannedMessages(), []);
}

export function describeStoreWideContract(open: OpenStoreFixture): void {
  describe('transactions', () => {
    it('commits every write of the work and returns its value', () =>
      withStore(open, async (store) => {
        const value = await store.transaction(async (tx) => {
          await writeEverything(tx);
          assert.deepEqual(await tx.accounts.findUserByName('alice'), user('alice'));
          return 42;
        });
        assert.equal(value, 42);
        assert.deepEqual(await store.directory.usersOfDevice(device('SEPTX').id), [user('alice')]);
        assert.deepEqual((await store.directory.findDeviceByName('SEPTX'))?.lineIds, [
          line('7000', 'pt_tx').id,
        ]);
      }));

    it('leaves nothing when the work throws, and rejects with its error', () =>
      withStore(open, async (store) => {
        const failure = new Error('work failed');
        await assert.rejects(
          store.transaction(async (tx) => {
            await writeEverything(tx);
            throw failure;
          }),
          (error) => error === failure,
        );
        await assertNothingWritten(store);
      }));

    it('leaves nothing when a conflict half-way ends the work', () =>
      withStore(open, async (store) => {
        await assertRejects(
          store.transaction(async (tx) => {
            await writeEverything(tx);
            await tx.accounts.insertUser(user('alice', { id: user('other').id }), credentials());
          }),
          'HERALD_ERR_CONFLICT',
          'username',
        );
        await assertNothingWritten(store);
      }));

    it('a refused write inside a transaction leaves nothing, and the transaction goes on', () =>
      withStore(open, async (store) => {
        await store.transaction(async (tx) => {
          await tx.accounts.insertUser(user('alice'), credentials('first'));
          await assertRejects(
            tx.accounts.insertUser(user('alice', { id: user('other').id }), credentials('second')),
            'HERALD_ERR_CONFLICT',
            'username',
          );
          await tx.accounts.insertUser(user('bob'), credentials());
        });
        const { users } = await store.accounts.listUsers({ limit: 10, offset: 0 });
        assert.deepEqual(users, [user('alice'), user('bob')]);
        assert.equal(await store.accounts.getCredentials(user('other').id), undefined);
      }));

    it('runs concurrent transactions without losing either', () =>
      withStore(open, async (store) => {
        const insert = (name: string) =>
          store.transaction(async (tx) => {
            await tx.accounts.insertUser(user(`${name}1`), credentials());
            await new Promise((resolve) => setTimeout(resolve, 5));
            await tx.accounts.insertUser(user(`${name}2`), credentials());
          });
        await Promise.all([insert('a'), insert('b')]);
        const { users } = await store.accounts.listUsers({ limit: 10, offset: 0 });
        assert.deepEqual(
          users.map((u) => u.username),
          ['a1', 'a2', 'b1', 'b2'],
        );
      }));

    it('refuses nesting, the store itself (health and close too) inside the work, and the stores of a finished transaction', () =>
      withStore(open, async (store) => {
        let kept: StoreTransaction | undefined;
        await store.transaction(async (tx) => {
          kept = tx;
          await assertRejects(
            store.transaction(async () => undefined),
            'HERALD_ERR_INTERNAL',
          );
          await assertRejects(store.accounts.findUserByName('alice'), 'HERALD_ERR_INTERNAL');
          await assertRejects(
            store.directory.insertPartition(partition('pt_outside')),
            'HERALD_ERR_INTERNAL',
          );
          await assertRejects(store.health(), 'HERALD_ERR_INTERNAL');
          await assertRejects(store.close(), 'HERALD_ERR_INTERNAL');
          await tx.directory.insertPartition(partition('pt_inside'));
        });
        assert.ok(kept);
        await assertRejects(kept.directory.insertPartition(partition('pt_late')), 'HERALD_ERR_INTERNAL');
        assert.deepEqual(await store.directory.listPartitions(), [partition('pt_inside')]);
        assert.deepEqual(await store.health(), { ok: true, kind: store.kind });
      }));
  });

  describe('copies', () => {
    it('records handed out or taken in are copies: mutating them changes nothing stored', () =>
      withStore(open, async (store) => {
        const { l1, l2 } = await seedDirectory(store);
        const alice = mutable(user('alice'));
        const keys = credentials();
        const phone = mutable(device('SEP1', { lineIds: [l1.id] }));
        await store.accounts.insertUser(alice, keys);
        await store.directory.insertDevice(phone);
        alice.displayName = 'changed';
        phone.lineIds.push(l2.id);
        mutable(keys.scramSha1).salt = 'changed';

        const found = await store.accounts.findUserById(alice.id);
        if (found) mutable(found).isAdmin = true;
        const foundKeys = await store.accounts.getCredentials(alice.id);
        if (foundKeys) mutable(foundKeys.scramSha256).iterations = 1;
        const foundPhone = await store.directory.findDeviceByName('SEP1');
        if (foundPhone) mutable(foundPhone).lineIds.push(l2.id);
        const css = await store.directory.findCallingSearchSpace('css_all');
        if (css) mutable(css).partitions.reverse();
        const [listed] = (await store.accounts.listUsers({ limit: 1, offset: 0 })).users;
        if (listed) mutable(listed).displayName = 'changed';
        const [listedDevice] = await store.directory.listDevices();
        if (listedDevice) mutable(listedDevice).lineIds.length = 0;
        assert.ok(found && foundKeys && foundPhone && css && listed && listedDevice);

        assert.deepEqual(await store.accounts.findUserById(alice.id), user('alice'));
        assert.deepEqual(await store.accounts.getCredentials(alice.id), credentials());
        assert.deepEqual((await store.directory.findDeviceByName('SEP1'))?.lineIds, [l1.id]);
        assert.deepEqual((await store.directory.findCallingSearchSpace('css_all'))?.partitions, [
          'pt_internal',
          'pt_external',
        ]);
      }));
  });

  describe('health and close', () => {
    it('reports healthy, then closed without throwing; a closed store refuses with HERALD_ERR_UNAVAILABLE', () =>
      withStore(open, async (store) => {
        assert.deepEqual(await store.health(), { ok: true, kind: store.kind });
        await store.close();
        await store.close();
        const health = await store.health();
        assert.equal(health.ok, false);
        assert.equal(health.kind, store.kind);
        assert.ok(health.detail);
        await assertRejects(store.accounts.findUserByName('alice'), 'HERALD_ERR_UNAVAILABLE');
        await assertRejects(store.directory.insertPartition(partition('p')), 'HERALD_ERR_UNAVAILABLE');
        await assertRejects(
          store.transaction(async () => undefined),
          'HERALD_ERR_UNAVAILABLE',
        );
      }));

    it('reports { ok: false, detail } instead of throwing when the database is gone', (t) =>
      withStore(open, async (store, fixture) => {
        if (!fixture.sever) return t.skip('this adapter has no database to lose');
        assert.equal((await store.health()).ok, true);
        await fixture.sever();
        const health = await store.health();
        assert.equal(health.ok, false);
        assert.ok(health.detail);
        await assertRejects(store.accounts.findUserByName('alice'), 'HERALD_ERR_UNAVAILABLE');
      }));

    it('keeps the data through close and reopen', async (t) => {
      await withStore(open, async (store, fixture) => {
        if (!fixture.reopen) return t.skip('this adapter keeps nothing after close');
        await writeEverything(store);
        await store.directory.insertPartition(partition('pt_second'));
        await store.directory.setCallingSearchSpacePartitions('css_tx', ['pt_second', 'pt_tx']);
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.accounts.findUserByName('alice'), user('alice'));
        assert.deepEqual(await again.accounts.getCredentials(user('alice').id), credentials());
        assert.deepEqual((await again.directory.findCallingSearchSpace('css_tx'))?.partitions, [
          'pt_second',
          'pt_tx',
        ]);
        assert.deepEqual(await again.directory.usersOfDevice(device('SEPTX').id), [user('alice')]);
        assert.deepEqual((await again.directory.findDeviceByName('SEPTX'))?.lineIds, [
          line('7000', 'pt_tx').id,
        ]);
        assert.deepEqual(await again.directory.listCannedMessages(), [cannedMessage('m-tx', 0, T0)]);
        assert.deepEqual(await again.health(), { ok: true, kind: store.kind });
      });
    });
  });
}
