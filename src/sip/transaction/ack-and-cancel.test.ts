/**
 * RFC 3261 §17.1.1.3 (the ACK for a non-2xx) and §9.1 (CANCEL), golden: the exact wire form built for an
 * INVITE that crossed a proxy (two Vias) with a Route set.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.3 · https://www.rfc-editor.org/rfc/rfc3261#section-9.1
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serializeMessage } from '../wire/index.js';
import { buildAckForNon2xx } from './ack-for-non-2xx.js';
import { buildCancel } from './cancel-request.js';
import { aliceRequest, bobResponse } from './fixtures/atlanta.js';

const invite = aliceRequest({
  extraHeaders: [
    'Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1',
    'Route: <sip:ss1.atlanta.com;lr>, <sip:ss2.biloxi.com;lr>',
    'Content-Type: application/sdp',
  ],
});

describe('§17.1.1.3 ACK for a non-2xx final response', () => {
  it('has the top Via only, the Route set, the response’s To, the INVITE’s From, Call-ID and CSeq number', () => {
    const ack = buildAckForNon2xx(invite, bobResponse(invite, 486, 'bob-486'));
    assert.equal(
      serializeMessage(ack).toString(),
      [
        'ACK sip:bob@biloxi.com SIP/2.0',
        'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
        'Route: <sip:ss1.atlanta.com;lr>, <sip:ss2.biloxi.com;lr>',
        'Max-Forwards: 70',
        'To: Bob <sip:bob@biloxi.com>;tag=bob-486',
        'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
        'Call-ID: a84b4c76e66710@pc33.atlanta.com',
        'CSeq: 314159 ACK',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });
});

describe('§9.1 CANCEL', () => {
  it('has the top Via only (same branch), the Route set, and the INVITE’s To, From, Call-ID and CSeq number', () => {
    assert.equal(
      serializeMessage(buildCancel(invite)).toString(),
      [
        'CANCEL sip:bob@biloxi.com SIP/2.0',
        'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
        'Route: <sip:ss1.atlanta.com;lr>, <sip:ss2.biloxi.com;lr>',
        'Max-Forwards: 70',
        'To: Bob <sip:bob@biloxi.com>',
        'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
        'Call-ID: a84b4c76e66710@pc33.atlanta.com',
        'CSeq: 314159 CANCEL',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });
});
