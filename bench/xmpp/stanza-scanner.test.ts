import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StanzaScanner } from './stanza-scanner.js';

function scan(chunks: readonly string[], onElement?: (xml: string, scanner: StanzaScanner) => void) {
  const events: string[] = [];
  const scanner: StanzaScanner = new StanzaScanner({
    header: (tag) => events.push(`header ${tag}`),
    element: (xml) => {
      events.push(xml);
      onElement?.(xml, scanner);
    },
    closed: () => events.push('closed'),
  });
  for (const chunk of chunks) scanner.push(Buffer.from(chunk, 'utf8'));
  return events;
}

const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' id='s1' version='1.0'>";

describe('StanzaScanner', () => {
  const cases: { name: string; chunks: string[]; events: string[] }[] = [
    {
      name: 'header, one element, close',
      chunks: [`${HEADER}<stream:features><bind/></stream:features></stream:stream>`],
      events: [
        "header <stream:stream xmlns='jabber:client' id='s1' version='1.0'>",
        '<stream:features><bind/></stream:features>',
        'closed',
      ],
    },
    {
      name: 'self-closing first-level element and whitespace keepalives between stanzas',
      chunks: [`${HEADER} <presence from='a@b/c'/>\n <iq id='1' type='result'/>`],
      events: [`header ${HEADER.slice(21)}`, "<presence from='a@b/c'/>", "<iq id='1' type='result'/>"],
    },
    {
      name: "'>' and '/>' inside attribute values and '>' in text do not end anything",
      chunks: [`${HEADER}<message id="a>b/>" to='x'><body>1 > 0 /></body></message>`],
      events: [`header ${HEADER.slice(21)}`, `<message id="a>b/>" to='x'><body>1 > 0 /></body></message>`],
    },
    {
      name: 'split at every byte',
      chunks: [...`${HEADER}<message><body>é</body></message>`],
      events: [`header ${HEADER.slice(21)}`, '<message><body>é</body></message>'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(scan(c.chunks), c.events));

  it('splits a multi-byte character across chunks without damage', () => {
    const bytes = Buffer.from(`${HEADER}<message><body>☃</body></message>`, 'utf8');
    const events: string[] = [];
    const scanner = new StanzaScanner({ header: () => {}, element: (x) => events.push(x), closed: () => {} });
    for (let i = 0; i < bytes.length; i++) scanner.push(bytes.subarray(i, i + 1));
    assert.deepEqual(events, ['<message><body>☃</body></message>']);
  });

  it('after restart() the next start tag is a new stream header (RFC 6120 §6.4.6)', () => {
    const events = scan(
      [
        `${HEADER}<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/><stream:stream id='s2'><stream:features/>`,
      ],
      (xml, scanner) => {
        if (xml.startsWith('<success')) scanner.restart();
      },
    );
    assert.deepEqual(events, [
      `header ${HEADER.slice(21)}`,
      "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
      "header <stream:stream id='s2'>",
      '<stream:features/>',
    ]);
  });
});
