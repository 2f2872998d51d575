import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScramSha1Client } from './scram-sha1-client.js';

// RFC 5802 §5, the SCRAM-SHA-1 example exchange (user "user", password "pencil").
const NONCE = 'fyko+d2lbbFgONRv9qkxdawL';
const SERVER_FIRST = 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096';
const CLIENT_FINAL = 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=';
const SERVER_FINAL = 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=';

describe('ScramSha1Client', () => {
  it('reproduces the RFC 5802 §5 example', () => {
    const client = new ScramSha1Client('user', 'pencil', NONCE);
    assert.equal(client.first(), `n,,n=user,r=${NONCE}`);
    assert.deepEqual(client.final(SERVER_FIRST), { ok: true, value: CLIENT_FINAL });
    assert.deepEqual(client.verify(SERVER_FINAL), { ok: true, value: '' });
  });

  it('escapes , and = in the username (§5.1)', () => {
    assert.equal(new ScramSha1Client('a,b=c', 'x', 'n').first(), 'n,,n=a=2Cb=3Dc,r=n');
  });

  const refusals: { name: string; serverFirst: string; serverFinal?: string; reason: RegExp }[] = [
    {
      name: 'a server nonce that does not extend ours',
      serverFirst: 'r=other,s=QSXCR+Q6sek8bf92,i=4096',
      reason: /nonce/,
    },
    {
      name: 'a server nonce equal to ours',
      serverFirst: `r=${NONCE},s=QSXCR+Q6sek8bf92,i=4096`,
      reason: /nonce/,
    },
    { name: 'a mandatory extension', serverFirst: `m=ext,${SERVER_FIRST}`, reason: /extension/ },
    { name: 'no iteration count', serverFirst: `r=${NONCE}x,s=QSXCR+Q6sek8bf92`, reason: /iteration/ },
    {
      name: 'a wrong server signature',
      serverFirst: SERVER_FIRST,
      serverFinal: 'v=AAAA',
      reason: /signature/,
    },
    {
      name: 'a server error',
      serverFirst: SERVER_FIRST,
      serverFinal: 'e=invalid-proof',
      reason: /invalid-proof/,
    },
  ];
  for (const r of refusals)
    it(`refuses ${r.name}`, () => {
      const client = new ScramSha1Client('user', 'pencil', NONCE);
      const final = client.final(r.serverFirst);
      const outcome = r.serverFinal === undefined ? final : client.verify(r.serverFinal);
      assert.equal(outcome.ok, false);
      if (!outcome.ok) assert.match(outcome.reason, r.reason);
    });
});
