import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Element, el, isXmlError, parseXml } from '../../xml/index.js';
import { NS_CLIENT, NS_STREAM } from './namespaces.js';
import { Rfc6120StreamFraming } from './rfc6120-stream-framing.js';
import { Rfc7395WebSocketFraming } from './rfc7395-websocket-framing.js';
import { streamError } from './stream-errors.js';
import type { StreamFramingHandler } from './xmpp-framing.js';

interface Step {
  readonly client?: string;
  readonly restart?: boolean;
  readonly events?: readonly unknown[];
}
const SESSION = JSON.parse(
  readFileSync(new URL('./fixtures/rfc7395/client-session.json', import.meta.url), 'utf8'),
) as { steps: readonly Step[] };

const OPEN = '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="example.com" version="1.0" />';

function framing() {
  const events: unknown[] = [];
  const handler: StreamFramingHandler = {
    streamOpened: (header) => events.push({ event: 'streamOpened', attrs: { ...header.attrs } }),
    stanzaReceived: (stanza) =>
      events.push({ event: 'stanzaReceived', xml: subject.serializeElement(stanza) }),
    streamClosed: () => events.push({ event: 'streamClosed' }),
    framingFailed: (error) => events.push({ event: 'framingFailed', condition: error.condition }),
  };
  const subject = new Rfc7395WebSocketFraming(handler);
  return { subject, events };
}

describe('RFC 7395 framing: the client side of §3.3–§3.4 (golden)', () => {
  it('reports the golden events for each message', () => {
    const { subject, events } = framing();
    for (const step of SESSION.steps) {
      if (step.restart === true) {
        subject.restart();
        continue;
      }
      const before = events.length;
      subject.receive(step.client ?? '');
      assert.deepEqual(events.slice(before), step.events, step.client);
    }
  });

  it('reads a message given as bytes', () => {
    const { subject, events } = framing();
    subject.receive(Buffer.from(OPEN));
    subject.receive(Buffer.from('<message xmlns="jabber:client"><body>日本語 😀</body></message>'));
    assert.deepEqual(events.at(-1), {
      event: 'stanzaReceived',
      xml: "<message xmlns='jabber:client'><body>日本語 😀</body></message>",
    });
  });
});

describe('RFC 7395 framing: refusals', () => {
  const cases: ReadonlyArray<{ name: string; messages: readonly string[]; condition: string }> = [
    {
      name: 'a stanza before <open/>',
      messages: ['<message xmlns="jabber:client"/>'],
      condition: 'invalid-namespace',
    },
    { name: 'a second <open/> without a restart', messages: [OPEN, OPEN], condition: 'invalid-xml' },
    {
      name: 'an unknown framing element',
      messages: ['<reopen xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>'],
      condition: 'invalid-xml',
    },
    {
      name: 'two elements in one message (§3.3.3)',
      messages: [OPEN, '<presence/><presence/>'],
      condition: 'not-well-formed',
    },
    { name: 'half an element (§3.3.3)', messages: [OPEN, '<message><body>'], condition: 'not-well-formed' },
    { name: 'a comment', messages: [OPEN, '<presence><!-- x --></presence>'], condition: 'restricted-xml' },
    {
      name: 'an entity',
      messages: [OPEN, '<!DOCTYPE m [<!ENTITY x "y">]><message>&x;</message>'],
      condition: 'restricted-xml',
    },
    {
      name: 'an unknown jabber:client element',
      messages: [OPEN, '<foo/>'],
      condition: 'unsupported-stanza-type',
    },
  ];
  for (const { name, messages, condition } of cases) {
    it(`refuses ${name} with ${condition}`, () => {
      const { subject, events } = framing();
      for (const message of messages) subject.receive(message);
      assert.deepEqual(events.at(-1), { event: 'framingFailed', condition });
      const count = events.length;
      subject.receive('<presence/>');
      assert.equal(events.length, count, 'nothing after the failure');
    });
  }

  it('refuses an oversized message with policy-violation', () => {
    const events: string[] = [];
    const subject = new Rfc7395WebSocketFraming(
      {
        streamOpened: () => events.push('open'),
        stanzaReceived: () => events.push('stanza'),
        streamClosed: () => events.push('close'),
        framingFailed: (error) => events.push(error.condition),
      },
      { limits: { maxElementBytes: 256 } },
    );
    subject.receive(OPEN);
    subject.receive(`<message xmlns="jabber:client"><body>${'é'.repeat(120)}</body></message>`);
    assert.deepEqual(events, ['open', 'policy-violation']);
  });
});

describe('RFC 7395 framing: leniency', () => {
  it('ignores blank messages', () => {
    const { subject, events } = framing();
    subject.receive(OPEN);
    subject.receive(' \r\n');
    subject.receive(Buffer.from('\n'));
    subject.receive('<presence xmlns="jabber:client"/>');
    assert.equal(events.length, 2);
  });

  it('reads a stanza without xmlns as jabber:client, as over TCP', () => {
    const { subject, events } = framing();
    subject.receive(OPEN);
    subject.receive('<iq type="get" id="1"><ping xmlns="urn:xmpp:ping"/></iq>');
    assert.deepEqual(events.at(-1), {
      event: 'stanzaReceived',
      xml: "<iq type='get' id='1' xmlns='jabber:client'><ping xmlns='urn:xmpp:ping'/></iq>",
    });
  });

  it('ignores messages after <close/>', () => {
    const { subject, events } = framing();
    subject.receive(OPEN);
    subject.receive('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>');
    subject.receive('<presence/>');
    assert.deepEqual(events.at(-1), { event: 'streamClosed' });
  });
});

describe('RFC 7395 framing: output', () => {
  const { subject } = framing();

  it('opens with <open/> carrying the stream header attributes (§3.3.2)', () => {
    assert.equal(
      subject.openStream({ from: 'example.com', id: '++TR84Sm6A3hnt3Q065SnAbbk3Y=', lang: 'en' }),
      "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.com' id='++TR84Sm6A3hnt3Q065SnAbbk3Y=' version='1.0' xml:lang='en'/>",
    );
  });

  it('closes with <close/>, optionally sending the client elsewhere (§3.6.1)', () => {
    assert.equal(subject.closeStream(), "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    assert.equal(
      subject.redirect('wss://otherendpoint.example/xmpp-bind'),
      "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' see-other-uri='wss://otherendpoint.example/xmpp-bind'/>",
    );
  });

  it('writes each element as a standalone document declaring its namespaces (§3.3.3)', () => {
    const features = el(
      'stream:features',
      el('mechanisms', { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl' }, el('mechanism', 'PLAIN')),
    );
    const cases: ReadonlyArray<[string, string]> = [
      [
        subject.serializeElement(features),
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>",
      ],
      [
        subject.serializeElement(
          el(
            'iq',
            { type: 'result', id: 'bind_1' },
            el(
              'bind',
              { xmlns: 'urn:ietf:params:xml:ns:xmpp-bind' },
              el('jid', 'juliet@example.com/balcony'),
            ),
          ),
        ),
        "<iq type='result' id='bind_1' xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>juliet@example.com/balcony</jid></bind></iq>",
      ],
      [
        subject.serializeElement(streamError('host-unknown')),
        "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
      ],
    ];
    for (const [written, expected] of cases) {
      assert.equal(written, expected);
      const alone = parseXml(written); // no context namespaces: the message must stand on its own
      assert.ok(!isXmlError(alone));
      assert.ok(alone.xmlns === NS_CLIENT || alone.xmlns === NS_STREAM);
    }
  });

  it('writes a stanza parsed from a TCP stream with its namespace declared', () => {
    const received: Element[] = [];
    const tcp = new Rfc6120StreamFraming({
      streamOpened: () => {},
      stanzaReceived: (stanza) => received.push(stanza),
      streamClosed: () => {},
      framingFailed: () => {},
    });
    tcp.receive(
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><message to='a@b'><body>x</body></message>",
    );
    assert.equal(received.length, 1);
    assert.equal(
      subject.serializeElement(received[0] as Element),
      "<message to='a@b' xmlns='jabber:client'><body>x</body></message>",
    );
  });
});
