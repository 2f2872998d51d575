/**
 * Store contract, part 9: LocationStore (core/ports.ts; RFC 3261 §10.3 SIP bindings).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SipBindingRecord } from '../../src/core/ports.js';
import { assertRejects, insertUsers, type OpenStoreFixture, T0, user, withStore } from './store-fixtures.js';

const ALICE = user('alice').id;
const BOB = user('bob').id;

function binding(
  username: string,
  contact: string,
  overrides: Partial<SipBindingRecord> = {},
): SipBindingRecord {
  return {
    userId: user(username).id,
    contact,
    flowId: 'udp_127.0.0.1_5093',
    transport: 'udp',
    callId: `call-${contact}`,
    cseq: 7,
    expiresAt: T0 + 3_600_000,
    q: null,
    instanceId: null,
    regId: null,
    userAgent: null,
    updatedAt: T0,
    ...overrides,
  };
}

/** Every optional field set, q with three decimals, a contact with non-ASCII escapes. */
const FULL = binding('alice', 'sip:alice@192.0.2.1:5070;transport=tcp', {
  flowId: null,
  transport: 'tcp',
  q: 0.875,
  instanceId: '<urn:uuid:00000000-0000-1000-8000-000a95a0e128>',
  regId: 1,
  userAgent: 'Herald-Test/1.0 ☃',
  cseq: 2 ** 31 + 5,
});
const PLAIN = binding('alice', 'sip:alice@192.0.2.1:5060');
const UPPER = binding('alice', 'sip:Alice@192.0.2.9');

export function describeLocationContract(open: OpenStoreFixture): void {
  describe('SIP location (bindings)', () => {
    it('replaces a user’s bindings and reads them back by contact, every field intact', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await store.location.replaceBindings(ALICE, [FULL, PLAIN, UPPER]);
        await store.location.replaceBindings(BOB, [binding('bob', 'sip:bob@192.0.2.2')]);
        // Code-point order: 'A' (0x41) sorts before 'a' (0x61).
        assert.deepEqual(await store.location.bindingsOf(ALICE, T0), [UPPER, PLAIN, FULL]);
        await store.location.replaceBindings(ALICE, [PLAIN]);
        assert.deepEqual(await store.location.bindingsOf(ALICE, T0), [PLAIN]);
        await store.location.replaceBindings(ALICE, []);
        assert.deepEqual(await store.location.bindingsOf(ALICE, T0), []);
        assert.equal((await store.location.bindingsOf(BOB, T0)).length, 1);
      }));

    it('never returns an expired binding, and purges them', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        const soon = binding('alice', 'sip:alice@192.0.2.5', { expiresAt: T0 + 1000 });
        await store.location.replaceBindings(ALICE, [soon, PLAIN]);
        await store.location.replaceBindings(BOB, [
          binding('bob', 'sip:bob@192.0.2.2', { expiresAt: T0 + 1000 }),
        ]);
        assert.equal((await store.location.bindingsOf(ALICE, T0 + 999)).length, 2);
        // expiresAt <= now is gone.
        assert.deepEqual(await store.location.bindingsOf(ALICE, T0 + 1000), [PLAIN]);
        assert.deepEqual(await store.location.liveBindings(T0 + 1000, 10), [PLAIN]);
        assert.equal(await store.location.purgeExpired(T0 + 1000), 2);
        assert.equal(await store.location.purgeExpired(T0 + 1000), 0);
        assert.deepEqual(await store.location.bindingsOf(ALICE, T0), [PLAIN]);
      }));

    it('lists live bindings of every user by user then contact, at most `limit`', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        const bob = binding('bob', 'sip:bob@192.0.2.2');
        await store.location.replaceBindings(BOB, [bob]);
        await store.location.replaceBindings(ALICE, [PLAIN, UPPER]);
        assert.deepEqual(await store.location.liveBindings(T0, 10), [UPPER, PLAIN, bob]);
        assert.deepEqual(await store.location.liveBindings(T0, 2), [UPPER, PLAIN]);
        assert.deepEqual(await store.location.liveBindings(T0, 0), []);
        await assertRejects(store.location.liveBindings(T0, -1), 'HERALD_ERR_VALIDATION', 'limit');
      }));

    it('refuses an unknown user, another user’s binding and a repeated contact', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice');
        await assertRejects(store.location.replaceBindings(BOB, []), 'HERALD_ERR_NOT_FOUND', 'userId');
        await assertRejects(
          store.location.replaceBindings(ALICE, [binding('bob', 'sip:bob@192.0.2.2')]),
          'HERALD_ERR_VALIDATION',
          'bindings',
        );
        await assertRejects(
          store.location.replaceBindings(ALICE, [PLAIN, PLAIN]),
          'HERALD_ERR_VALIDATION',
          'bindings',
        );
        assert.deepEqual(await store.location.bindingsOf(ALICE, T0), []);
      }));

    it('drops the bindings with their user, and a failed transaction keeps the old ones', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        await store.location.replaceBindings(ALICE, [PLAIN]);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.location.replaceBindings(ALICE, [FULL]);
            throw new Error('work failed');
          }),
          /work failed/,
        );
        assert.deepEqual(await store.location.bindingsOf(ALICE, T0), [PLAIN]);
        await store.accounts.deleteUser(ALICE);
        assert.deepEqual(await store.location.liveBindings(T0, 10), []);
      }));

    it('keeps bindings through close and reopen', (t) =>
      withStore(open, async (store, fixture) => {
        if (!fixture.reopen) return t.skip('this adapter keeps nothing after close');
        await insertUsers(store, 'alice');
        await store.location.replaceBindings(ALICE, [FULL, PLAIN]);
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.location.bindingsOf(ALICE, T0), [PLAIN, FULL]);
      }));
  });
}
