import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../kernel/errors.js';
import {
  type DigestAlgorithm,
  type DigestResponseInput,
  digestHa1,
  digestResponse,
  parseDigestAlgorithm,
  verifyDigestResponse,
} from './sip-digest.js';

interface Vector {
  source: string;
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: 'auth';
  nc?: string;
  cnonce?: string;
  ha1?: string;
  response: string;
}

const vectors = JSON.parse(
  readFileSync(new URL('./fixtures/sip-digest/vectors.json', import.meta.url), 'utf8'),
) as Vector[];

const inputOf = (v: Vector): DigestResponseInput => ({
  algorithm: v.algorithm,
  ha1: digestHa1(v.algorithm, v.username, v.realm, v.password),
  method: v.method,
  uri: v.uri,
  nonce: v.nonce,
  ...(v.qop ? { qop: v.qop } : {}),
  ...(v.nc ? { nc: v.nc } : {}),
  ...(v.cnonce ? { cnonce: v.cnonce } : {}),
});

const rfc7616Sha256 = vectors.find((v) => v.source === 'RFC 7616 §3.9.1 (SHA-256)');
const rfc2617 = vectors.find((v) => v.source === 'RFC 2617 §3.5');

describe('SIP digest: the RFC examples', () => {
  it('holds RFC 2617 §3.5 and both RFC 7616 §3.9.1 variants', () => {
    for (const source of ['RFC 2617 §3.5', 'RFC 7616 §3.9.1 (MD5)', 'RFC 7616 §3.9.1 (SHA-256)'])
      assert.ok(
        vectors.some((v) => v.source === source),
        source,
      );
  });

  for (const v of vectors) {
    it(`${v.source}: response`, () => {
      const input = inputOf(v);
      if (v.ha1) assert.equal(input.ha1, v.ha1);
      assert.equal(digestResponse(input), v.response);
      assert.equal(verifyDigestResponse({ ...input, response: v.response }), true);
    });
  }

  it('HA1 is H(username:realm:password) in lower-case hex', () => {
    assert.equal(
      digestHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life'),
      createHash('md5').update('Mufasa:testrealm@host.com:Circle Of Life').digest('hex'),
    );
    assert.match(digestHa1('SHA-256', 'Mufasa', 'http-auth@example.org', 'Circle of Life'), /^[0-9a-f]{64}$/);
  });

  it('hashes non-ASCII as UTF-8', () => {
    assert.equal(
      digestHa1('SHA-256', 'j\u00e4s\u00f8n', 'r', 'p'),
      createHash('sha256').update(Buffer.from('j\u00e4s\u00f8n:r:p', 'utf8')).digest('hex'),
    );
  });
});

describe('verifyDigestResponse refuses', () => {
  assert.ok(rfc7616Sha256 && rfc2617);
  const good = { ...inputOf(rfc7616Sha256), response: rfc7616Sha256.response };
  const flip = (hex: string): string => (hex[0] === '0' ? `1${hex.slice(1)}` : `0${hex.slice(1)}`);
  const cases: readonly [string, Record<string, unknown>][] = [
    ['a wrong response', { response: flip(good.response) }],
    ['a wrong password', { ha1: digestHa1('SHA-256', 'Mufasa', 'http-auth@example.org', 'Circle Of Life') }],
    ['another method', { method: 'POST' }],
    ['another uri', { uri: '/dir/other.html' }],
    ['another nonce', { nonce: 'x' }],
    ['another nonce-count', { nc: '00000002' }],
    ['another cnonce', { cnonce: 'x' }],
    ['qop without nc', { nc: undefined }],
    ['qop without cnonce', { cnonce: undefined }],
    ['an nc that is not 8 hex digits', { nc: '1' }],
    ['nc and cnonce without qop (RFC 2617 §3.2.2)', { qop: undefined }],
    ['qop=auth-int (not supported)', { qop: 'auth-int' }],
    ['a response of the wrong length', { response: good.response.slice(0, 32) }],
    ['the MD5 answer under SHA-256', { response: '8ca523f5e9506fed4657c9700eebdbec' }],
    ['an HA1 of the wrong algorithm', { algorithm: 'MD5' }],
    ['SHA-512-256 (not computed)', { algorithm: 'SHA-512-256' }],
  ];
  for (const [name, edit] of cases) {
    it(name, () => {
      assert.equal(verifyDigestResponse({ ...good, ...edit } as typeof good), false);
    });
  }

  it('…while the unedited input verifies, and upper-case hex is accepted (COMPAT)', () => {
    assert.equal(verifyDigestResponse(good), true);
    assert.equal(verifyDigestResponse({ ...good, response: good.response.toUpperCase() }), true);
  });
});

describe('SIP digest: -sess variants are refused', () => {
  assert.ok(rfc7616Sha256);
  // RFC 7616 §3.4.2: for -sess, H(A1) = H(H(user:realm:pass):nonce:cnonce). Herald never offers it.
  const md5Sess = {
    ...inputOf({ ...rfc7616Sha256, algorithm: 'MD5' }),
    response: 'e783283f46242139c486a698fec7211d',
  };

  it('parseDigestAlgorithm gives null for every -sess and unknown token', () => {
    for (const token of [
      'MD5-sess',
      'md5-sess',
      'SHA-256-sess',
      'SHA-512-256',
      'SHA-512-256-sess',
      'SHA1',
      '',
    ])
      assert.equal(parseDigestAlgorithm(token), null, token);
  });

  it('parseDigestAlgorithm reads MD5 (also when absent, RFC 7616 §3.3) and SHA-256, in any case', () => {
    assert.equal(parseDigestAlgorithm(undefined), 'MD5');
    assert.equal(parseDigestAlgorithm('md5'), 'MD5');
    assert.equal(parseDigestAlgorithm('sha-256'), 'SHA-256');
  });

  it('a correct MD5-sess response does not verify, whatever the algorithm claims', () => {
    assert.equal(verifyDigestResponse(md5Sess), false);
    assert.equal(verifyDigestResponse({ ...md5Sess, algorithm: 'MD5-sess' as DigestAlgorithm }), false);
  });
});

describe('digestResponse rejects inconsistent input as a bug', () => {
  assert.ok(rfc2617);
  const input = inputOf(rfc2617);
  const bugs: readonly [string, DigestResponseInput][] = [
    ['qop without nc', { ...input, nc: undefined }],
    ['qop without cnonce', { ...input, cnonce: undefined }],
    ['nc without qop', { ...input, qop: undefined }],
    ['an algorithm it does not compute', { ...input, algorithm: 'MD5-sess' as DigestAlgorithm }],
  ];
  for (const [name, bad] of bugs) {
    it(name, () => {
      assert.throws(
        () => digestResponse(bad),
        (e) => isHeraldError(e, 'HERALD_ERR_INTERNAL'),
      );
    });
  }
});
