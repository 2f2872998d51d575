import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Element, el } from './element.js';
import { parseXml } from './safe-xml-parser.js';
import { closeTag, escapeAttribute, escapeText, serialize, serializeOpenTag } from './serialize.js';
import { isXmlError } from './xml-error.js';

const STREAM = { '': 'jabber:client', stream: 'http://etherx.jabber.org/streams' };

function parse(xml: string): Element {
  const result = parseXml(xml);
  assert.ok(!isXmlError(result), isXmlError(result) ? result.text : '');
  return result;
}

describe('escaping', () => {
  const text: ReadonlyArray<[string, string]> = [
    ['plain', 'plain'],
    ['a & b', 'a &amp; b'],
    ['<script>', '&lt;script&gt;'],
    [']]>', ']]&gt;'],
    ['quotes " and \' stay', 'quotes " and \' stay'],
    ['cr\r\nlf', 'cr&#13;\nlf'],
    ['tab\tstays', 'tab\tstays'],
    ['bell\u0007', 'bell\uFFFD'],
    ['nul\u0000', 'nul\uFFFD'],
    ['lone \uD800 high', 'lone \uFFFD high'],
    ['lone \uDC00 low', 'lone \uFFFD low'],
    ['pair \u{1F600} kept', 'pair \u{1F600} kept'],
    ['\uFFFE\uFFFF', '\uFFFD\uFFFD'],
  ];
  for (const [input, output] of text) {
    it(`text ${JSON.stringify(input)}`, () => assert.equal(escapeText(input), output));
  }

  const attribute: ReadonlyArray<[string, string]> = [
    ['plain', 'plain'],
    ['"double"', '&quot;double&quot;'],
    ["'single'", '&apos;single&apos;'],
    ['a<b>&c', 'a&lt;b&gt;&amp;c'],
    ['tab\tlf\ncr\r', 'tab&#9;lf&#10;cr&#13;'],
    ['bell\u0007', 'bell\uFFFD'],
  ];
  for (const [input, output] of attribute) {
    it(`attribute ${JSON.stringify(input)}`, () => assert.equal(escapeAttribute(input), output));
  }

  it('round-trips every escaped character through the parser', () => {
    const value = `& < > " ' \t \n \r ]]> é 😀`;
    const back = parse(serialize(el('a', { v: value }, value)));
    assert.equal(back.attr('v'), value);
    assert.equal(back.text(), value);
  });
});

describe('serialize', () => {
  it('writes attributes in single quotes and empty elements self-closed', () => {
    assert.equal(
      serialize(el('iq', { type: 'get', id: 'a"1' }, el('ping', { xmlns: 'urn:xmpp:ping' }))),
      `<iq type='get' id='a&quot;1'><ping xmlns='urn:xmpp:ping'/></iq>`,
    );
  });

  it('adds nothing for a built stanza written into a stream', () => {
    const message = el('message', { to: 'a@b' }, el('body', 'hi'));
    assert.equal(serialize(message, { declared: STREAM }), `<message to='a@b'><body>hi</body></message>`);
  });

  it('adds nothing for a parsed stanza whose namespace is the one in scope', () => {
    const stanza = parse("<s xmlns='jabber:client'><message><body>hi</body></message></s>").elements()[0];
    assert.ok(stanza);
    assert.equal(serialize(stanza, { declared: STREAM }), '<message><body>hi</body></message>');
  });

  it('declares the namespace of a parsed stanza written where another is in scope', () => {
    const stanza = parse("<s xmlns='jabber:client'><message><body>hi</body></message></s>").elements()[0];
    assert.ok(stanza);
    const forwarded = el('forwarded', { xmlns: 'urn:xmpp:forward:0' }, stanza);
    assert.equal(
      serialize(forwarded, { declared: STREAM }),
      "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'><body>hi</body></message></forwarded>",
    );
  });

  it('undeclares the default namespace for an element in no namespace', () => {
    const plain = parse('<plain>x</plain>');
    assert.equal(
      serialize(el('wrap', { xmlns: 'urn:w' }, plain)),
      "<wrap xmlns='urn:w'><plain xmlns=''>x</plain></wrap>",
    );
  });

  it('declares prefixes used by an element or its attributes when written out of their context', () => {
    const doc = parse("<r xmlns:p='urn:p' xmlns:q='urn:q'><p:item q:flag='1'/></r>");
    const item = doc.elements()[0];
    assert.ok(item);
    assert.equal(serialize(item), "<p:item q:flag='1' xmlns:p='urn:p' xmlns:q='urn:q'/>");
  });

  it('uses `assumed` for built elements that do not know their namespace', () => {
    const features = el('stream:features', el('bind', { xmlns: 'urn:ietf:params:xml:ns:xmpp-bind' }));
    assert.equal(
      serialize(features, { assumed: STREAM }),
      "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
    );
    assert.equal(serialize(el('presence'), { assumed: STREAM }), "<presence xmlns='jabber:client'/>");
  });

  it('writes the xml prefix without declaring it', () => {
    assert.equal(serialize(el('body', { 'xml:lang': 'en' }, 'x')), "<body xml:lang='en'>x</body>");
  });
});

describe('serializeOpenTag and closeTag', () => {
  it('write a start tag left open and its end tag', () => {
    const stream = el('stream:stream', {
      xmlns: 'jabber:client',
      'xmlns:stream': STREAM.stream,
      version: '1.0',
    });
    assert.equal(
      serializeOpenTag(stream),
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
    );
    assert.equal(closeTag('stream:stream'), '</stream:stream>');
  });
});
