import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DigestNonces } from './digest-nonces.js';

const nonces = () =>
  new DigestNonces({ secret: Buffer.alloc(32, 7), maxAgeMs: 300_000, random: (n) => Buffer.alloc(n, 1) });

describe('digest nonces', () => {
  it('a fresh nonce is valid, an old one stale, a forged or altered one invalid', () => {
    const n = nonces();
    const nonce = n.issue(1_000_000);
    assert.equal(n.check(nonce, 1_000_000), 'valid');
    assert.equal(n.check(nonce, 1_000_000 + 300_001), 'stale');
    const altered = `${nonce.slice(0, -2)}${nonce.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.equal(n.check(altered, 1_000_000), 'invalid');
    assert.equal(n.check('not-a-nonce', 1_000_000), 'invalid');
    const other = new DigestNonces({
      secret: Buffer.alloc(32, 8),
      maxAgeMs: 300_000,
      random: (x) => Buffer.alloc(x, 1),
    });
    assert.equal(other.check(nonce, 1_000_000), 'invalid', 'another secret');
  });

  it('every nonce is new, and its tag is the only one that checks', () => {
    const n = new DigestNonces({ secret: Buffer.alloc(32, 7), maxAgeMs: 300_000, random: randomBytes });
    const issued = Array.from({ length: 1000 }, () => n.issue(1_000_000));
    assert.equal(new Set(issued).size, issued.length);
    for (const nonce of issued) assert.equal(n.check(nonce, 1_000_000), 'valid');
    // Each bit of the tag, flipped, is refused.
    const raw = Buffer.from(issued[0] ?? '', 'base64url');
    for (let bit = 16 * 8; bit < 32 * 8; bit++) {
      const forged = Buffer.from(raw);
      forged[bit >> 3] = (forged[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      assert.equal(n.check(forged.toString('base64url'), 1_000_000), 'invalid');
    }
    // The same secret checks the nonces of another instance (another node), after a restart too.
    const again = new DigestNonces({
      secret: Buffer.alloc(32, 7),
      maxAgeMs: 300_000,
      random: () => Buffer.alloc(8),
    });
    assert.equal(again.check(issued[1] ?? '', 1_000_000), 'valid');
  });

  it('nc must grow per nonce (replay protection)', () => {
    const n = nonces();
    assert.equal(n.acceptCount('N', '00000001'), true);
    assert.equal(n.acceptCount('N', '00000001'), false, 'the same request again');
    assert.equal(n.acceptCount('N', '00000002'), true);
    assert.equal(n.acceptCount('M', '00000001'), true, 'another nonce counts apart');
    assert.equal(n.acceptCount('N', 'zz'), false);
  });
});
