import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage, type SipMessage, serializeMessage, serializeMessageText } from '../wire/index.js';
import { DatagramArena } from './datagram-arena.js';

function message(body = ''): SipMessage {
  const text = [
    'MESSAGE sip:bob@example.org SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1',
    'Max-Forwards: 70',
    'From: "Zoë" <sip:alice@example.org>;tag=1',
    'To: <sip:bob@example.org>',
    'Call-ID: c1',
    'CSeq: 1 MESSAGE',
    'Content-Type: text/plain',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(text), { transport: 'datagram' });
  assert.ok(parsed.ok);
  return parsed.message;
}

describe('DatagramArena (outgoing UDP bytes without a Buffer each)', () => {
  it('writes the same bytes as serializeMessage, UTF-8 head and body included', () => {
    const arena = new DatagramArena(4096);
    for (const m of [message(), message('héllo wörld')]) {
      const bytes = arena.encode(m);
      assert.deepEqual(bytes, serializeMessage(m));
      arena.sent(bytes);
    }
  });

  it('keeps a message as latin1 text that gives the same bytes back (ASCII or not)', () => {
    for (const m of [message(), message('héllo')]) {
      assert.deepEqual(Buffer.from(serializeMessageText(m), 'latin1'), serializeMessage(m));
    }
  });

  it('reuses its space once every send in flight completed', () => {
    const arena = new DatagramArena(4096);
    const first = arena.encode(message('one'));
    const second = arena.encode(message('two'));
    assert.equal(first.buffer, second.buffer, 'both in the arena');
    assert.equal(second.byteOffset, first.byteOffset + first.length);
    assert.equal(arena.inFlight, 2);
    arena.sent(first);
    const third = arena.encode(message('three'));
    assert.equal(third.byteOffset, second.byteOffset + second.length, 'not reused while one is in flight');
    assert.equal(second.toString().endsWith('two'), true, 'the second is untouched');
    arena.sent(second);
    arena.sent(third);
    assert.equal(arena.inFlight, 0);
    assert.equal(arena.encode(message('four')).byteOffset, first.byteOffset, 'from the start again');
  });

  it('gives a message that does not fit a Buffer of its own, which `sent` ignores', () => {
    const arena = new DatagramArena(600);
    const inside = arena.encode(message('x'.repeat(100)));
    const outside = arena.encode(message('y'.repeat(300)));
    assert.notEqual(outside.buffer, inside.buffer);
    assert.equal(arena.inFlight, 1);
    arena.sent(outside);
    assert.equal(arena.inFlight, 1);
    assert.ok(outside.toString().endsWith('y'.repeat(300)));
    assert.ok(inside.toString().endsWith('x'.repeat(100)));
  });
});
