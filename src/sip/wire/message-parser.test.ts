/**
 * RFC 3261 §7 and §18.3 — parsing edge cases: limits (513), framing on datagrams vs streams, encodings,
 * and what a refusal keeps so that it can be answered.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18.3
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type MessageParseResult, parseMessage, StreamFramer, statusForParseFailure } from './index.js';

const HEAD = [
  'OPTIONS sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: <sip:bob@example.com>',
  'From: Alice <sip:alice@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 63104 OPTIONS',
];

function message(extra: readonly string[], body = ''): Buffer {
  return Buffer.from(`${[...HEAD, ...extra].join('\r\n')}\r\n\r\n${body}`);
}

function refusal(result: MessageParseResult) {
  assert.equal(result.ok, false);
  if (result.ok) throw new Error('unreachable');
  return result;
}

describe('parseMessage', () => {
  it('parses a plain request and keeps header order', () => {
    const result = parseMessage(message(['Content-Length: 5'], 'hello'), { transport: 'stream' });
    assert.ok(result.ok);
    assert.equal(result.message.body.toString(), 'hello');
    assert.deepEqual(
      result.message.headers.list.map((h) => h.name),
      ['Via', 'Max-Forwards', 'To', 'From', 'Call-ID', 'CSeq', 'Content-Length'],
    );
  });

  it('ignores CRLFs before the start line (§7.5)', () => {
    const bytes = Buffer.concat([Buffer.from('\r\n\r\n'), message(['Content-Length: 0'])]);
    assert.ok(parseMessage(bytes, { transport: 'stream' }).ok);
  });

  it('takes the rest of a datagram as body when Content-Length is absent, but not on streams (§18.3)', () => {
    const datagram = parseMessage(message([], 'abc'), { transport: 'datagram' });
    assert.ok(datagram.ok && datagram.message.body.toString() === 'abc');
    const stream = refusal(parseMessage(message([], 'abc'), { transport: 'stream' }));
    assert.equal(stream.detail, 'missing Content-Length');
    assert.equal(statusForParseFailure(stream), 400);
  });

  it('enforces each limit as a distinct too-large refusal (513), still answerable', () => {
    const cases = [
      { limits: { maxMessageSize: 200 }, limit: 'message-size', bytes: message(['Content-Length: 0']) },
      { limits: { maxHeaderCount: 6 }, limit: 'header-count', bytes: message(['Content-Length: 0']) },
      { limits: { maxBodySize: 4 }, limit: 'body-size', bytes: message(['Content-Length: 5'], 'hello') },
      { limits: { maxBodySize: 4 }, limit: 'body-size', bytes: message([], 'hello') },
    ] as const;
    for (const { limits, limit, bytes } of cases) {
      const failure = refusal(parseMessage(bytes, { transport: 'datagram', limits }));
      assert.equal(failure.reason, 'too-large', limit);
      assert.equal(failure.limit, limit);
      assert.equal(statusForParseFailure(failure), 513);
      assert.equal(failure.canRespond, true, limit);
    }
  });

  it('cannot answer when the header limit cut the message before From/To/Call-ID/CSeq', () => {
    const failure = refusal(
      parseMessage(message(['Content-Length: 0']), { transport: 'datagram', limits: { maxHeaderCount: 2 } }),
    );
    assert.equal(failure.limit, 'header-count');
    assert.equal(failure.canRespond, false);
    assert.equal(failure.partial, undefined);
  });

  it('keeps what is needed for a 400 in `partial`', () => {
    const failure = refusal(parseMessage(message(['Contact: <sip:a@b.com>;;']), { transport: 'datagram' }));
    assert.ok(failure.partial);
    assert.equal(failure.partial.method, 'OPTIONS');
    assert.equal(failure.partial.headers.get('Call-ID'), 'a84b4c76e66710@pc33.example.com');
  });

  it('never offers to answer a response', () => {
    const bytes = Buffer.from(
      `SIP/2.0 200 OK\r\n${HEAD.slice(1).join('\r\n').replace('CSeq: 63104 OPTIONS', 'CSeq: x OPTIONS')}\r\n\r\n`,
    );
    const failure = refusal(parseMessage(bytes, { transport: 'datagram' }));
    assert.equal(failure.canRespond, false);
  });

  const malformed: ReadonlyArray<[string, Buffer]> = [
    [
      'header section that is not UTF-8',
      Buffer.concat([message([]).subarray(0, 40), Buffer.from([0xff, 0xfe]), message([]).subarray(40)]),
    ],
    ['no empty line after the headers', Buffer.from(`${HEAD.join('\r\n')}\r\n`)],
    ['a header line without a colon', message(['Garbage'])],
    ['a header name with a space', message(['Bad Name: x'])],
    ['a bare LF inside a header line', message(['Subject: a\nb'])],
    [
      'a continuation line before any header',
      Buffer.from(`OPTIONS sip:b@example.com SIP/2.0\r\n folded\r\n${HEAD.slice(1).join('\r\n')}\r\n\r\n`),
    ],
    ['a Content-Length of "five"', message(['Content-Length: five'])],
    ['two Max-Forwards', message(['Max-Forwards: 69'])],
    ['a Record-Route without <>', message(['Record-Route: sip:p1.example.com;lr'])],
    [
      'a Request-URI with an unknown character',
      Buffer.from(message([]).toString().replace('sip:bob@', 'sip:b"ob@')),
    ],
    [
      'a lower-case method mismatch',
      Buffer.from(message([]).toString().replace('CSeq: 63104 OPTIONS', 'CSeq: 63104 options')),
    ],
  ];
  for (const [why, bytes] of malformed) {
    it(`refuses ${why} with 400`, () => {
      const failure = refusal(parseMessage(bytes, { transport: 'datagram' }));
      assert.equal(statusForParseFailure(failure), 400);
    });
  }

  it('accepts a missing SP after the status code (liberal, RFC 4475 §3.1.1.13)', () => {
    const bytes = Buffer.from(`SIP/2.0 100\r\n${HEAD.slice(1).join('\r\n')}\r\n\r\n`);
    const result = parseMessage(bytes, { transport: 'datagram' });
    assert.ok(result.ok && result.message.kind === 'response' && result.message.reason === '');
  });

  it('accepts a sips: Request-URI and a tel: one', () => {
    for (const uri of ['sips:bob@example.com', 'tel:+1-201-555-0123']) {
      const bytes = Buffer.from(message([]).toString().replace('sip:bob@example.com', uri));
      const result = parseMessage(bytes, { transport: 'datagram' });
      assert.ok(result.ok && result.message.kind === 'request', uri);
    }
  });
});

describe('robustness (RFC 4475 §1: parsers must not break)', () => {
  it('never throws on mutated torture messages, on datagrams or streams', () => {
    const dir = new URL('./fixtures/rfc4475/', import.meta.url);
    let seed = 4475;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const bytesOfInterest = [0x00, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x3a, 0x3b, 0x3c, 0x3e, 0x5c, 0xff];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.sip'))) {
      const original = readFileSync(new URL(file, dir));
      for (let round = 0; round < 40; round++) {
        const mutated = Buffer.from(original);
        for (let k = 0; k < 3; k++)
          mutated[random(mutated.length)] = bytesOfInterest[random(bytesOfInterest.length)] ?? 0;
        const cut = mutated.subarray(0, random(mutated.length + 1));
        for (const bytes of [mutated, cut]) {
          const result = parseMessage(bytes, { transport: 'datagram' });
          if (!result.ok) assert.equal(result.partial !== undefined, result.canRespond);
          new StreamFramer().push(bytes);
        }
      }
    }
  });
});
