import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../kernel/errors.js';
import {
  DEFAULT_SCRAM_ITERATIONS,
  deriveScramCredential,
  parseScramMechanism,
  SCRAM_SALT_BYTES,
  type ScramHash,
  scramMechanismName,
  verifyPasswordAgainstScram,
} from './scram.js';

interface Vector {
  source: string;
  hash: ScramHash;
  password: string;
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

const load = (name: string): Vector =>
  JSON.parse(readFileSync(new URL(`./fixtures/scram/${name}`, import.meta.url), 'utf8')) as Vector;
const vectors = [load('rfc5802-sha1.json'), load('rfc7677-sha256.json')];

describe('deriveScramCredential (RFC 5802 §3)', () => {
  for (const v of vectors) {
    it(`derives the keys of ${v.source.split(' (')[0]}`, () => {
      const credential = deriveScramCredential(v.hash, v.password, {
        salt: Buffer.from(v.salt, 'base64'),
        iterations: v.iterations,
      });
      assert.deepEqual(credential, {
        iterations: v.iterations,
        salt: v.salt,
        storedKey: v.storedKey,
        serverKey: v.serverKey,
      });
    });
  }

  it('defaults to 4096 iterations and a fresh 16-byte salt', () => {
    const a = deriveScramCredential('SHA-256', 'pencil');
    const b = deriveScramCredential('SHA-256', 'pencil');
    assert.equal(DEFAULT_SCRAM_ITERATIONS, 4096);
    assert.equal(a.iterations, 4096);
    assert.equal(Buffer.from(a.salt, 'base64').length, SCRAM_SALT_BYTES);
    assert.notEqual(a.salt, b.salt);
    assert.notEqual(a.storedKey, b.storedKey);
  });

  it('SASLprep normalizes the password first (RFC 5802 §2.2 Normalize)', () => {
    const salt = Buffer.from('QSXCR+Q6sek8bf92', 'base64');
    // U+2168 ROMAN NUMERAL NINE is "IX" after NFKC; the soft hyphen maps to nothing.
    assert.deepEqual(
      deriveScramCredential('SHA-1', '\u2168', { salt }),
      deriveScramCredential('SHA-1', 'I\u00adX', { salt }),
    );
  });

  const refused: readonly [string, () => unknown, string][] = [
    ['a password SASLprep prohibits', () => deriveScramCredential('SHA-256', 'bell\u0007'), 'password'],
    [
      'fewer iterations than RFC 7677 §4 asks',
      () => deriveScramCredential('SHA-256', 'pencil', { iterations: 4095 }),
      'iterations',
    ],
    [
      'a fractional iteration count',
      () => deriveScramCredential('SHA-256', 'pencil', { iterations: 4096.5 }),
      'iterations',
    ],
    ['an empty salt', () => deriveScramCredential('SHA-256', 'pencil', { salt: Buffer.alloc(0) }), 'salt'],
  ];
  for (const [name, call, field] of refused) {
    it(`refuses ${name} with HERALD_ERR_VALIDATION`, () => {
      assert.throws(call, (error) => isHeraldError(error, 'HERALD_ERR_VALIDATION') && error.field === field);
    });
  }
});

describe('verifyPasswordAgainstScram (SASL PLAIN against stored SCRAM keys)', () => {
  for (const v of vectors) {
    const credential = {
      iterations: v.iterations,
      salt: v.salt,
      storedKey: v.storedKey,
      serverKey: v.serverKey,
    };
    it(`accepts the right password for ${v.hash}`, () => {
      assert.equal(verifyPasswordAgainstScram(v.hash, credential, 'pencil'), true);
    });
    it(`refuses a wrong password for ${v.hash}`, () => {
      assert.equal(verifyPasswordAgainstScram(v.hash, credential, 'Pencil'), false);
    });
    it(`refuses the keys of the other hash for ${v.hash}`, () => {
      const other: ScramHash = v.hash === 'SHA-1' ? 'SHA-256' : 'SHA-1';
      assert.equal(verifyPasswordAgainstScram(other, credential, 'pencil'), false);
    });
  }

  it('compares SASLprep-equivalent passwords as equal', () => {
    const credential = deriveScramCredential('SHA-256', 'IX');
    assert.equal(verifyPasswordAgainstScram('SHA-256', credential, '\u2168'), true);
  });

  it('refuses a password SASLprep prohibits, without throwing', () => {
    const credential = deriveScramCredential('SHA-256', 'pencil');
    assert.equal(verifyPasswordAgainstScram('SHA-256', credential, 'pencil\u0007'), false);
  });

  it('refuses a malformed stored credential, without throwing', () => {
    const credential = { ...deriveScramCredential('SHA-256', 'pencil'), storedKey: 'AAAA' };
    assert.equal(verifyPasswordAgainstScram('SHA-256', credential, 'pencil'), false);
  });
});

describe('SCRAM mechanism names (RFC 5802 §4, RFC 7677 §2)', () => {
  const names: readonly [ScramHash, boolean, string][] = [
    ['SHA-1', false, 'SCRAM-SHA-1'],
    ['SHA-1', true, 'SCRAM-SHA-1-PLUS'],
    ['SHA-256', false, 'SCRAM-SHA-256'],
    ['SHA-256', true, 'SCRAM-SHA-256-PLUS'],
  ];
  for (const [hash, isPlus, name] of names) {
    it(`${name} round-trips`, () => {
      assert.equal(scramMechanismName(hash, isPlus), name);
      assert.deepEqual(parseScramMechanism(name), { hash, isPlus });
    });
  }
  it('does not read other mechanisms', () => {
    for (const name of ['SCRAM-SHA-512', 'scram-sha-256', 'PLAIN', 'SCRAM-SHA-256-PLUS-X'])
      assert.equal(parseScramMechanism(name), null);
  });
});
