/**
 * RFC 3261 §19.1.4 — the URI comparison examples of the RFC, IPv6 spellings (RFC 4291 §2.2) and
 * RFC 3966 §4 (tel).
 * https://www.rfc-editor.org/rfc/rfc3261#section-19.1.4
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUri, type Uri, uriEquals } from './index.js';

function uri(text: string): Uri {
  const result = parseUri(text);
  assert.ok(result.ok, `${text}: ${result.ok ? '' : result.error}`);
  return result.value;
}

const EQUIVALENT: ReadonlyArray<[string, string]> = [
  // §19.1.4, "The URIs within each of the following sets are equivalent"
  ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'],
  ['sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'],
  ['sip:carol@chicago.com', 'sip:carol@chicago.com;security=on'],
  ['sip:carol@chicago.com;newparam=5', 'sip:carol@chicago.com;security=on'],
  [
    'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
    'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
  ],
  [
    'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
    'sip:alice@atlanta.com?priority=urgent&subject=project%20x',
  ],
  // RFC 4291 §2.2: the same IPv6 address spelled differently
  ['sip:[2001:db8::9:1]', 'sip:[2001:db8:0:0:0:0:9:1]'],
  ['sip:[::ffff:192.0.2.1]', 'sip:[::FFFF:C000:0201]'],
  // escapes of reserved characters stay significant only as escapes: %3a and %3A are the same
  ['sip:sips%3auser@example.net', 'sip:sips%3Auser@example.net'],
  ['tel:+1-201-555-0123', 'tel:+1.201.555.0123'],
  ['tel:7042;phone-context=EXAMPLE.com', 'tel:7042;phone-context=example.com'],
  ['urn:service:sos', 'URN:service:%73os'],
];

const DIFFERENT: ReadonlyArray<[string, string, string]> = [
  // §19.1.4, "The URIs within each of the following sets are not equivalent"
  ['SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP', 'different user names'],
  ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060', 'can resolve to different ports'],
  ['sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp', 'can resolve to different transports'],
  ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp', 'different port and transport'],
  ['sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting', 'different header component'],
  ['sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4', 'even though that is what phone21 resolves to'],
  // intransitivity: both equal sip:carol@chicago.com, but not each other
  [
    'sip:carol@chicago.com;security=on',
    'sip:carol@chicago.com;security=off',
    'a parameter in both must match',
  ],
  ['sip:alice@atlanta.com', 'sips:alice@atlanta.com', 'SIP and SIPS never match'],
  ['sip:atlanta.com', 'sip:alice@atlanta.com', 'user present in one only'],
  ['sip:alice@atlanta.com', 'sip:alice@atlanta.com;maddr=192.0.2.1', 'maddr in one only'],
  ['sip:alice@atlanta.com', 'sip:alice@atlanta.com;user=phone', 'user parameter in one only'],
  ['sip:alice:x@atlanta.com', 'sip:alice:y@atlanta.com', 'passwords differ'],
  ['sip:sips%3Auser@example.net', 'sip:sips:user@example.net', 'an escaped reserved ":" is not a separator'],
  ['sip:%00@host5.example.com', 'sip:%00%00@host5.example.com', 'RFC 4475 escnull contacts'],
  ['sip:alice@atlanta.com', 'tel:+1-201-555-0123', 'different schemes'],
  ['tel:+1-201-555-0123', 'tel:+1-201-555-0123;ext=22', 'tel parameters must all match'],
];

describe('uriEquals', () => {
  for (const [a, b] of EQUIVALENT) {
    it(`${a} = ${b}`, () => {
      assert.ok(uriEquals(uri(a), uri(b)));
      assert.ok(uriEquals(uri(b), uri(a)), 'symmetric');
    });
  }
  for (const [a, b, why] of DIFFERENT) {
    it(`${a} ≠ ${b} (${why})`, () => {
      assert.equal(uriEquals(uri(a), uri(b)), false);
      assert.equal(uriEquals(uri(b), uri(a)), false, 'symmetric');
    });
  }
});
