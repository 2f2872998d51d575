import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { asUserId, type LocationStore, type SipBindingRecord, type UserId } from '../../core/ports.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { HeraldError } from '../../kernel/errors.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { silentLogger } from '../../kernel/log.js';
import { WriteBehindLocation } from './write-behind-location.js';

const DELAY = 1000;

function binding(userId: UserId, contact: string, expiresAt: number): SipBindingRecord {
  return {
    userId,
    contact,
    flowId: null,
    transport: 'udp',
    callId: `call-${contact}`,
    cseq: 1,
    expiresAt,
    q: null,
    instanceId: null,
    regId: null,
    userAgent: null,
    updatedAt: 0,
  };
}

/** Counts the store's writes, and can refuse them (a database that is down). */
class CountingLocation implements LocationStore {
  writes = 0;
  failing: Error | undefined;
  constructor(private readonly inner: LocationStore) {}
  bindingsOf(userId: UserId, now: number) {
    return this.inner.bindingsOf(userId, now);
  }
  async replaceBindings(userId: UserId, bindings: readonly SipBindingRecord[]) {
    this.writes++;
    if (this.failing) throw this.failing;
    await this.inner.replaceBindings(userId, bindings);
  }
  liveBindings(now: number, limit: number) {
    return this.inner.liveBindings(now, limit);
  }
  purgeExpired(now: number) {
    return this.inner.purgeExpired(now);
  }
}

describe('SIP bindings in memory, written behind (ADR 0009)', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let stored: CountingLocation;
  let location: WriteBehindLocation;
  let alice: UserId;
  let bob: UserId;
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(async () => {
    clock = new FakeClock();
    store = new MemoryStore();
    for (const name of ['alice', 'bob']) {
      const keys = { iterations: 4096, salt: 's', storedKey: 'k', serverKey: 'k' };
      await store.accounts.insertUser(
        { id: asUserId(name), username: name, displayName: '', email: null, isAdmin: false, createdAt: 0 },
        {
          scramSha1: keys,
          scramSha256: keys,
          digestRealm: 'example.com',
          ha1Md5: 'x',
          ha1Sha256: 'x',
          passwordHash: 'x',
          updatedAt: 0,
        },
      );
    }
    alice = asUserId('alice');
    bob = asUserId('bob');
    stored = new CountingLocation(store.location);
    location = new WriteBehindLocation({ store: stored, clock, log: silentLogger(), flushMs: DELAY });
  });

  it('answers reads at once from memory, ordered by contact, without expired ones', async () => {
    const now = clock.now();
    location.replace(alice, [binding(alice, 'sip:b@h', now + 5000), binding(alice, 'sip:a@h', now + 1000)]);
    assert.deepEqual(
      location.liveOf(alice, now).map((b) => b.contact),
      ['sip:a@h', 'sip:b@h'],
    );
    assert.deepEqual(
      (await location.bindingsOf(alice, now + 1000)).map((b) => b.contact),
      ['sip:b@h'],
    );
    assert.deepEqual(location.liveOf(bob, now), []);
    assert.equal(stored.writes, 0, 'nothing written yet');
  });

  it('writes the latest change of each user once, after the delay', async () => {
    const now = clock.now();
    location.replace(alice, [binding(alice, 'sip:a@h', now + 60_000)]);
    location.replace(alice, [binding(alice, 'sip:a2@h', now + 60_000)]);
    location.replace(bob, [binding(bob, 'sip:b@h', now + 60_000)]);
    assert.equal(location.pending, 2);
    clock.advance(DELAY - 1);
    await settle();
    assert.equal(stored.writes, 0);
    clock.advance(1);
    await settle();
    assert.equal(stored.writes, 2, 'one write per user, not per change');
    assert.deepEqual(
      (await store.location.bindingsOf(alice, now)).map((b) => b.contact),
      ['sip:a2@h'],
    );
    assert.equal(location.pending, 0);
  });

  it('does not write a refresh that comes early in the stored lifetime; writes a late one or a change', async () => {
    const now = clock.now();
    const hour = 3_600_000;
    location.replace(alice, [binding(alice, 'sip:a@h', now + hour)]);
    await location.flush();
    assert.equal(stored.writes, 1);
    // A keep-alive REGISTER a minute later: the stored copy still has far more than 3/4 of it.
    clock.advance(60_000);
    location.replace(alice, [{ ...binding(alice, 'sip:a@h', clock.now() + hour), cseq: 2 }]);
    assert.equal(location.pending, 0);
    assert.equal(location.liveOf(alice, clock.now())[0]?.cseq, 2, 'memory has the refresh');
    // Twenty minutes on, the stored expiry is within 3/4 of the new lifetime: written.
    clock.advance(20 * 60_000);
    location.replace(alice, [{ ...binding(alice, 'sip:a@h', clock.now() + hour), cseq: 3 }]);
    assert.equal(location.pending, 1);
    await location.flush();
    assert.equal((await store.location.bindingsOf(alice, clock.now()))[0]?.cseq, 3);
    // Another flow (the UA came back over TCP) is a change, written at once however early.
    location.replace(alice, [{ ...binding(alice, 'sip:a@h', clock.now() + hour), transport: 'tcp' }]);
    assert.equal(location.pending, 1);
  });

  it('refuses what the store would refuse, at once', () => {
    const now = clock.now();
    assert.throws(
      () => location.replace(alice, [binding(bob, 'sip:b@h', now + 1000)]),
      (error: unknown) => error instanceof HeraldError && error.code === 'HERALD_ERR_VALIDATION',
    );
    assert.throws(
      () => location.replace(alice, [binding(alice, 'sip:a@h', now + 1), binding(alice, 'sip:a@h', now + 2)]),
      (error: unknown) => error instanceof HeraldError && error.code === 'HERALD_ERR_VALIDATION',
    );
    assert.deepEqual(location.liveOf(alice, now), []);
  });

  it('close writes everything queued; a new instance loads it back (a restart)', async () => {
    const now = clock.now();
    location.replace(alice, [binding(alice, 'sip:a@h', now + 60_000)]);
    location.replace(bob, [binding(bob, 'sip:b@h', now + 60_000)]);
    await location.close();
    assert.equal(stored.writes, 2);
    const restarted = new WriteBehindLocation({ store: stored, clock, log: silentLogger(), flushMs: DELAY });
    assert.equal(await restarted.load(100), 2);
    assert.deepEqual(
      restarted.liveOf(alice, now).map((b) => b.contact),
      ['sip:a@h'],
    );
    assert.deepEqual(
      (await restarted.liveBindings(now, 10)).map((b) => b.userId),
      [alice, bob],
    );
    assert.equal((await restarted.liveBindings(now, 1)).length, 1);
  });

  it('keeps a change the store refused and writes it at a later flush', async () => {
    const now = clock.now();
    stored.failing = new Error('database is down');
    location.replace(alice, [binding(alice, 'sip:a@h', now + 60_000)]);
    await location.flush();
    assert.equal(location.pending, 1, 'kept for a retry');
    assert.deepEqual(await store.location.bindingsOf(alice, now), []);
    stored.failing = undefined;
    clock.advance(DELAY);
    await settle();
    assert.equal(location.pending, 0);
    assert.equal((await store.location.bindingsOf(alice, now)).length, 1);
  });

  it('a newer change queued while an older one failed wins', async () => {
    const now = clock.now();
    stored.failing = new Error('database is down');
    location.replace(alice, [binding(alice, 'sip:old@h', now + 60_000)]);
    const flushing = location.flush();
    location.replace(alice, [binding(alice, 'sip:new@h', now + 60_000)]);
    await flushing;
    stored.failing = undefined;
    await location.flush();
    assert.deepEqual(
      (await store.location.bindingsOf(alice, now)).map((b) => b.contact),
      ['sip:new@h'],
    );
  });

  it('drops the bindings of a user the store no longer has', async () => {
    const now = clock.now();
    stored.failing = new HeraldError('HERALD_ERR_NOT_FOUND', 'no user alice');
    location.replace(alice, [binding(alice, 'sip:a@h', now + 60_000)]);
    await location.flush();
    assert.equal(location.pending, 0);
    assert.deepEqual(location.liveOf(alice, now), []);
  });

  it('purgeExpired drops expired bindings from memory and the store', async () => {
    const now = clock.now();
    location.replace(alice, [binding(alice, 'sip:a@h', now + 1000), binding(alice, 'sip:b@h', now + 9000)]);
    await location.flush();
    assert.equal(await location.purgeExpired(now + 1000), 1);
    assert.deepEqual(
      (await location.liveBindings(now, 10)).map((b) => b.contact),
      ['sip:b@h'],
    );
    assert.equal((await store.location.liveBindings(now, 10)).length, 1);
  });
});
