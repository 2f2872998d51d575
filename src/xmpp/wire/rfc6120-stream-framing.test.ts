import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { el } from '../../xml/index.js';
import { type Rfc6120FramingOptions, Rfc6120StreamFraming } from './rfc6120-stream-framing.js';
import { streamError } from './stream-errors.js';
import type { StreamFramingHandler } from './xmpp-framing.js';

const FIXTURES = new URL('./fixtures/rfc6120/', import.meta.url);
const CLIENT_STREAM = readFileSync(new URL('client-stream.xml', FIXTURES));
const CLIENT_EVENTS: unknown = JSON.parse(
  readFileSync(new URL('client-stream.events.json', FIXTURES), 'utf8'),
);

const HEADER =
  "<?xml version='1.0'?><stream:stream to='im.example.com' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

/** A framing whose events are recorded as plain values (stanzas as the framing writes them back). */
function framing(options?: Rfc6120FramingOptions, onStanza?: (framing: Rfc6120StreamFraming) => void) {
  const events: unknown[] = [];
  const handler: StreamFramingHandler = {
    streamOpened: (header) => events.push({ event: 'streamOpened', attrs: { ...header.attrs } }),
    stanzaReceived: (stanza) => {
      events.push({ event: 'stanzaReceived', xml: subject.serializeElement(stanza) });
      onStanza?.(subject);
    },
    streamClosed: () => events.push({ event: 'streamClosed' }),
    framingFailed: (error) => events.push({ event: 'framingFailed', ...error }),
  };
  const subject = new Rfc6120StreamFraming(handler, options);
  return { subject, events };
}

function lastFailure(events: unknown[]): unknown {
  const last = events.at(-1) as { event?: string; condition?: string } | undefined;
  return last?.event === 'framingFailed' ? last.condition : `no failure, last: ${JSON.stringify(last)}`;
}

describe('RFC 6120 framing: a realistic client stream (golden)', () => {
  it('reports the golden events for the whole stream in one chunk', () => {
    const { subject, events } = framing();
    subject.receive(CLIENT_STREAM);
    assert.deepEqual(events, CLIENT_EVENTS);
  });

  it('reports the same events however the bytes are split in two, even inside a UTF-8 character', () => {
    for (let cut = 1; cut < CLIENT_STREAM.length; cut++) {
      const { subject, events } = framing();
      subject.receive(CLIENT_STREAM.subarray(0, cut));
      subject.receive(CLIENT_STREAM.subarray(cut));
      assert.deepEqual(events, CLIENT_EVENTS, `split at byte ${cut}`);
    }
  });

  it('reports the same events in awkward chunk sizes (1, 2, 3, 5, 7 and 13 bytes)', () => {
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const { subject, events } = framing();
      for (let at = 0; at < CLIENT_STREAM.length; at += size)
        subject.receive(CLIENT_STREAM.subarray(at, at + size));
      assert.deepEqual(events, CLIENT_EVENTS, `chunks of ${size}`);
    }
  });

  it('the fixture really splits multi-byte characters at some cut', () => {
    const multiByte = [...CLIENT_STREAM].filter((byte) => byte >= 0x80).length;
    assert.ok(multiByte > 20);
  });
});

describe('RFC 6120 framing: the stream header', () => {
  const cases: ReadonlyArray<{ name: string; header: string; condition: string }> = [
    {
      name: 'a root that is not <stream> (§4.8.1)',
      header: "<message xmlns='jabber:client'>",
      condition: 'invalid-namespace',
    },
    {
      name: 'the wrong stream namespace (§4.8.1)',
      header: "<stream:stream xmlns='jabber:client' xmlns:stream='http://wrong.example/streams'>",
      condition: 'invalid-namespace',
    },
    {
      name: 'a prefix other than stream (§4.9.3.2)',
      header: "<foobar:stream xmlns='jabber:client' xmlns:foobar='http://etherx.jabber.org/streams'>",
      condition: 'bad-namespace-prefix',
    },
    {
      name: 'no prefix at all (§4.9.3.2)',
      header: "<stream xmlns='http://etherx.jabber.org/streams'>",
      condition: 'bad-namespace-prefix',
    },
    {
      name: 'the wrong content namespace (§4.8.2)',
      header: "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>",
      condition: 'invalid-namespace',
    },
    {
      name: 'no content namespace (§4.8.2)',
      header: "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>",
      condition: 'invalid-namespace',
    },
    { name: 'a DTD (§11.1)', header: '<!DOCTYPE stream><stream:stream>', condition: 'restricted-xml' },
    {
      name: 'an unbound stream prefix',
      header: "<stream:stream xmlns='jabber:client'>",
      condition: 'not-well-formed',
    },
  ];
  for (const { name, header, condition } of cases) {
    it(`refuses ${name} with ${condition}`, () => {
      const { subject, events } = framing();
      subject.receive(header);
      assert.equal(events.length, 1);
      assert.equal(lastFailure(events), condition);
    });
  }

  it('accepts jabber:server when configured for s2s', () => {
    const { subject, events } = framing({ contentNamespace: 'jabber:server' });
    subject.receive("<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>");
    assert.equal((events[0] as { event: string }).event, 'streamOpened');
  });
});

describe('RFC 6120 framing: top-level elements', () => {
  const cases: ReadonlyArray<{ name: string; xml: string; condition: string | undefined }> = [
    { name: 'a message', xml: '<message/>', condition: undefined },
    {
      name: 'a SASL nonza',
      xml: "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>=</auth>",
      condition: undefined,
    },
    {
      name: "the peer's stream error",
      xml: "<stream:error><reset xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
      condition: undefined,
    },
    {
      name: 'an unknown jabber:client element (§4.9.3.24)',
      xml: '<foo/>',
      condition: 'unsupported-stanza-type',
    },
    {
      name: 'a prefixed jabber:client stanza (§4.8.5)',
      xml: "<c:message xmlns:c='jabber:client'/>",
      condition: 'bad-namespace-prefix',
    },
    { name: 'an element in no namespace', xml: "<message xmlns=''/>", condition: 'invalid-namespace' },
    { name: 'text between stanzas (§4.6.1 allows only whitespace)', xml: 'hello', condition: 'bad-format' },
    { name: 'a comment (§11.1)', xml: '<!-- x -->', condition: 'restricted-xml' },
  ];
  for (const { name, xml, condition } of cases) {
    it(`${condition === undefined ? 'passes' : 'refuses'} ${name}`, () => {
      const { subject, events } = framing();
      subject.receive(`${HEADER}${xml}<presence/>`);
      if (condition === undefined) {
        assert.deepEqual(
          events.slice(1).map((e) => (e as { event: string }).event),
          ['stanzaReceived', 'stanzaReceived'],
        );
      } else {
        assert.equal(lastFailure(events), condition);
        assert.equal(events.length, 2, 'nothing after the failure');
      }
    });
  }

  it('refuses an oversized stanza with policy-violation and keeps the ones before it', () => {
    const { subject, events } = framing({ limits: { maxElementBytes: 300 } });
    subject.receive(`${HEADER}<presence/><message><body>${'x'.repeat(400)}</body></message>`);
    assert.deepEqual(events.slice(1), [
      { event: 'stanzaReceived', xml: '<presence/>' },
      { event: 'framingFailed', condition: 'policy-violation', text: 'an element larger than 300 bytes' },
    ]);
  });

  it('ignores whitespace keepalives (§4.6.1)', () => {
    const { subject, events } = framing();
    subject.receive(HEADER);
    for (let i = 0; i < 100; i++) subject.receive(' ');
    subject.receive('<presence/>');
    assert.deepEqual(events.slice(1), [{ event: 'stanzaReceived', xml: '<presence/>' }]);
  });
});

describe('RFC 6120 framing: restarts (§4.3.3)', () => {
  it('drops plaintext sent after <starttls/> and reads the new stream after restart', () => {
    const { subject, events } = framing(undefined, (f) => f.restart());
    subject.receive(readFileSync(new URL('starttls-injection.xml', FIXTURES)));
    assert.deepEqual(events.slice(1), [
      { event: 'stanzaReceived', xml: "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" },
    ]);
    subject.receive(HEADER);
    assert.equal((events.at(-1) as { event: string }).event, 'streamOpened');
  });

  it('reads a new header after a restart between chunks', () => {
    const { subject, events } = framing();
    subject.receive(`${HEADER}<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>=</auth>`);
    subject.restart();
    subject.receive(`${HEADER}<iq type='set' id='b'/>`);
    assert.deepEqual(
      events.map((e) => (e as { event: string }).event),
      ['streamOpened', 'stanzaReceived', 'streamOpened', 'stanzaReceived'],
    );
  });

  it('reports the end of the stream', () => {
    const { subject, events } = framing();
    subject.receive(`${HEADER}</stream:stream>`);
    assert.deepEqual(events.at(-1), { event: 'streamClosed' });
  });
});

describe('RFC 6120 framing: output', () => {
  const { subject } = framing();

  it('writes the server stream header (§4.7)', () => {
    assert.equal(
      subject.openStream({
        from: 'im.example.com',
        id: 't7AMCin9zjMNwQKDnplntZPIDEI=',
        to: 'juliet@im.example.com',
        lang: 'en',
      }),
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='im.example.com' to='juliet@im.example.com' id='t7AMCin9zjMNwQKDnplntZPIDEI=' version='1.0' xml:lang='en'>",
    );
  });

  it('leaves out optional header attributes that are not given', () => {
    assert.equal(
      subject.openStream({ from: 'im.example.com', id: 'abc' }),
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='im.example.com' id='abc' version='1.0'>",
    );
  });

  it('closes the stream (§4.4)', () => {
    assert.equal(subject.closeStream(), '</stream:stream>');
  });

  it('writes stanzas and stream errors relying on the header’s declarations', () => {
    assert.equal(
      subject.serializeElement(el('presence', { type: 'unavailable' })),
      "<presence type='unavailable'/>",
    );
    assert.equal(
      subject.serializeElement(streamError('not-well-formed')),
      "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    );
  });

  it('writes output that the framing itself parses back', () => {
    const header = subject.openStream({ from: 'im.example.com', id: 'abc' });
    const stanza = subject.serializeElement(el('message', { to: 'a@b' }, el('body', 'x & y')));
    const { subject: reader, events } = framing();
    reader.receive(`${header}${stanza}${subject.closeStream()}`);
    assert.deepEqual(
      events.map((e) => (e as { event: string }).event),
      ['streamOpened', 'stanzaReceived', 'streamClosed'],
    );
  });
});
