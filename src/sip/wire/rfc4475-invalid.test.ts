/**
 * RFC 4475 §3.1.2 (invalid messages), §3.2, §3.3 and §3.4 — refused or flagged as the RFC describes, with
 * `canRespond` telling the transport whether it can answer.
 * https://www.rfc-editor.org/rfc/rfc4475#section-3.1.2
 *
 * Choices the RFC leaves open, and what this codec does:
 * - lwsstart, trws (§3.1.2.9, §3.1.2.10): rejected (400), which the RFC calls acceptable; being liberal
 *   would also be allowed, but the start line is the one place where we stay strict.
 * - mismatch02 (§3.1.2.18): 400 rather than 501: the codec does not know which methods are implemented;
 *   `partial.method` lets the transaction layer pick 501 for a method it does not support.
 * - baddate (§3.1.2.12): accepted; only `parseSipDate` refuses it, since an element should not reject a
 *   message for a Date it does not use.
 * - scalar02 (§3.1.2.4): refused for the CSeq overflow; Expires and the Contact expires are only flagged by
 *   their accessors (a registrar may use 3600 instead, RFC 3261 §20.10).
 * - badbranch (§3.2.1): accepted; the branch is exposed as "z9hG4bK" for the transaction layer to judge.
 * - insuf (§3.3.1): the RFC suggests a 400, but without From, To and Call-ID no usable response can be
 *   built (§8.2.6.2 copies them), so `canRespond` is false and the request is dropped.
 * - multi01, mcl01 (§3.3.8, §3.3.9): duplicated single-valued headers are refused with 400.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  contactExpires,
  contacts,
  expires,
  parseContacts,
  parseMessage,
  parseSipDate,
  type SipMessage,
  statusForParseFailure,
  tokenList,
  vias,
} from './index.js';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/rfc4475/${name}.sip`, import.meta.url));
}

interface Refusal {
  readonly name: string;
  readonly section: string;
  readonly status: 400 | 505 | 513 | 'drop';
}

const REFUSED: readonly Refusal[] = [
  { name: 'badinv01', section: '3.1.2.1 extraneous header field separators', status: 400 },
  { name: 'clerr', section: '3.1.2.2 Content-Length larger than the message', status: 400 },
  { name: 'ncl', section: '3.1.2.3 negative Content-Length', status: 400 },
  { name: 'scalar02', section: '3.1.2.4 request scalar fields with overlarge values', status: 400 },
  { name: 'scalarlg', section: '3.1.2.5 response scalar fields with overlarge values', status: 'drop' },
  { name: 'quotbal', section: '3.1.2.6 unterminated quoted string in display name', status: 400 },
  { name: 'ltgtruri', section: '3.1.2.7 <> enclosing Request-URI', status: 400 },
  { name: 'lwsruri', section: '3.1.2.8 malformed SIP Request-URI (embedded LWS)', status: 400 },
  { name: 'lwsstart', section: '3.1.2.9 multiple SP separating Request-Line elements', status: 400 },
  { name: 'trws', section: '3.1.2.10 SP characters at end of Request-Line', status: 400 },
  { name: 'escruri', section: '3.1.2.11 escaped headers in SIP Request-URI', status: 400 },
  { name: 'regbadct', section: '3.1.2.13 failure to enclose name-addr URI in <>', status: 400 },
  { name: 'badaspec', section: '3.1.2.14 spaces within addr-spec', status: 400 },
  { name: 'baddn', section: '3.1.2.15 non-token characters in display name', status: 400 },
  { name: 'badvers', section: '3.1.2.16 unknown protocol version', status: 505 },
  { name: 'mismatch01', section: '3.1.2.17 start line and CSeq method mismatch', status: 400 },
  { name: 'mismatch02', section: '3.1.2.18 unknown method with CSeq method mismatch', status: 400 },
  { name: 'bigcode', section: '3.1.2.19 overlarge response code', status: 'drop' },
  { name: 'insuf', section: '3.3.1 missing required header fields', status: 'drop' },
  { name: 'multi01', section: '3.3.8 multiple values in single value required fields', status: 400 },
  { name: 'mcl01', section: '3.3.9 multiple Content-Length values', status: 400 },
];

function parse(name: string) {
  return parseMessage(fixture(name), { transport: 'datagram' });
}

function accepted(name: string): SipMessage {
  const result = parse(name);
  assert.ok(result.ok, `${name} should parse: ${result.ok ? '' : result.detail}`);
  return result.message;
}

describe('RFC 4475 messages that must be refused', () => {
  for (const { name, section, status } of REFUSED) {
    it(`${section} (${name}) → ${status}`, () => {
      const result = parse(name);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.canRespond, status !== 'drop');
      assert.equal(result.partial !== undefined, status !== 'drop');
      if (status !== 'drop') assert.equal(statusForParseFailure(result), status);
      assert.match(result.detail, /^[\x20-\x7e]+$/, 'the detail is usable as a reason phrase');
    });
  }

  it('mismatch02 keeps the unknown method so that a 501 can be chosen', () => {
    const result = parse('mismatch02');
    assert.ok(!result.ok && result.partial?.method === 'NEWMETHOD');
  });
});

describe('RFC 4475 messages accepted but flagged by their accessors', () => {
  it('3.1.2.12 baddate: the Date accessor refuses a non-GMT time zone', () => {
    const m = accepted('baddate');
    const date = parseSipDate(m.headers.get('Date') ?? '');
    assert.equal(date.ok, false);
    assert.ok(parseSipDate('Sat, 15 Oct 2005 04:44:56 GMT').ok);
    assert.equal(parseSipDate('Sat, 15 Oct 2005 25:44:56 GMT').ok, false, 'no 25th hour');
    assert.equal(parseSipDate('Fri, 15 Oct 2005 04:44:56 GMT').ok, false, 'wrong week day');
  });

  it('3.1.2.4 scalar02: Expires and the contact expires beyond 2**32-1 are flagged', () => {
    const result = parse('scalar02');
    assert.ok(!result.ok && result.partial);
    assert.equal(expires(result.partial)?.ok, false);
    const contact = parseContacts(result.partial.headers.values('Contact'));
    assert.ok(contact.ok && contact.value.kind === 'addresses' && contact.value.contacts[0]);
    assert.equal(contactExpires(contact.value.contacts[0])?.ok, false);
  });

  it('3.2.1 badbranch: a bare magic cookie still parses', () => {
    assert.equal(vias(accepted('badbranch'))[0]?.branch, 'z9hG4bK');
  });
});

describe('RFC 4475 §3.3 and §3.4 application-layer semantics parse cleanly', () => {
  const cases: ReadonlyArray<[string, (m: SipMessage) => void]> = [
    [
      'unkscm',
      (m) =>
        assert.ok(
          m.kind === 'request' && m.uri.kind === 'absolute' && m.uri.scheme === 'nobodyknowsthisscheme',
        ),
    ],
    [
      'novelsc',
      (m) => assert.ok(m.kind === 'request' && m.uri.kind === 'absolute' && m.uri.scheme === 'soap.beep'),
    ],
    ['unksm2', (m) => assert.equal(contacts(m)?.kind === 'addresses' && contacts(m)?.kind, 'addresses')],
    [
      'bext01',
      (m) =>
        assert.deepEqual(tokenList(m, 'Require'), {
          ok: true,
          value: ['nothingSupportsThis', 'nothingSupportsThisEither'],
        }),
    ],
    ['invut', (m) => assert.equal(m.body.length, 40)],
    [
      'regaut01',
      (m) => assert.equal(m.headers.get('Authorization'), 'NoOneKnowsThisScheme opaque-data=here'),
    ],
    ['bcast', (m) => assert.equal(vias(m)[1]?.host, '255.255.255.255')],
    ['zeromf', (m) => assert.equal(m.headers.get('Max-Forwards'), '0')],
    ['sdp01', (m) => assert.equal(m.headers.get('Accept'), 'text/nobodyKnowsThis')],
    ['inv2543', (m) => assert.ok(!m.headers.has('Max-Forwards') && m.body.length > 0)],
  ];
  for (const [name, check] of cases) it(name, () => check(accepted(name)));

  it('3.3.12 cparam01: without <>, ;unknownparam belongs to the contact, not the URI', () => {
    const c = contacts(accepted('cparam01'));
    assert.ok(c?.kind === 'addresses' && c.contacts[0]?.uri.kind === 'sip');
    assert.deepEqual(c.contacts[0].uri.params, []);
    assert.deepEqual(c.contacts[0].params, [{ name: 'unknownparam' }]);
  });

  it('3.3.13 cparam02: inside <>, ;unknownparam belongs to the URI', () => {
    const c = contacts(accepted('cparam02'));
    assert.ok(c?.kind === 'addresses' && c.contacts[0]?.uri.kind === 'sip');
    assert.deepEqual(c.contacts[0].uri.params, [{ name: 'unknownparam' }]);
    assert.equal(contactExpires(c.contacts[0]), undefined);
  });

  it('3.3.14 regescrt: an escaped Route header inside a bracketed Contact URI is kept as a URI header', () => {
    const c = contacts(accepted('regescrt'));
    assert.ok(c?.kind === 'addresses' && c.contacts[0]?.uri.kind === 'sip');
    assert.deepEqual(c.contacts[0].uri.headers, [{ name: 'Route', value: '%3Csip:sip.example.com%3E' }]);
  });
});
