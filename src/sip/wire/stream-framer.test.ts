/**
 * RFC 3261 §18.3 stream framing and RFC 5626 §4.4.1 CRLF keep-alives, fed in chunks as TCP delivers them.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18.3
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type FramerEvent, StreamFramer } from './index.js';

const wsinv = readFileSync(new URL('./fixtures/rfc4475/wsinv.sip', import.meta.url));
const ncl = readFileSync(new URL('./fixtures/rfc4475/ncl.sip', import.meta.url));
const options = Buffer.from(
  'OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\nMax-Forwards: 70\r\n' +
    'To: <sip:bob@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nl: 4\r\n\r\nbody',
);

function kinds(events: readonly FramerEvent[]): string[] {
  return events.map((e) => (e.kind === 'message' ? (e.result.ok ? 'message' : 'refused') : e.kind));
}

function feed(framer: StreamFramer, bytes: Buffer, chunkSize: number): FramerEvent[] {
  const events: FramerEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize)
    events.push(...framer.push(bytes.subarray(i, i + chunkSize)));
  return events;
}

describe('StreamFramer', () => {
  it('frames back-to-back messages by Content-Length, whatever the chunking', () => {
    const stream = Buffer.concat([wsinv, options, wsinv]);
    for (const size of [1, 7, 64, stream.length]) {
      const framer = new StreamFramer();
      const events = feed(framer, stream, size);
      assert.deepEqual(kinds(events), ['message', 'message', 'message'], `chunks of ${size}`);
      const second = events[1];
      assert.ok(second?.kind === 'message' && second.result.ok);
      assert.equal(second.result.message.body.toString(), 'body');
      assert.equal(framer.bufferedBytes, 0);
    }
  });

  it('holds a partial message until its body is complete', () => {
    const framer = new StreamFramer();
    assert.deepEqual(framer.push(options.subarray(0, options.length - 2)), []);
    assert.deepEqual(kinds(framer.push(options.subarray(options.length - 2))), ['message']);
  });

  it('reports a double-CRLF ping and a single-CRLF pong between messages (RFC 5626 §4.4.1)', () => {
    const framer = new StreamFramer();
    assert.deepEqual(kinds(framer.push(Buffer.from('\r\n\r\n'))), ['ping']);
    assert.deepEqual(kinds(framer.push(Buffer.concat([Buffer.from('\r\n'), options]))), ['pong', 'message']);
    assert.deepEqual(kinds(framer.push(Buffer.from('\r\n\r\n\r\n\r\n'))), ['ping', 'ping']);
  });

  it('still answers a ping split across two reads', () => {
    const framer = new StreamFramer();
    const events = [...framer.push(Buffer.from('\r\n')), ...framer.push(Buffer.from('\r\n'))];
    assert.ok(kinds(events).includes('ping'));
  });

  it('waits when a chunk ends inside a CRLF', () => {
    const framer = new StreamFramer();
    assert.deepEqual(framer.push(Buffer.from('\r')), []);
    assert.deepEqual(kinds(framer.push(Buffer.from('\n\r\n'))), ['ping']);
  });

  it('a refused message does not break the connection', () => {
    const bad = Buffer.from(options.toString().replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'));
    const framer = new StreamFramer();
    assert.deepEqual(kinds(framer.push(Buffer.concat([bad, options]))), ['refused', 'message']);
    assert.equal(framer.isFailed, false);
  });

  const fatal: ReadonlyArray<[string, Buffer, boolean]> = [
    [
      'a missing Content-Length (§18.3 makes it mandatory)',
      Buffer.from(options.toString().replace('l: 4\r\n', '')),
      false,
    ],
    ['a negative Content-Length (RFC 4475 §3.1.2.3 ncl)', ncl, false],
    [
      'conflicting Content-Length values',
      Buffer.from(options.toString().replace('l: 4', 'l: 4\r\nContent-Length: 5')),
      false,
    ],
    ['a body over the limit', Buffer.from(options.toString().replace('l: 4', 'l: 99999')), true],
    ['a header section that never ends', Buffer.alloc(70_000, 0x41), true],
  ];
  for (const [why, bytes, tooLarge] of fatal) {
    it(`fails for good on ${why}`, () => {
      const framer = new StreamFramer();
      const events = framer.push(bytes);
      assert.deepEqual(kinds(events), ['framing-error']);
      assert.ok(events[0]?.kind === 'framing-error' && events[0].tooLarge === tooLarge);
      assert.ok(framer.isFailed);
      assert.deepEqual(framer.push(options), [], 'nothing more comes out of a failed stream');
    });
  }
});
