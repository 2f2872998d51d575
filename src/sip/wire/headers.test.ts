/**
 * RFC 3261 §7.3 and §20 — header containers and the typed header grammars, as tables.
 * https://www.rfc-editor.org/rfc/rfc3261#section-20
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKnownHeader } from './header-names.js';
import {
  canonicalHeaderName,
  contactQ,
  formatNameAddr,
  formatVia,
  parseAddressHeader,
  parseContacts,
  parseCSeq,
  parseDeltaSeconds,
  parseMaxForwards,
  parseNameAddr,
  parseParams,
  parseRouteSet,
  parseVia,
  SipHeaders,
  splitCommaList,
} from './index.js';

describe('header names', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['i', 'Call-ID'],
    ['m', 'Contact'],
    ['e', 'Content-Encoding'],
    ['l', 'Content-Length'],
    ['c', 'Content-Type'],
    ['f', 'From'],
    ['s', 'Subject'],
    ['k', 'Supported'],
    ['t', 'To'],
    ['v', 'Via'],
    ['o', 'Event'],
    ['u', 'Allow-Events'],
    ['r', 'Refer-To'],
    ['b', 'Referred-By'],
    ['x', 'Session-Expires'],
    ['y', 'Identity'],
    ['CALL-ID', 'Call-ID'],
    ['cseq', 'CSeq'],
    ['www-authenticate', 'WWW-Authenticate'],
    ['sip-etag', 'SIP-ETag'],
    ['Sip-If-Match', 'SIP-If-Match'],
    ['X-Custom', 'X-Custom'],
  ];
  for (const [received, canonical] of cases) {
    it(`${received} → ${canonical}`, () => assert.equal(canonicalHeaderName(received), canonical));
  }
});

describe('SipHeaders', () => {
  const headers = new SipHeaders([
    { name: 'v', value: 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com' },
    { name: 'To', value: '"Doe, John" <sip:j@example.com>' },
    { name: 'VIA', value: 'SIP/2.0/UDP c.example.com' },
    { name: 'm', value: '"A, B" <sip:a@x.com;p=1,2>, <sip:b@y.com>;q=0.5' },
    { name: 'WWW-Authenticate', value: 'Digest realm="a,b", nonce="n"' },
  ]);

  it('looks up case-insensitively under canonical names, keeping order and multiplicity', () => {
    assert.deepEqual(headers.getAll('via').length, 2);
    assert.equal(headers.list[0]?.name, 'Via');
    assert.equal(headers.get('TO'), '"Doe, John" <sip:j@example.com>');
  });

  it('splits list headers, but never inside quotes or <…>', () => {
    assert.deepEqual(headers.values('Via'), [
      'SIP/2.0/UDP a.example.com;branch=z9hG4bK1',
      'SIP/2.0/TCP b.example.com',
      'SIP/2.0/UDP c.example.com',
    ]);
    assert.deepEqual(headers.values('Contact'), ['"A, B" <sip:a@x.com;p=1,2>', '<sip:b@y.com>;q=0.5']);
    assert.deepEqual(headers.values('To'), ['"Doe, John" <sip:j@example.com>'], 'To is not a list header');
    assert.equal(headers.values('WWW-Authenticate').length, 1, 'commas separate auth-params');
    assert.deepEqual(splitCommaList('"a\\", b", c'), ['"a\\", b"', 'c']);
  });

  it('changes return new instances: prepend, set, remove, removeFirstValue', () => {
    const top = headers.prepend('Via', 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp');
    assert.equal(top.values('Via')[0], 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp');
    assert.equal(headers.values('Via').length, 3, 'the original is unchanged');
    assert.deepEqual(top.removeFirstValue('Via').values('Via'), headers.values('Via'));
    assert.deepEqual(headers.removeFirstValue('Via').values('Via'), [
      'SIP/2.0/TCP b.example.com',
      'SIP/2.0/UDP c.example.com',
    ]);
    const set = headers.set('via', 'SIP/2.0/UDP only.example.com');
    assert.deepEqual(set.getAll('Via'), ['SIP/2.0/UDP only.example.com']);
    assert.equal(set.list[0]?.name, 'Via', 'set keeps the first position');
    assert.equal(headers.remove('Contact').has('m'), false);
  });

  it('refuses header injection (a bug: thrown with a stable code)', () => {
    assert.throws(() => headers.append('Subject', 'hi\r\nVia: evil'), { code: 'SIP_WIRE_BAD_HEADER' });
    assert.throws(() => headers.append('Bad Name', 'x'), { code: 'SIP_WIRE_BAD_HEADER' });
  });
});

describe('parseParams', () => {
  const cases: ReadonlyArray<[string, unknown]> = [
    ['', []],
    [';tag=abc', [{ name: 'tag', value: 'abc' }]],
    [' ; tag = abc ; lr', [{ name: 'tag', value: 'abc' }, { name: 'lr' }]],
    [';x="a;b,c"', [{ name: 'x', value: '"a;b,c"' }]],
    [';received=[2001:db8::1]', [{ name: 'received', value: '[2001:db8::1]' }]],
  ];
  for (const [text, expected] of cases) {
    it(`"${text}"`, () => assert.deepEqual(parseParams(text), { ok: true, value: expected }));
  }
  for (const bad of [';', ';;', ';a=', ';a="x', 'x;a', ';a=b c']) {
    it(`refuses "${bad}"`, () => assert.equal(parseParams(bad).ok, false));
  }
});

describe('name-addr and addr-spec', () => {
  const cases: ReadonlyArray<[string, { displayName?: string; uri: string; params: unknown }]> = [
    [
      '"Bob" <sip:bob@biloxi.com>;tag=a6c85cf',
      { displayName: 'Bob', uri: 'bob', params: [{ name: 'tag', value: 'a6c85cf' }] },
    ],
    ['Bob Smith <sip:bob@biloxi.com>', { displayName: 'Bob Smith', uri: 'bob', params: [] }],
    ['sip:bob@biloxi.com;tag=1', { uri: 'bob', params: [{ name: 'tag', value: '1' }] }],
    [
      '<sip:bob@biloxi.com;transport=tcp>;expires=60',
      { uri: 'bob', params: [{ name: 'expires', value: '60' }] },
    ],
    [
      '"\\"quoted\\" \\\\ name" <sip:bob@biloxi.com>',
      { displayName: '"quoted" \\ name', uri: 'bob', params: [] },
    ],
    ['"" <sip:bob@biloxi.com>', { displayName: '', uri: 'bob', params: [] }],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${text}`, () => {
      const result = parseNameAddr(text, { allowAddrSpec: true });
      assert.ok(result.ok, result.ok ? '' : result.error);
      assert.equal(result.value.displayName, expected.displayName);
      assert.ok(result.value.uri.kind === 'sip' && result.value.uri.user === expected.uri);
      assert.deepEqual(result.value.params, expected.params);
    });
  }

  const bad: ReadonlyArray<[string, string]> = [
    ['"Mr. J. User <sip:j.user@example.com>', 'unterminated quote'],
    ['Watson, Thomas <sip:t.watson@example.org>', 'unquoted comma in display name'],
    ['< sip:t.watson@example.org >', 'spaces inside brackets'],
    ['sip:user@example.com?Route=%3Csip:x%3E', 'headers in addr-spec form'],
    ['<sip:bob@biloxi.com', 'missing >'],
    ['<sip:bob@biloxi.com>;;', 'empty parameter'],
  ];
  for (const [text, why] of bad) {
    it(`refuses ${text} (${why})`, () =>
      assert.equal(parseNameAddr(text, { allowAddrSpec: true }).ok, false));
  }

  it('Route and Record-Route need the name-addr form', () => {
    assert.equal(parseRouteSet(['sip:p1.example.com;lr']).ok, false);
    assert.equal(parseRouteSet(['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']).ok, true);
  });

  it('formats with brackets and quotes only when needed', () => {
    const parsed = parseNameAddr('"Doe, John" <sip:j@example.com>;tag=x', { allowAddrSpec: true });
    assert.ok(parsed.ok);
    assert.equal(formatNameAddr(parsed.value), '"Doe, John" <sip:j@example.com>;tag=x');
    const plain = parseNameAddr('sip:j@example.com;tag=x', { allowAddrSpec: true });
    assert.ok(plain.ok);
    assert.equal(formatNameAddr(plain.value), '<sip:j@example.com>;tag=x');
  });

  it('From/To expose the tag and refuse an empty one', () => {
    const from = parseAddressHeader('<sip:a@b.com>;TAG=xyz');
    assert.ok(from.ok && from.value.tag === 'xyz');
    assert.equal(parseAddressHeader('<sip:a@b.com>;tag=').ok, false);
  });
});

describe('Contact', () => {
  it('"*" alone is the wildcard; mixed with addresses it is refused', () => {
    assert.deepEqual(parseContacts(['*']), { ok: true, value: { kind: 'wildcard' } });
    assert.equal(parseContacts(['*', '<sip:a@b.com>']).ok, false);
  });

  it('reads q values by the qvalue grammar', () => {
    const table: ReadonlyArray<[string, number | 'bad' | undefined]> = [
      ['<sip:a@b.com>;q=0.7', 0.7],
      ['<sip:a@b.com>;q=1', 1],
      ['<sip:a@b.com>;q=1.000', 1],
      ['<sip:a@b.com>;q=1.5', 'bad'],
      ['<sip:a@b.com>;q=0.1234', 'bad'],
      ['<sip:a@b.com>', undefined],
    ];
    for (const [text, expected] of table) {
      const contact = parseContacts([text]);
      assert.ok(contact.ok && contact.value.kind === 'addresses' && contact.value.contacts[0]);
      const q = contactQ(contact.value.contacts[0]);
      assert.deepEqual(q === undefined ? undefined : q.ok ? q.value : 'bad', expected, text);
    }
  });
});

describe('Via', () => {
  it('parses sent-protocol, sent-by and the known parameters', () => {
    const via = parseVia(
      'SIP / 2.0 / udp [2001:db8::1] : 5070 ;branch=z9hG4bKx;received=192.0.2.9;rport=5071;ttl=16',
    );
    assert.ok(via.ok, via.ok ? '' : via.error);
    assert.equal(via.value.transport, 'UDP');
    assert.equal(via.value.host, '[2001:db8::1]');
    assert.equal(via.value.port, 5070);
    assert.equal(via.value.branch, 'z9hG4bKx');
    assert.equal(via.value.received, '192.0.2.9');
    assert.equal(via.value.rport, 5071);
    assert.equal(
      formatVia(via.value),
      'SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bKx;received=192.0.2.9;rport=5071;ttl=16',
    );
  });

  it('distinguishes an empty rport (RFC 3581 request) from a filled one', () => {
    const via = parseVia('SIP/2.0/UDP h.example.com;rport;branch=z9hG4bK1');
    assert.ok(via.ok && via.value.rport === true);
  });

  const bad: ReadonlyArray<[string, string]> = [
    ['SIP/2.0/UDP 192.0.2.15;;', 'empty parameter (RFC 4475 badinv01)'],
    ['SIP/2.0 h.example.com', 'no transport'],
    ['SIP/2.0/UDP', 'no sent-by'],
    ['SIP/2.0/UDP h.example.com:70000', 'port out of range'],
    ['SIP/2.0/UDP h.example.com;received=h.example.com', 'received is not an address'],
    ['SIP/2.0/UDP h.example.com;rport=x', 'rport not a number'],
    ['SIP/2.0/UDP h.example.com;ttl=256', 'ttl out of range'],
    ['SIP/2.0/UDP h.example.com;branch="z9hG4bK"', 'quoted branch'],
  ];
  for (const [text, why] of bad) {
    it(`refuses ${text} (${why})`, () => assert.equal(parseVia(text).ok, false));
  }
});

describe('scalar headers', () => {
  it('CSeq: number up to 2**32-1 and a method token', () => {
    assert.deepEqual(parseCSeq('4294967295 INVITE'), {
      ok: true,
      value: { seq: 4294967295, method: 'INVITE' },
    });
    assert.equal(parseCSeq('4294967296 INVITE').ok, false);
    assert.equal(parseCSeq('1').ok, false);
    assert.equal(parseCSeq('-1 INVITE').ok, false);
    assert.equal(parseCSeq('1 INVITE extra').ok, false);
  });

  it('Max-Forwards: 0-255', () => {
    assert.deepEqual(parseMaxForwards('0070'), { ok: true, value: 70 });
    assert.equal(parseMaxForwards('256').ok, false);
    assert.equal(parseMaxForwards('').ok, false);
  });

  it('delta-seconds: up to 2**32-1, leading zeros allowed', () => {
    assert.deepEqual(parseDeltaSeconds('0000003600'), { ok: true, value: 3600 });
    assert.deepEqual(parseDeltaSeconds('4294967295'), { ok: true, value: 4294967295 });
    assert.equal(parseDeltaSeconds('4294967296').ok, false);
    assert.equal(parseDeltaSeconds('1e3').ok, false);
  });
});

describe('header names looked up by spelling (canonicalHeaderName, SipHeaders matching)', () => {
  it('canonicalises any spelling of a known header and compact forms, and keeps unknown names', () => {
    assert.equal(canonicalHeaderName('VIA'), 'Via');
    assert.equal(canonicalHeaderName('via'), 'Via');
    assert.equal(canonicalHeaderName('VIA'), 'Via', 'again, from the spellings seen');
    assert.equal(canonicalHeaderName('L'), 'Content-Length');
    assert.equal(canonicalHeaderName('call-id'), 'Call-ID');
    assert.equal(canonicalHeaderName('X-Custom'), 'X-Custom');
    assert.equal(isKnownHeader('Via'), true);
    assert.equal(isKnownHeader('X-Custom'), false);
  });

  it('finds known and unknown headers in any case, and answers values() the same each time', () => {
    const headers = new SipHeaders([
      { name: 'v', value: 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2' },
      { name: 'x-custom', value: 'one' },
      { name: 'X-CUSTOM', value: 'two' },
    ]);
    assert.deepEqual(headers.getAll('X-Custom'), ['one', 'two']);
    assert.equal(headers.get('VIA'), 'SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2');
    const vias = headers.values('Via');
    assert.equal(vias.length, 2);
    assert.equal(headers.values('Via'), vias, 'kept once split');
    const changed = headers.prepend('Via', 'SIP/2.0/UDP c;branch=z9hG4bK3');
    assert.equal(changed.values('Via').length, 3, 'a changed copy splits its own');
    assert.throws(() => headers.append('Bad Name', 'x'), /bad name/);
  });
});
