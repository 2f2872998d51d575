import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { fastHasher } from '../../../test/support/fast-hasher.js';
import { AccountService } from '../../core/identity/account-service.js';
import { deriveCredentials } from '../../core/identity/credential-factory.js';
import { systemPrincipal } from '../../core/identity/principal.js';
import { digestHa1, digestResponse } from '../../core/identity/sip-digest.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { parseMessage, type SipRequest } from '../wire/index.js';
import { DigestCredentialCache } from './digest-credential-cache.js';
import { DigestNonces } from './digest-nonces.js';
import { SipDigestAuth } from './sip-digest-auth.js';

const REALM = 'example.org';
const OLD = 'old-password-1';
const NEW = 'new-password-2';
const operator = systemPrincipal('test');

function register(authorization: string): SipRequest {
  const text = [
    `REGISTER sip:${REALM} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1',
    'Max-Forwards: 70',
    `From: <sip:alice@${REALM}>;tag=1`,
    `To: <sip:alice@${REALM}>`,
    'Call-ID: c1',
    'CSeq: 1 REGISTER',
    `Authorization: ${authorization}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(text), { transport: 'datagram' });
  assert.ok(parsed.ok && parsed.message.kind === 'request');
  return parsed.message;
}

describe('SIP digest credentials cached across requests', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let accounts: AccountService;
  let auth: SipDigestAuth;
  let nc = 0;

  beforeEach(async () => {
    clock = new FakeClock();
    store = new MemoryStore();
    accounts = new AccountService({
      store,
      hasher: fastHasher,
      clock,
      ids: sequentialIdSource('u'),
      domain: REALM,
      minPasswordLength: 8,
    });
    await accounts.addUser(operator, { username: 'alice', password: OLD });
    auth = new SipDigestAuth({
      realm: REALM,
      nonces: new DigestNonces({
        secret: Buffer.alloc(32, 3),
        maxAgeMs: 600_000,
        random: (n) => Buffer.alloc(n, 9),
      }),
      accounts: store.accounts,
      throttle: { loginRetryAfter: () => 0, loginFailed: () => undefined, loginSucceeded: () => undefined },
      credentialCache: { ttlMs: 10_000, maxEntries: 100, clock },
    });
    accounts.onCredentialsChanged((user) => auth.forgetUser(user.id));
    nc = 0;
  });

  /** One REGISTER answering a fresh challenge with `password`: the outcome's kind. */
  async function tryPassword(password: string): Promise<string> {
    const now = clock.now();
    const nonce = /nonce="([^"]+)"/.exec(
      auth.challenges('WWW-Authenticate', now, false)[0]?.value ?? '',
    )?.[1];
    assert.ok(nonce);
    const count = (++nc).toString(16).padStart(8, '0');
    const uri = `sip:${REALM}`;
    const response = digestResponse({
      algorithm: 'SHA-256',
      ha1: digestHa1('SHA-256', 'alice', REALM, password),
      method: 'REGISTER',
      uri,
      nonce,
      qop: 'auth',
      nc: count,
      cnonce: 'cn',
    });
    const header = `Digest username="alice", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=SHA-256, qop=auth, nc=${count}, cnonce="cn"`;
    return (await auth.verify(register(header), 'Authorization', '192.0.2.1', now)).kind;
  }

  it('refuses the old password right after a password change (no stale HA1 is used)', async () => {
    assert.equal(await tryPassword(OLD), 'authenticated'); // now cached
    await accounts.setPassword(operator, 'alice', NEW);
    assert.equal(await tryPassword(OLD), 'challenge');
    assert.equal(await tryPassword(NEW), 'authenticated');
  });

  it('refuses a removed user at once', async () => {
    assert.equal(await tryPassword(OLD), 'authenticated');
    await accounts.removeUser(operator, 'alice');
    assert.equal(await tryPassword(OLD), 'challenge');
  });

  it('sees a change made behind its back (another process) once the entry expires', async () => {
    assert.equal(await tryPassword(OLD), 'authenticated');
    const user = await store.accounts.findUserByName('alice');
    assert.ok(user);
    const changed = await deriveCredentials(
      { hasher: fastHasher, realm: REALM, scramIterations: 4096 },
      'alice',
      NEW,
      clock.now(),
    );
    await store.accounts.setCredentials(user.id, changed); // not through this AccountService
    clock.advance(9_999);
    assert.equal(await tryPassword(OLD), 'authenticated', 'within the cache lifetime');
    clock.advance(2);
    assert.equal(await tryPassword(OLD), 'challenge');
    assert.equal(await tryPassword(NEW), 'authenticated');
  });
});

describe('DigestCredentialCache', () => {
  const user = (name: string) => ({
    id: `id-${name}` as never,
    username: name,
    displayName: name,
    email: null,
    isAdmin: false,
    createdAt: 0,
  });
  const creds = { digestRealm: REALM, ha1Md5: 'a', ha1Sha256: 'b' } as never;

  function counted(maxEntries: number, ttlMs = 1000, clock = new FakeClock(0)) {
    const reads: string[] = [];
    const cache = new DigestCredentialCache({
      clock,
      accounts: {
        findUserByName: async (name) => {
          reads.push(name);
          return name.startsWith('nobody') ? undefined : user(name);
        },
        getCredentials: async () => creds,
      },
      ttlMs,
      maxEntries,
    });
    return { cache, reads };
  }

  it('keeps a user without a password too, with no credentials (callable, never authenticated)', async () => {
    const cache = new DigestCredentialCache({
      clock: new FakeClock(0),
      accounts: { findUserByName: async (name) => user(name), getCredentials: async () => undefined },
      ttlMs: 1000,
      maxEntries: 10,
    });
    const found = await cache.lookup('carol', 0);
    assert.equal(found?.user.username, 'carol');
    assert.equal(found?.credentials, undefined);
    assert.equal(cache.size, 1);
  });

  it('reads the store once per user within the lifetime, and never keeps unknown names', async () => {
    const { cache, reads } = counted(10);
    assert.equal((await cache.lookup('alice', 0))?.user.username, 'alice');
    assert.equal((await cache.lookup('alice', 999))?.credentials?.ha1Sha256, 'b');
    assert.equal(await cache.lookup('nobody', 0), undefined);
    assert.equal(await cache.lookup('nobody', 1), undefined);
    assert.deepEqual(reads, ['alice', 'nobody', 'nobody']);
    await cache.lookup('alice', 1000);
    assert.deepEqual(reads.length, 4, 'expired at ttlMs');
  });

  it('holds at most maxEntries, the oldest out first; ttl 0 keeps nothing', async () => {
    const { cache, reads } = counted(2);
    await cache.lookup('a', 0);
    await cache.lookup('b', 0);
    await cache.lookup('a', 0);
    await cache.lookup('c', 0);
    assert.equal(cache.size, 2);
    await cache.lookup('b', 0);
    assert.deepEqual(reads, ['a', 'b', 'c'], 'b and c kept');
    await cache.lookup('a', 0);
    assert.deepEqual(reads, ['a', 'b', 'c', 'a'], 'a, read first, went first');
    const off = counted(10, 0);
    await off.cache.lookup('a', 0);
    await off.cache.lookup('a', 0);
    assert.equal(off.cache.size, 0);
    assert.equal(off.reads.length, 2);
  });

  it('drops entries as they expire, with nobody asking (an idle server keeps none)', async () => {
    const clock = new FakeClock(0);
    const { cache, reads } = counted(10, 1000, clock);
    await cache.lookup('a', clock.now());
    clock.advance(400);
    await cache.lookup('b', clock.now());
    await cache.lookup('a', clock.now()); // a hit does not extend a's lifetime
    assert.equal(cache.size, 2);
    clock.advance(600);
    assert.equal(cache.size, 1, 'a expired at 1000');
    clock.advance(399);
    assert.equal(cache.size, 1);
    clock.advance(1);
    assert.equal(cache.size, 0, 'b expired at 1400');
    await cache.lookup('a', clock.now());
    assert.deepEqual(reads, ['a', 'b', 'a']);
    clock.advance(1000);
    assert.equal(cache.size, 0, 'the timer is armed again after the cache emptied');
  });

  it('does not keep a lookup that a forget overtook', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const cache = new DigestCredentialCache({
      accounts: {
        findUserByName: async (name) => {
          await gate;
          return user(name);
        },
        getCredentials: async () => creds,
      },
      ttlMs: 1000,
      maxEntries: 10,
      clock: new FakeClock(0),
    });
    const pending = cache.lookup('alice', 0);
    cache.forget(user('alice').id);
    release();
    assert.ok(await pending);
    assert.equal(cache.size, 0);
    assert.throws(
      () =>
        new DigestCredentialCache({
          accounts: {} as never,
          ttlMs: -1,
          maxEntries: 1,
          clock: new FakeClock(0),
        }),
      RangeError,
    );
  });
});
