import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Element } from './element.js';
import {
  parseXml,
  SafeXmlParser,
  XmlDocumentParser,
  type XmlParserOptions,
  type XmlStreamHandler,
} from './safe-xml-parser.js';
import { serialize } from './serialize.js';
import { isXmlError } from './xml-error.js';

const STREAM_NS = { '': 'jabber:client', stream: 'http://etherx.jabber.org/streams' };

/** Records events as short strings; `onElement` lets a test act from inside a callback. */
function recorder(
  options: XmlParserOptions = {},
  onElement?: (element: Element, parser: SafeXmlParser) => void,
) {
  const events: string[] = [];
  const handler: XmlStreamHandler = {
    rootOpened: (root) => events.push(`open ${root.name} ${root.xmlns}`),
    elementParsed: (element) => {
      events.push(`element ${serialize(element, { declared: STREAM_NS })}`);
      onElement?.(element, parser);
    },
    rootClosed: () => events.push('close'),
    rootText: (text) => events.push(`text ${text}`),
    failed: (error) => events.push(`failed ${error.condition}`),
  };
  const parser = new SafeXmlParser(handler, options);
  return { parser, events };
}

const HEADER = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>`;
const STREAM = `${HEADER}<message to='juliet@example.com'><body>h\u00e9llo \u65e5\u672c \u{1F600} &amp; &#x41;</body></message>\n  <presence/><iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq></stream:stream>`;
const EXPECTED = [
  'open stream:stream http://etherx.jabber.org/streams',
  "element <message to='juliet@example.com'><body>h\u00e9llo \u65e5\u672c \u{1F600} &amp; A</body></message>",
  'element <presence/>',
  "element <iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq>",
  'close',
];

describe('SafeXmlParser: chunking', () => {
  it('gives the same events in one chunk, as strings, and as bytes', () => {
    const whole = recorder();
    whole.parser.write(Buffer.from(STREAM));
    assert.deepEqual(whole.events, EXPECTED);
    const text = recorder();
    text.parser.write(STREAM);
    assert.deepEqual(text.events, EXPECTED);
  });

  it('gives the same events split at every byte, including inside multi-byte characters', () => {
    const bytes = Buffer.from(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { parser, events } = recorder();
      parser.write(bytes.subarray(0, cut));
      parser.write(bytes.subarray(cut));
      assert.deepEqual(events, EXPECTED, `split at byte ${cut}`);
    }
  });

  it('gives the same events fed one byte at a time', () => {
    const { parser, events } = recorder();
    for (const byte of Buffer.from(STREAM)) parser.write(Uint8Array.of(byte));
    assert.deepEqual(events, EXPECTED);
  });

  it('reports an element only once its end tag is seen', () => {
    const { parser, events } = recorder();
    parser.write(`${HEADER}<message><body>hi</body>`);
    assert.deepEqual(events, ['open stream:stream http://etherx.jabber.org/streams']);
    parser.write('</message>');
    assert.equal(events.length, 2);
  });

  it('reads a stanza longer than one internal piece (16 Ki characters)', () => {
    const body = 'x'.repeat(50_000);
    const { parser, events } = recorder();
    parser.write(`${HEADER}<message><body>${body}</body></message>`);
    assert.equal(events[1], `element <message><body>${body}</body></message>`);
  });
});

describe('SafeXmlParser: refusals', () => {
  const cases: ReadonlyArray<{ name: string; input: string; failure: string; options?: XmlParserOptions }> = [
    {
      name: 'a DOCTYPE before the stream',
      input: '<!DOCTYPE x [<!ENTITY a "b">]><x/>',
      failure: 'restricted-xml',
    },
    { name: 'a comment between stanzas', input: `${HEADER}<presence/><!-- x -->`, failure: 'restricted-xml' },
    { name: 'a processing instruction', input: `${HEADER}<?foo bar?>`, failure: 'restricted-xml' },
    {
      name: 'an undefined entity',
      input: `${HEADER}<message><body>&foo;</body></message>`,
      failure: 'restricted-xml',
    },
    { name: 'a mismatched end tag', input: `${HEADER}<message></presence>`, failure: 'not-well-formed' },
    {
      name: 'a non-UTF-8 declaration',
      input: "<?xml version='1.0' encoding='UTF-16'?><x/>",
      failure: 'unsupported-encoding',
    },
    {
      name: 'nesting deeper than the limit',
      input: `${HEADER}<a><b><c><d>`,
      failure: 'policy-violation',
      options: { limits: { maxDepth: 4 } },
    },
    {
      name: 'more attributes than the limit',
      input: `${HEADER}<a x='1' y='2' z='3'/>`,
      failure: 'policy-violation',
      options: { limits: { maxAttributes: 2 } },
    },
  ];
  for (const { name, input, failure, options } of cases) {
    it(`refuses ${name}`, () => {
      const { parser, events } = recorder(options);
      parser.write(input);
      assert.equal(events.at(-1), `failed ${failure}`);
      assert.equal(parser.isFailed, true);
    });
  }

  it('does not report the element whose end tag did not match', () => {
    const { parser, events } = recorder();
    parser.write(`${HEADER}<message></iq>`);
    assert.deepEqual(events.slice(1), ['failed not-well-formed']);
  });

  it('does not report the stream closed by an end tag that does not match it', () => {
    const { parser, events } = recorder();
    parser.write(`${HEADER}<presence/></stream:wrong>`);
    assert.deepEqual(events.slice(1), ['element <presence/>', 'failed not-well-formed']);
  });

  it('stays failed: later input reports nothing', () => {
    const { parser, events } = recorder();
    parser.write(`${HEADER}<!-- no -->`);
    const count = events.length;
    parser.write('<presence/>');
    parser.write(Buffer.from('</stream:stream>'));
    assert.equal(events.length, count);
  });

  it('stops at the failure, dropping the rest of the chunk', () => {
    const { parser, events } = recorder();
    parser.write(`${HEADER}<presence/><!-- x --><presence/><message/>`);
    assert.deepEqual(events.slice(1), ['element <presence/>', 'failed restricted-xml']);
  });

  it('refuses broken UTF-8 as unsupported-encoding', () => {
    const { parser, events } = recorder();
    parser.write(Buffer.concat([Buffer.from(`${HEADER}<message><body>`), Buffer.from([0xff, 0xfe])]));
    assert.equal(events.at(-1), 'failed unsupported-encoding');
  });

  it('reports non-whitespace text between stanzas, but not whitespace', () => {
    const { parser, events } = recorder();
    parser.write(`${HEADER} \n\t <presence/>oops<presence/>`);
    assert.deepEqual(events.slice(1), ['element <presence/>', 'text oops', 'element <presence/>']);
  });
});

describe('SafeXmlParser: size limit in bytes', () => {
  const open = HEADER;
  // The header (135 bytes) fits; so the tests below measure the stanza.
  const limits: XmlParserOptions = { limits: { maxElementBytes: 200 } };
  const stanzaOf = (bytes: number): string => `<message><body>${'a'.repeat(bytes - 32)}</body></message>`;

  it('accepts a stanza of exactly the limit and refuses one byte more', () => {
    // 32 bytes of tags + 84 × 2 bytes of "é" = 200 bytes.
    const exact = `<message><body>${'é'.repeat(84)}</body></message>`;
    assert.equal(Buffer.byteLength(exact), 200);
    const accepted = recorder({ limits: { maxElementBytes: 200 } });
    accepted.parser.write(HEADER);
    accepted.parser.write(exact);
    assert.equal(accepted.events.length, 2);
    const refused = recorder({ limits: { maxElementBytes: 200 } });
    refused.parser.write(HEADER);
    refused.parser.write(exact.replace('</body>', 'a</body>'));
    assert.equal(refused.events.at(-1), 'failed policy-violation');
  });

  it('counts multi-byte characters as bytes, not characters', () => {
    const { parser, events } = recorder(limits);
    parser.write(open);
    parser.write(`<message><body>${'日'.repeat(60)}</body></message>`); // 92 characters, 212 bytes
    assert.deepEqual(events, [EXPECTED[0], 'failed policy-violation']);
  });

  it('refuses a stanza that never ends, before it ends', () => {
    const { parser, events } = recorder({ limits: { maxElementBytes: 1000 } });
    parser.write(`${open}<message><body>`);
    for (let i = 0; i < 20 && !parser.isFailed; i++) parser.write('x'.repeat(100));
    assert.equal(events.at(-1), 'failed policy-violation');
  });

  it('does not count whitespace keepalives towards the next stanza', () => {
    const { parser, events } = recorder(limits);
    parser.write(open);
    for (let i = 0; i < 500; i++) parser.write(i % 2 === 0 ? ' ' : '\n');
    parser.write(stanzaOf(190));
    assert.deepEqual(events, [EXPECTED[0], `element ${stanzaOf(190)}`]);
  });

  it('bounds the stream header too', () => {
    const { parser, events } = recorder(limits);
    parser.write(`<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='${'x'.repeat(300)}'>`);
    assert.deepEqual(events, ['failed policy-violation']);
  });

  it('bounds a whole document in parseXml', () => {
    const result = parseXml(`<a>${'b'.repeat(300)}</a>`, limits);
    assert.equal(isXmlError(result) && result.condition, 'policy-violation');
  });
});

describe('SafeXmlParser: reset and stop', () => {
  it('parses a new stream after reset, as after STARTTLS or SASL (RFC 6120 §4.3.3)', () => {
    const { parser, events } = recorder();
    parser.write(`${HEADER}<presence/>`);
    parser.reset();
    parser.write(`${HEADER}<iq type='get' id='2'/>`);
    assert.deepEqual(events, [
      EXPECTED[0],
      'element <presence/>',
      EXPECTED[0],
      "element <iq type='get' id='2'/>",
    ]);
  });

  it('recovers from a failure after reset', () => {
    const { parser, events } = recorder();
    parser.write(`${HEADER}<!-- x -->`);
    parser.reset();
    parser.write(`${HEADER}<presence/>`);
    assert.deepEqual(events.slice(-2), [EXPECTED[0], 'element <presence/>']);
  });

  it('drops the rest of the chunk when reset from a callback', () => {
    const { parser, events } = recorder({}, (element, p) => {
      if (element.name === 'starttls') p.reset();
    });
    parser.write(
      `${HEADER}<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><message><body>injected</body></message>`,
    );
    assert.deepEqual(events.slice(1), ["element <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"]);
    parser.write(`${HEADER}<presence/>`);
    assert.deepEqual(events.slice(2), [EXPECTED[0], 'element <presence/>']);
  });

  it('ignores input after stop, without reporting a failure', () => {
    const { parser, events } = recorder({}, (_element, p) => p.stop());
    parser.write(`${HEADER}<presence/><presence/>`);
    parser.write('<presence/>');
    assert.deepEqual(events.slice(1), ['element <presence/>']);
  });

  it('refuses a write from inside its own callback', () => {
    const { parser } = recorder({}, (_element, p) => p.write('<message/>'));
    assert.throws(() => parser.write(`${HEADER}<presence/>`), /XML_REENTRANT_WRITE/);
  });
});

describe('parseXml', () => {
  it('returns the root with its namespace and text', () => {
    const result = parseXml("<body xmlns='urn:x'>a &lt; b</body>");
    assert.ok(!isXmlError(result));
    assert.equal(result.xmlns, 'urn:x');
    assert.equal(result.text(), 'a < b');
  });

  it('resolves against context namespaces', () => {
    const result = parseXml('<stream:error><x/></stream:error>', { namespaces: STREAM_NS });
    assert.ok(!isXmlError(result));
    assert.equal(result.xmlns, STREAM_NS.stream);
    assert.equal(result.elements()[0]?.xmlns, 'jabber:client');
  });

  it('refuses text after the root', () => {
    const result = parseXml('<a/>trailing');
    assert.equal(isXmlError(result) && result.condition, 'not-well-formed');
  });

  it('refuses a UTF-8 sequence cut at the end', () => {
    const result = parseXml(Buffer.from('<a>é</a>').subarray(0, 4));
    assert.equal(isXmlError(result) && result.condition, 'unsupported-encoding');
  });
});

describe('XmlDocumentParser', () => {
  it('parses documents one after another with the same restrictions, after successes and refusals', () => {
    const parser = new XmlDocumentParser();
    const inputs = [
      '<a/>',
      '<b>&nbsp;</b>',
      '<c>&amp;</c>',
      '<d><e></d>',
      '<f/>',
      '<g>&x;</g>',
      '<h><!-- x --></h>',
      '<i>ok</i>',
    ];
    const outcomes = inputs.map((input) => {
      const result = parser.parse(input);
      return isXmlError(result) ? result.condition : `${result.name}:${result.text()}`;
    });
    assert.deepEqual(outcomes, [
      'a:',
      'restricted-xml',
      'c:&',
      'not-well-formed',
      'f:',
      'restricted-xml',
      'restricted-xml',
      'i:ok',
    ]);
  });

  it('applies its limits to every document', () => {
    const parser = new XmlDocumentParser({ limits: { maxElementBytes: 10 } });
    assert.equal(isXmlError(parser.parse('<a>1</a>')), false);
    assert.equal(isXmlError(parser.parse('<a>12345678</a>')), true);
    assert.equal(isXmlError(parser.parse('<b/>')), false);
  });
});
