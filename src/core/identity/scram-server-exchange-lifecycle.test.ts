import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../kernel/errors.js';
import { TestScramClient } from './fixtures/scram/scram-test-client.js';
import { deriveScramCredential, type ScramCredential } from './scram.js';
import { ScramServerExchange } from './scram-server-exchange.js';

const rfc5802 = JSON.parse(
  readFileSync(new URL('./fixtures/scram/rfc5802-sha1.json', import.meta.url), 'utf8'),
) as {
  password: string;
  salt: string;
  serverNonce: string;
  clientFirst: string;
  clientFinal: string;
};
const credentialOf = (v: typeof rfc5802): ScramCredential =>
  deriveScramCredential('SHA-1', v.password, { salt: Buffer.from(v.salt, 'base64') });

describe('ScramServerExchange: unknown users cannot be told from known ones', () => {
  const secret = Buffer.alloc(32, 1);
  const serverFirstFor = (
    username: string,
    options: { unknownUserSecret?: Buffer } = { unknownUserSecret: secret },
  ) => {
    const server = new ScramServerExchange({
      hash: 'SHA-256',
      serverNonce: 'srv',
      channelBinding: null,
      plusAdvertised: false,
      ...options,
    });
    server.receiveClientFirst(`n,,n=${username},r=cli`);
    return { server, serverFirst: server.serverFirst(undefined) };
  };

  it('answers a stable fake salt of real length and the usual iteration count', () => {
    const { serverFirst } = serverFirstFor('nobody');
    assert.equal(serverFirst, serverFirstFor('nobody').serverFirst);
    const match = /^r=clisrv,s=([A-Za-z0-9+/=]+),i=4096$/.exec(serverFirst);
    assert.ok(match, serverFirst);
    assert.equal(Buffer.from(match[1] ?? '', 'base64').length, 16);
  });

  it('gives each name and each server secret its own salt', () => {
    const base = serverFirstFor('nobody').serverFirst;
    assert.notEqual(serverFirstFor('somebody').serverFirst, base);
    assert.notEqual(serverFirstFor('nobody', { unknownUserSecret: Buffer.alloc(32, 2) }).serverFirst, base);
  });

  it('is stable within the process without a configured secret', () => {
    assert.equal(serverFirstFor('nobody', {}).serverFirst, serverFirstFor('nobody', {}).serverFirst);
  });

  it('fails at the proof with invalid-proof, not unknown-user', () => {
    const { server, serverFirst } = serverFirstFor('nobody');
    const client = new TestScramClient({
      hash: 'SHA-256',
      wireUsername: 'nobody',
      password: 'pencil',
      clientNonce: 'cli',
      gs2Header: 'n,,',
    });
    assert.deepEqual(server.receiveClientFinal(client.respond(serverFirst).clientFinal), {
      ok: false,
      error: 'invalid-proof',
      serverFinal: 'e=invalid-proof',
    });
    assert.equal(server.phase, 'failed');
  });
});

describe('ScramServerExchange: calls out of order fail cleanly', () => {
  const fresh = () =>
    new ScramServerExchange({
      hash: 'SHA-1',
      serverNonce: 'srv',
      channelBinding: null,
      plusAdvertised: false,
    });

  it('serverFirst before client-first throws HERALD_ERR_INTERNAL and fails the exchange', () => {
    const server = fresh();
    assert.throws(
      () => server.serverFirst(undefined),
      (e) => isHeraldError(e, 'HERALD_ERR_INTERNAL'),
    );
    assert.equal(server.phase, 'failed');
    assert.deepEqual(server.receiveClientFirst(rfc5802.clientFirst), { ok: false, error: 'other-error' });
  });

  it('client-final before serverFirst fails with no server-final to send', () => {
    const server = fresh();
    server.receiveClientFirst(rfc5802.clientFirst);
    assert.deepEqual(server.receiveClientFinal(rfc5802.clientFinal), {
      ok: false,
      error: 'other-error',
      serverFinal: null,
    });
  });

  it('a second client-first fails the exchange', () => {
    const server = fresh();
    server.receiveClientFirst(rfc5802.clientFirst);
    assert.deepEqual(server.receiveClientFirst(rfc5802.clientFirst), { ok: false, error: 'other-error' });
    assert.throws(
      () => server.serverFirst(credentialOf(rfc5802)),
      (e) => isHeraldError(e, 'HERALD_ERR_INTERNAL'),
    );
  });

  it('a replayed client-final after success fails', () => {
    const server = new ScramServerExchange({
      hash: 'SHA-1',
      serverNonce: rfc5802.serverNonce,
      channelBinding: null,
      plusAdvertised: false,
    });
    server.receiveClientFirst(rfc5802.clientFirst);
    server.serverFirst(credentialOf(rfc5802));
    assert.equal(server.receiveClientFinal(rfc5802.clientFinal).ok, true);
    assert.deepEqual(server.receiveClientFinal(rfc5802.clientFinal), {
      ok: false,
      error: 'other-error',
      serverFinal: null,
    });
  });

  it('refuses construction with a server nonce that could break the message', () => {
    for (const serverNonce of ['', 'a,b', 'sp ace'])
      assert.throws(
        () =>
          new ScramServerExchange({
            hash: 'SHA-1',
            serverNonce,
            channelBinding: null,
            plusAdvertised: false,
          }),
        (e) => isHeraldError(e, 'HERALD_ERR_INTERNAL'),
      );
  });

  it('refuses a malformed stored credential as a bug', () => {
    const server = fresh();
    server.receiveClientFirst(rfc5802.clientFirst);
    const broken = { ...credentialOf(rfc5802), salt: 'not,base64' };
    assert.throws(
      () => server.serverFirst(broken),
      (e) => isHeraldError(e, 'HERALD_ERR_INTERNAL'),
    );
    assert.equal(server.phase, 'failed');
  });
});
