/**
 * RFC 3428 MESSAGE as Herald reads it: the text/plain body (UTF-8 only, 413/415/400 otherwise)
 * and the original kept for the compliance archive, without the digest credentials (RFC 3261 §22.3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage, type SipRequest } from '../wire/index.js';
import { originalOf, readBody } from './rfc3428-message.js';

function request(body: Buffer, contentType = 'text/plain;charset=UTF-8'): SipRequest {
  const head = [
    'MESSAGE sip:alice@example.com SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1',
    'From: <sip:bob@example.com>;tag=b1',
    'To: <sip:alice@example.com>',
    'Call-ID: c1@192.0.2.1',
    'CSeq: 2 MESSAGE',
    'Max-Forwards: 70',
    'Proxy-Authorization: Digest username="bob", realm="example.com", nonce="n", uri="sip:alice@example.com", response="0123456789abcdef0123456789abcdef"',
    'Authorization: Digest username="bob", realm="example.com", nonce="n", uri="sip:alice@example.com", response="0123456789abcdef0123456789abcdef"',
    `Content-Type: ${contentType}`,
    `Content-Length: ${body.length}`,
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.concat([Buffer.from(head), body]), { transport: 'datagram' });
  assert.ok(parsed.ok && parsed.message.kind === 'request');
  return parsed.message;
}

describe('RFC 3428 MESSAGE bodies and originals', () => {
  it('keeps the original without credentials, its UTF-8 body intact', () => {
    const text = 'Grüße, ☃ — 你好';
    const original = originalOf(request(Buffer.from(text, 'utf8')));
    assert.ok(original.startsWith('MESSAGE sip:alice@example.com SIP/2.0\r\n'));
    assert.doesNotMatch(original, /Authorization/i);
    assert.match(original, /\r\nCSeq: 2 MESSAGE\r\n/);
    assert.ok(original.endsWith(`\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`));
  });

  it('reads a UTF-8 text body, and refuses other types, bad bytes and bodies over the limit', () => {
    const ok = readBody({ request: request(Buffer.from('héllo', 'utf8')) }, 100);
    assert.deepEqual(ok, { ok: true, text: 'héllo' });
    // One decoder serves every message: a refused body leaves nothing behind for the next.
    const bad = readBody({ request: request(Buffer.from([0x68, 0xc3])) }, 100);
    assert.deepEqual(bad, { ok: false, status: 400, reason: 'Body Is Not UTF-8' });
    assert.deepEqual(readBody({ request: request(Buffer.from('again', 'utf8')) }, 100), {
      ok: true,
      text: 'again',
    });
    assert.equal(readBody({ request: request(Buffer.from('x'), 'text/html') }, 100).ok, false);
    assert.deepEqual(readBody({ request: request(Buffer.from('too long')) }, 3), {
      ok: false,
      status: 413,
      reason: 'Request Entity Too Large',
    });
  });
});
