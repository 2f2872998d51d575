/**
 * RFC 3261 §8.2.6 — building responses: copied headers, the To tag, Timestamp in 100, Content-Length 0,
 * and answering a request that failed to parse.
 * https://www.rfc-editor.org/rfc/rfc3261#section-8.2.6
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  createResponse,
  parseMessage,
  type SipRequest,
  serializeMessage,
  stableToTag,
  statusForParseFailure,
  toHeader,
} from './index.js';

const INVITE = Buffer.from(
  [
    'INVITE sip:bob@biloxi.com SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8, SIP/2.0/UDP p1.example.com;branch=z9hG4bK1',
    'Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bK2',
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.com>',
    'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710',
    'CSeq: 314159 INVITE',
    'Timestamp: 54',
    'Contact: <sip:alice@pc33.atlanta.com>',
    'Content-Type: application/sdp',
    'Content-Length: 4',
    '',
    'v=0\n',
  ].join('\r\n'),
);

function invite(): SipRequest {
  const result = parseMessage(INVITE, { transport: 'datagram' });
  assert.ok(result.ok && result.message.kind === 'request');
  return result.message;
}

describe('createResponse', () => {
  it('copies Via (all values, in order), From, To, Call-ID and CSeq, and nothing else', () => {
    const response = createResponse(invite(), 486);
    assert.equal(response.reason, 'Busy Here');
    assert.deepEqual(
      response.headers.list.map((h) => h.name),
      ['Via', 'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Length'],
    );
    assert.deepEqual(response.headers.getAll('Via'), invite().headers.getAll('Via'));
    assert.equal(response.headers.get('From'), 'Alice <sip:alice@atlanta.com>;tag=1928301774');
    assert.equal(response.headers.get('Content-Length'), '0');
    assert.equal(response.body.length, 0);
  });

  it('adds the UAS tag to a To without one, keeping the URI unchanged (§8.2.6.2)', () => {
    const response = createResponse(invite(), 200, undefined, [], { toTag: 'a6c85cf' });
    assert.equal(response.headers.get('To'), 'Bob <sip:bob@biloxi.com>;tag=a6c85cf');
    assert.equal(toHeader(response).tag, 'a6c85cf');
  });

  it('keeps an existing To tag untouched', () => {
    const request = invite();
    const inDialog = { ...request, headers: request.headers.set('To', '<sip:bob@biloxi.com>;tag=x1') };
    const response = createResponse(inDialog, 200, undefined, [], { toTag: 'other' });
    assert.equal(response.headers.get('To'), '<sip:bob@biloxi.com>;tag=x1');
  });

  it('stableToTag: the same tag for every copy of a request, another for another transaction (§8.2.7)', () => {
    const tag = stableToTag(invite());
    assert.match(tag, /^[0-9a-f]{16}$/);
    assert.equal(stableToTag(invite()), tag, 'a retransmission gets the same tag');
    const request = invite();
    const next = { ...request, headers: request.headers.set('CSeq', '314160 INVITE') };
    assert.notEqual(stableToTag(next), tag);
    const otherBranch = {
      ...request,
      headers: request.headers
        .removeFirstValue('Via')
        .prepend('Via', 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKother'),
    };
    assert.notEqual(stableToTag(otherBranch), tag);
  });

  it('echoes Timestamp only in 100 Trying (§8.2.6.1)', () => {
    assert.equal(createResponse(invite(), 100).headers.get('Timestamp'), '54');
    assert.equal(createResponse(invite(), 180).headers.has('Timestamp'), false);
  });

  it('appends extra headers and a custom reason, and serializes to a parseable response', () => {
    const response = createResponse(invite(), 405, 'Nope', [
      { name: 'Allow', value: 'INVITE, ACK, BYE' },
      { name: 'Content-Length', value: '99' },
    ]);
    assert.equal(response.headers.get('Allow'), 'INVITE, ACK, BYE');
    assert.deepEqual(
      response.headers.getAll('Content-Length'),
      ['0'],
      'callers cannot override Content-Length',
    );
    const wire = serializeMessage(response);
    assert.ok(wire.toString().startsWith('SIP/2.0 405 Nope\r\n'));
    const reparsed = parseMessage(wire, { transport: 'stream' });
    assert.ok(reparsed.ok && reparsed.message.kind === 'response' && reparsed.message.status === 405);
  });

  it('answers a request that failed to parse from its `partial` (RFC 4475 quotbal)', () => {
    const quotbal = readFileSync(new URL('./fixtures/rfc4475/quotbal.sip', import.meta.url));
    const result = parseMessage(quotbal, { transport: 'datagram' });
    assert.ok(!result.ok && result.partial);
    const response = createResponse(
      result.partial,
      statusForParseFailure(result),
      `Bad Request (${result.detail})`,
    );
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('To'), '"Mr. J. User <sip:j.user@example.com>');
    assert.equal(response.headers.get('Call-ID'), 'quotbal.aksdj');
  });

  it('refuses impossible status codes and non-token tags (bugs)', () => {
    assert.throws(() => createResponse(invite(), 99), { code: 'SIP_WIRE_INVALID_MESSAGE' });
    assert.throws(() => createResponse(invite(), 200, undefined, [], { toTag: 'a b' }), {
      code: 'SIP_WIRE_BAD_HEADER',
    });
  });
});
