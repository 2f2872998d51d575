import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TestScramClient } from './fixtures/scram/scram-test-client.js';
import { deriveScramCredential, type ScramCredential, type ScramHash } from './scram.js';
import { ScramServerExchange } from './scram-server-exchange.js';

interface Exchange {
  source: string;
  hash: ScramHash;
  username: string;
  password: string;
  salt: string;
  iterations: number;
  clientNonce: string;
  serverNonce: string;
  channelBindingType?: string;
  channelBindingData?: string;
  clientFirst: string;
  serverFirst: string;
  clientFinal: string;
  serverFinal: string;
}

const load = (name: string): Exchange =>
  JSON.parse(readFileSync(new URL(`./fixtures/scram/${name}`, import.meta.url), 'utf8')) as Exchange;
const rfc5802 = load('rfc5802-sha1.json');
const rfc7677 = load('rfc7677-sha256.json');
const plus = load('sha256-plus-tls-exporter.json');

const credentialOf = (v: Exchange): ScramCredential =>
  deriveScramCredential(v.hash, v.password, {
    salt: Buffer.from(v.salt, 'base64'),
    iterations: v.iterations,
  });

const bindingOf = (v: Exchange): { type: string; data: Buffer } | null =>
  v.channelBindingType && v.channelBindingData
    ? { type: v.channelBindingType, data: Buffer.from(v.channelBindingData, 'base64') }
    : null;

describe('the test SCRAM client reproduces the RFC exchanges (so the -PLUS golden can be trusted)', () => {
  for (const v of [rfc5802, rfc7677, plus]) {
    it(v.source.split(';')[0] ?? v.source, () => {
      const binding = bindingOf(v);
      const client = new TestScramClient({
        hash: v.hash,
        wireUsername: v.username,
        password: v.password,
        clientNonce: v.clientNonce,
        gs2Header: binding ? `p=${binding.type},,` : 'n,,',
        ...(binding ? { channelBindingData: binding.data } : {}),
      });
      assert.equal(client.clientFirst, v.clientFirst);
      assert.deepEqual(client.respond(v.serverFirst), {
        clientFinal: v.clientFinal,
        expectedServerFinal: v.serverFinal,
      });
    });
  }
});

describe('ScramServerExchange: whole exchanges byte for byte', () => {
  for (const v of [rfc5802, rfc7677, plus]) {
    it(v.source.split(';')[0] ?? v.source, () => {
      const binding = bindingOf(v);
      const server = new ScramServerExchange({
        hash: v.hash,
        serverNonce: v.serverNonce,
        channelBinding: binding,
        plusAdvertised: binding !== null,
        ...(binding ? { isPlusMechanism: true } : {}),
      });
      assert.equal(server.phase, 'awaiting-client-first');
      assert.deepEqual(server.receiveClientFirst(v.clientFirst), {
        ok: true,
        username: v.username,
        authzid: null,
      });
      assert.equal(server.phase, 'awaiting-server-first');
      assert.equal(server.serverFirst(credentialOf(v)), v.serverFirst);
      assert.equal(server.phase, 'awaiting-client-final');
      assert.deepEqual(server.receiveClientFinal(v.clientFinal), {
        ok: true,
        serverFinal: v.serverFinal,
        username: v.username,
        authzid: null,
      });
      assert.equal(server.phase, 'succeeded');
    });
  }

  it('accepts a client without channel binding ("n") on a channel that offers -PLUS', () => {
    const server = new ScramServerExchange({
      hash: 'SHA-256',
      serverNonce: rfc7677.serverNonce,
      channelBinding: { type: 'tls-exporter', data: Buffer.alloc(32, 7) },
      plusAdvertised: true,
    });
    assert.equal(server.receiveClientFirst(rfc7677.clientFirst).ok, true);
    assert.equal(server.serverFirst(credentialOf(rfc7677)), rfc7677.serverFirst);
    assert.equal(server.receiveClientFinal(rfc7677.clientFinal).ok, true);
  });

  it('accepts "y" when the server did not advertise -PLUS (RFC 5802 §6)', () => {
    const server = new ScramServerExchange({
      hash: 'SHA-256',
      serverNonce: 'srv',
      channelBinding: null,
      plusAdvertised: false,
    });
    const client = new TestScramClient({
      hash: 'SHA-256',
      wireUsername: 'user',
      password: 'pencil',
      clientNonce: 'cli',
      gs2Header: 'y,,',
    });
    assert.equal(server.receiveClientFirst(client.clientFirst).ok, true);
    const { clientFinal, expectedServerFinal } = client.respond(server.serverFirst(credentialOf(rfc7677)));
    assert.deepEqual(server.receiveClientFinal(clientFinal), {
      ok: true,
      serverFinal: expectedServerFinal,
      username: 'user',
      authzid: null,
    });
  });

  it('carries the authzid through and binds the header that holds it (RFC 5802 §5.1 "a")', () => {
    const server = new ScramServerExchange({
      hash: 'SHA-1',
      serverNonce: 'srv',
      channelBinding: null,
      plusAdvertised: false,
    });
    const client = new TestScramClient({
      hash: 'SHA-1',
      wireUsername: 'user',
      password: 'pencil',
      clientNonce: 'cli',
      gs2Header: 'n,a=admin=2Cops,',
    });
    assert.deepEqual(server.receiveClientFirst(client.clientFirst), {
      ok: true,
      username: 'user',
      authzid: 'admin,ops',
    });
    const { clientFinal } = client.respond(server.serverFirst(credentialOf(rfc5802)));
    const result = server.receiveClientFinal(clientFinal);
    assert.equal(result.ok && result.authzid, 'admin,ops');
  });

  it('ignores unrecognized extensions (RFC 5802 §7) but proves over them', () => {
    const server = new ScramServerExchange({
      hash: 'SHA-256',
      serverNonce: 'srv',
      channelBinding: null,
      plusAdvertised: false,
    });
    const client = new TestScramClient({
      hash: 'SHA-256',
      wireUsername: 'user',
      password: 'pencil',
      clientNonce: 'cli',
      gs2Header: 'n,,',
      clientFirstExtensions: 'x=future',
    });
    assert.equal(client.clientFirst, 'n,,n=user,r=cli,x=future');
    assert.equal(server.receiveClientFirst(client.clientFirst).ok, true);
    const { clientFinal, expectedServerFinal } = client.respond(server.serverFirst(credentialOf(rfc7677)), {
      extensions: 'y=more,z=still=more',
    });
    assert.deepEqual(server.receiveClientFinal(clientFinal), {
      ok: true,
      serverFinal: expectedServerFinal,
      username: 'user',
      authzid: null,
    });
  });

  it('decodes "=2C" and "=3D" and SASLprep-s the username (RFC 5802 §5.1 "n")', () => {
    const cases: readonly [string, string][] = [
      ['us=3Der=2Cx', 'us=er,x'],
      ['us=3der=2cx', 'us=er,x'],
      ['I\u00adX', 'IX'],
      ['\u2168', 'IX'],
    ];
    for (const [wire, username] of cases) {
      const server = new ScramServerExchange({
        hash: 'SHA-256',
        serverNonce: 's',
        channelBinding: null,
        plusAdvertised: false,
      });
      assert.deepEqual(server.receiveClientFirst(`n,,n=${wire},r=c`), { ok: true, username, authzid: null });
    }
  });
});
