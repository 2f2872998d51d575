import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestHa1, digestResponse } from '../../core/identity/sip-digest.js';
import { asUserId, type StoredCredentials, type UserRecord } from '../../core/ports.js';
import { parseMessage, type SipRequest } from '../wire/index.js';
import { DigestNonces } from './digest-nonces.js';
import { SipDigestAuth } from './sip-digest-auth.js';

const REALM = 'example.com';
const ALICE: UserRecord = {
  id: asUserId('u-alice'),
  username: 'alice',
  displayName: 'Alice',
  email: null,
  isAdmin: false,
  createdAt: 0,
};
const CREDENTIALS = {
  digestRealm: REALM,
  ha1Md5: digestHa1('MD5', 'alice', REALM, 'secret-pass'),
  ha1Sha256: digestHa1('SHA-256', 'alice', REALM, 'secret-pass'),
} as StoredCredentials;

function setup() {
  const failures: string[] = [];
  const nonces = new DigestNonces({
    secret: Buffer.alloc(32, 7),
    maxAgeMs: 60_000,
    random: (n) => Buffer.alloc(n, 1),
  });
  const auth = new SipDigestAuth({
    realm: REALM,
    nonces,
    md5OnlyUserAgents: ['sipsak'],
    accounts: {
      findUserByName: async (name) => (name === 'alice' ? ALICE : undefined),
      getCredentials: async () => CREDENTIALS,
    },
    throttle: {
      loginRetryAfter: () => (failures.length >= 3 ? 1000 : 0),
      loginFailed: (user) => void failures.push(user),
      loginSucceeded: () => undefined,
    },
  });
  return { auth, nonces, failures };
}

function register(authorization?: string, uri = `sip:${REALM}`): SipRequest {
  const text = [
    `REGISTER ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1',
    'Max-Forwards: 70',
    `From: <sip:alice@${REALM}>;tag=1`,
    `To: <sip:alice@${REALM}>`,
    'Call-ID: c1',
    'CSeq: 1 REGISTER',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(text), { transport: 'datagram' });
  assert.ok(parsed.ok && parsed.message.kind === 'request');
  return parsed.message;
}

function credentials(
  nonce: string,
  options: {
    user?: string;
    password?: string;
    nc?: string;
    uri?: string;
    algorithm?: 'MD5' | 'SHA-256';
  } = {},
): string {
  const {
    user = 'alice',
    password = 'secret-pass',
    nc = '00000001',
    uri = `sip:${REALM}`,
    algorithm = 'SHA-256',
  } = options;
  const ha1 = digestHa1(algorithm, user, REALM, password);
  const response = digestResponse({
    algorithm,
    ha1,
    method: 'REGISTER',
    uri,
    nonce,
    qop: 'auth',
    nc,
    cnonce: 'cn',
  });
  return `Digest username="${user}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="cn"`;
}

describe('SipDigestAuth (RFC 3261 §22, RFC 8760)', () => {
  it('challenges with SHA-256 then MD5, qop="auth", under one fresh nonce', () => {
    const { auth } = setup();
    const headers = auth.challenges('WWW-Authenticate', 1000, false);
    assert.deepEqual(
      headers.map((h) => /algorithm=([\w-]+)/.exec(h.value)?.[1]),
      ['SHA-256', 'MD5'],
    );
    const nonces = headers.map((h) => /nonce="([^"]+)"/.exec(h.value)?.[1]);
    assert.equal(nonces[0], nonces[1], 'one nonce for both algorithms');
    assert.ok(headers.every((h) => h.value.includes(`realm="${REALM}"`) && h.value.includes('qop="auth"')));
    assert.equal(auth.challenges('WWW-Authenticate', 1000, true, 'sipsak 0.9.8.1').length, 1);
  });

  const cases: {
    name: string;
    now?: number;
    auth: (nonce: string) => string | undefined;
    uri?: string;
    kind: string;
    stale?: boolean;
  }[] = [
    { name: 'no credentials', auth: () => undefined, kind: 'challenge', stale: false },
    { name: 'right SHA-256 answer', auth: (n) => credentials(n), kind: 'authenticated' },
    { name: 'right MD5 answer', auth: (n) => credentials(n, { algorithm: 'MD5' }), kind: 'authenticated' },
    {
      name: 'wrong password',
      auth: (n) => credentials(n, { password: 'nope-nope' }),
      kind: 'challenge',
      stale: false,
    },
    {
      name: 'unknown user',
      auth: (n) => credentials(n, { user: 'mallory' }),
      kind: 'challenge',
      stale: false,
    },
    {
      name: 'right answer, old nonce',
      now: 100_000,
      auth: (n) => credentials(n),
      kind: 'challenge',
      stale: true,
    },
    { name: 'forged nonce', auth: () => credentials('bm90LWEtbm9uY2U'), kind: 'challenge', stale: false },
    {
      name: 'uri not the Request-URI',
      auth: (n) => credentials(n, { uri: 'sip:other.example' }),
      kind: 'bad-request',
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const { auth, nonces } = setup();
      const nonce = nonces.issue(1000);
      const header = c.auth(nonce);
      const outcome = await auth.verify(register(header), 'Authorization', '192.0.2.1', c.now ?? 2000);
      assert.equal(outcome.kind, c.kind);
      if (outcome.kind === 'challenge') assert.equal(outcome.stale, c.stale);
    });

  it('refuses a replayed nonce count and throttles repeated failures', async () => {
    const { auth, nonces, failures } = setup();
    const nonce = nonces.issue(1000);
    const request = register(credentials(nonce));
    assert.equal((await auth.verify(request, 'Authorization', '192.0.2.1', 2000)).kind, 'authenticated');
    assert.equal((await auth.verify(request, 'Authorization', '192.0.2.1', 2000)).kind, 'challenge');
    for (let i = 0; i < 3; i++)
      await auth.verify(register(credentials(nonce, { password: 'bad-pass!' })), 'Authorization', 'x', 2000);
    assert.equal(failures.length, 3);
    assert.equal(
      (await auth.verify(register(credentials(nonce, { nc: '00000009' })), 'Authorization', 'x', 2000)).kind,
      'throttled',
    );
  });
});

describe('SipDigestAuth.userNamed', () => {
  it('finds users by name, any case, and nobody else', async () => {
    const { auth } = setup();
    assert.equal((await auth.userNamed('Alice'))?.id, ALICE.id);
    assert.equal(await auth.userNamed('mallory'), undefined);
  });
});
