/**
 * RFC 3261 §7 — parse → serialize → parse gives the same message, for every RFC 4475 message that parses;
 * the serializer writes canonical header names and a Content-Length that matches the body.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatUri, parseMessage, SipHeaders, type SipMessage, serializeMessage } from './index.js';

const dir = new URL('./fixtures/rfc4475/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.sip'));

function parse(bytes: Buffer): SipMessage {
  const result = parseMessage(bytes, { transport: 'datagram' });
  assert.ok(result.ok, result.ok ? '' : result.detail);
  return result.message;
}

function comparable(m: SipMessage) {
  const start = m.kind === 'request' ? [m.method, formatUri(m.uri)] : [m.status, m.reason];
  // The serializer adds Content-Length where it was missing (inv2543), so it is checked on its own.
  return { start, headers: m.headers.remove('Content-Length').list, body: m.body.toString('hex') };
}

describe('round trip of the RFC 4475 messages', () => {
  const parseable = names.filter(
    (f) => parseMessage(readFileSync(new URL(f, dir)), { transport: 'datagram' }).ok,
  );

  it('covers every valid message of §3.1.1 and the accepted ones of §3.2–3.4', () => {
    assert.equal(parseable.length, 28);
  });

  for (const file of parseable) {
    it(file, () => {
      const first = parse(readFileSync(new URL(file, dir)));
      const wire = serializeMessage(first);
      const second = parse(wire);
      assert.deepEqual(comparable(second), comparable(first));
      assert.equal(second.headers.get('Content-Length'), String(first.body.length));
      assert.ok(serializeMessage(second).equals(wire), 'serializing is idempotent');
      // Reparsing as a stream works too: the serializer always writes Content-Length.
      assert.ok(parseMessage(wire, { transport: 'stream' }).ok);
    });
  }
});

describe('serializeMessage', () => {
  it('writes canonical names for compact and oddly-cased ones', () => {
    const text = serializeMessage(parse(readFileSync(new URL('wsinv.sip', dir)))).toString('latin1');
    const names = text
      .split('\r\n\r\n')[0]
      ?.split('\r\n')
      .slice(1)
      .map((l) => l.slice(0, l.indexOf(':')));
    assert.deepEqual(names, [
      'To',
      'From',
      'Max-Forwards',
      'Call-ID',
      'Content-Length',
      'CSeq',
      'Via',
      'Subject',
      'NewFangledHeader',
      'UnknownHeaderWithUnusualValue',
      'Content-Type',
      'Route',
      'Via',
      'Contact',
    ]);
  });

  it('sets Content-Length to the body length, replacing a stale value in place', () => {
    const message: SipMessage = {
      kind: 'request',
      method: 'MESSAGE',
      uri: { kind: 'sip', scheme: 'sip', user: 'bob', host: 'example.com', params: [], headers: [] },
      headers: new SipHeaders([
        { name: 'l', value: '999' },
        { name: 'Via', value: 'SIP/2.0/UDP h.example.com;branch=z9hG4bK1' },
      ]),
      body: Buffer.from('héllo'),
    };
    const text = serializeMessage(message).toString('utf8');
    assert.equal(
      text,
      'MESSAGE sip:bob@example.com SIP/2.0\r\nContent-Length: 6\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n\r\nhéllo',
    );
  });

  it('adds Content-Length when absent and keeps binary bodies intact', () => {
    const body = Buffer.from([0, 255, 13, 10, 13, 10, 1]);
    const message: SipMessage = {
      kind: 'response',
      status: 200,
      reason: 'OK',
      headers: new SipHeaders(),
      body,
    };
    const wire = serializeMessage(message);
    assert.ok(wire.subarray(wire.length - body.length).equals(body));
    assert.ok(wire.toString('latin1').startsWith('SIP/2.0 200 OK\r\nContent-Length: 7\r\n\r\n'));
  });

  it('refuses to write a status code outside 100-699 (a bug, thrown with a code)', () => {
    const message: SipMessage = {
      kind: 'response',
      status: 42,
      reason: 'x',
      headers: new SipHeaders(),
      body: Buffer.alloc(0),
    };
    assert.throws(() => serializeMessage(message), { code: 'SIP_WIRE_INVALID_MESSAGE' });
  });
});
