/**
 * RFC 3261 §25.1 / RFC 2617 / RFC 8760 (Digest), RFC 6665 §8.2 (Event, Subscription-State), RFC 3903 §11.3
 * (SIP-ETag, SIP-If-Match), RFC 3261 §20.15 (Content-Type) — table tests.
 * https://www.rfc-editor.org/rfc/rfc3261#section-25.1
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  digestChallenges,
  digestCredentials,
  formatDigestChallenge,
  formatDigestCredentials,
  parseAuthHeader,
  parseDigestChallenge,
  parseDigestCredentials,
  parseEntityTag,
  parseEvent,
  parseMediaType,
  parseSubscriptionState,
  SipHeaders,
} from './index.js';

describe('Digest', () => {
  it('parses a challenge: quoted strings unescaped, qop list split, stale read', () => {
    const challenge = parseDigestChallenge(
      'Digest realm="atlanta.com", ' +
        'domain="sip:ss1.carrier.com", qop="auth,auth-int", nonce="f84f1cec41e6cbe5aea9c8e88d359", ' +
        'opaque="", stale=FALSE, algorithm=MD5',
    );
    assert.deepEqual(challenge, {
      ok: true,
      value: {
        realm: 'atlanta.com',
        nonce: 'f84f1cec41e6cbe5aea9c8e88d359',
        opaque: '',
        domain: 'sip:ss1.carrier.com',
        stale: false,
        algorithm: 'MD5',
        qop: ['auth', 'auth-int'],
      },
    });
  });

  it('unescapes quoted-pairs in values', () => {
    const header = parseAuthHeader('Digest realm="a \\"quoted\\" realm", nonce="n"');
    assert.ok(header.ok && header.value.params.get('realm') === 'a "quoted" realm');
  });

  it('parses credentials and requires cnonce and nc with qop (RFC 2617 §3.2.2)', () => {
    const text =
      'Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
      'uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", ' +
      'response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
    const credentials = parseDigestCredentials(text);
    assert.ok(credentials.ok);
    assert.equal(credentials.value.username, 'bob');
    assert.equal(credentials.value.uri, 'sip:bob@biloxi.com');
    assert.equal(credentials.value.nc, '00000001');
    assert.equal(parseDigestCredentials(text.replace(', nc=00000001', '')).ok, false);
    // formatting and parsing again gives the same credentials
    assert.deepEqual(parseDigestCredentials(formatDigestCredentials(credentials.value)), credentials);
  });

  it('formats a challenge that parses back to itself', () => {
    const challenge = {
      realm: 'example.com',
      nonce: 'abc',
      opaque: 'o"1',
      stale: true,
      algorithm: 'SHA-256',
      qop: ['auth'],
    };
    assert.deepEqual(parseDigestChallenge(formatDigestChallenge(challenge)), { ok: true, value: challenge });
  });

  const bad: ReadonlyArray<[string, string]> = [
    ['Digest realm="x"', 'no nonce'],
    ['Basic realm="x", nonce="y"', 'not Digest'],
    ['Digest realm="x" nonce="y"', 'no comma between params'],
    ['Digest realm="x, nonce="y"', 'unterminated quote'],
    ['Digest realm="x", realm="y", nonce="z"', 'repeated param'],
  ];
  for (const [text, why] of bad) {
    it(`refuses ${text} (${why})`, () => assert.equal(parseDigestChallenge(text).ok, false));
  }

  it('keeps other schemes readable (RFC 4475 §3.3.7 regaut01)', () => {
    const header = parseAuthHeader('NoOneKnowsThisScheme opaque-data=here');
    assert.ok(header.ok && header.value.scheme === 'NoOneKnowsThisScheme');
    assert.equal(header.value.params.get('opaque-data'), 'here');
  });

  it('reads every WWW-Authenticate / Authorization line of a message', () => {
    const message = {
      headers: new SipHeaders([
        { name: 'WWW-Authenticate', value: 'Digest realm="a", nonce="1", algorithm=SHA-256' },
        { name: 'WWW-Authenticate', value: 'Digest realm="a", nonce="2"' },
        { name: 'Authorization', value: 'Digest username="u"' },
      ]),
    };
    assert.deepEqual(
      digestChallenges(message, 'WWW-Authenticate').map((c) => c.ok && c.value.nonce),
      ['1', '2'],
    );
    assert.equal(digestCredentials(message, 'Authorization')[0]?.ok, false);
  });
});

describe('Event and Subscription-State (RFC 6665)', () => {
  it('parses event packages, templates and id', () => {
    assert.deepEqual(parseEvent('presence.winfo;id=a1'), {
      ok: true,
      value: { package: 'presence', templates: ['winfo'], id: 'a1', params: [{ name: 'id', value: 'a1' }] },
    });
    assert.deepEqual(parseEvent('dialog'), {
      ok: true,
      value: { package: 'dialog', templates: [], params: [] },
    });
    assert.equal(parseEvent('presence..x').ok, false);
    assert.equal(parseEvent('').ok, false);
  });

  it('parses substates with reason, expires and retry-after', () => {
    assert.deepEqual(parseSubscriptionState('active;expires=3600'), {
      ok: true,
      value: { state: 'active', expires: 3600, params: [{ name: 'expires', value: '3600' }] },
    });
    const terminated = parseSubscriptionState('terminated;reason=Timeout;retry-after=30');
    assert.ok(terminated.ok && terminated.value.reason === 'timeout' && terminated.value.retryAfter === 30);
    assert.equal(parseSubscriptionState('active;expires=soon').ok, false);
  });
});

describe('SIP-ETag / SIP-If-Match (RFC 3903) and Content-Type', () => {
  it('entity-tags are tokens', () => {
    assert.deepEqual(parseEntityTag(' dx200xyz '), { ok: true, value: 'dx200xyz' });
    assert.equal(parseEntityTag('"quoted"').ok, false);
  });

  it('media types are lower-cased, parameters kept', () => {
    assert.deepEqual(parseMediaType('Application/PIDF+XML ; charset="UTF-8"'), {
      ok: true,
      value: { type: 'application', subtype: 'pidf+xml', params: [{ name: 'charset', value: '"UTF-8"' }] },
    });
    assert.equal(parseMediaType('text').ok, false);
  });
});
