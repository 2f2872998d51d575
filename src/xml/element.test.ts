import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Element, el, sameElement } from './element.js';
import { parseXml } from './safe-xml-parser.js';
import { isXmlError } from './xml-error.js';

const ROSTER = 'jabber:iq:roster';

function parse(xml: string): Element {
  const result = parseXml(xml);
  assert.ok(!isXmlError(result), isXmlError(result) ? result.text : '');
  return result;
}

describe('el', () => {
  it('leaves out undefined and null attributes and writes numbers and booleans as text', () => {
    const item = el('item', { jid: 'romeo@example.net', name: undefined, ask: null, h: 3, resume: true });
    assert.deepEqual({ ...item.attrs }, { jid: 'romeo@example.net', h: '3', resume: 'true' });
  });

  it('takes children without attributes, flattening arrays and skipping false, null and empty text', () => {
    const items = ['a', 'b'].map((jid) => el('item', { jid }));
    const query = el('query', items, false, null, undefined, '', 'tail');
    assert.equal(query.elements().length, 2);
    assert.deepEqual(query.children.at(-1), 'tail');
    assert.equal(el('body', 'Hello').text(), 'Hello');
  });

  it('keeps attributes named like Object members as plain attributes', () => {
    const weird = el('x', { constructor: 'c', ['__proto__']: 'p' });
    assert.equal(weird.attr('constructor'), 'c');
    assert.equal(weird.attr('__proto__'), 'p');
    assert.equal(el('y').attr('constructor'), undefined);
    assert.equal(el('y').attr('toString'), undefined);
  });
});

describe('Element namespaces', () => {
  it('gives a built child the namespace of the parent it was built into', () => {
    const iq = el('iq', { type: 'result' }, el('query', { xmlns: ROSTER }, el('item', { jid: 'a@b' })));
    const item = iq.getChild('query', ROSTER)?.getChild('item');
    assert.equal(item?.xmlns, ROSTER);
    assert.equal(iq.xmlns, undefined);
  });

  it('inherits from the first parent only', () => {
    const body = el('body', 'hi');
    el('a', { xmlns: 'urn:first' }, body);
    el('b', { xmlns: 'urn:second' }, body);
    assert.equal(body.xmlns, 'urn:first');
  });

  it('keeps the namespace a parsed element had when it is built into something else', () => {
    const stanza = parse(
      "<wrapper xmlns='jabber:client'><message><body>x</body></message></wrapper>",
    ).elements()[0];
    assert.ok(stanza);
    const forwarded = el('forwarded', { xmlns: 'urn:xmpp:forward:0' }, stanza);
    assert.equal(forwarded.getChild('message', 'jabber:client'), stanza);
    assert.equal(stanza.xmlns, 'jabber:client');
  });

  it('resolves prefixed names through the declarations above them', () => {
    const features = el(
      'stream:features',
      { 'xmlns:stream': 'http://etherx.jabber.org/streams' },
      el('stream:x'),
    );
    assert.equal(features.xmlns, 'http://etherx.jabber.org/streams');
    assert.equal(features.elements()[0]?.xmlns, 'http://etherx.jabber.org/streams');
    assert.equal(features.localName, 'features');
    assert.equal(features.prefix, 'stream');
    assert.equal(el('a').lookupNamespace('xml'), 'http://www.w3.org/XML/1998/namespace');
  });
});

describe('Element lookups', () => {
  const message = parse(
    "<message xmlns='jabber:client' to='juliet@example.com'><body>one</body><body xmlns='urn:other'>x</body><body>two</body><thread>t1</thread></message>",
  );

  it('finds children in its own namespace unless told another', () => {
    assert.equal(message.getChildText('body'), 'one');
    assert.equal(message.getChildren('body').length, 2);
    assert.equal(message.getChildText('body', 'urn:other'), 'x');
    assert.equal(message.getChild('thread', 'urn:other'), undefined);
    assert.equal(message.getChildText('subject'), undefined);
  });

  it('matches a qualified name when given one', () => {
    const stream = parse("<s:root xmlns:s='urn:s'><s:error/></s:root>");
    assert.ok(stream.getChild('s:error'));
    assert.ok(stream.getChild('error'));
    assert.equal(stream.getChild('x:error'), undefined);
  });

  it('joins direct text only', () => {
    const mixed = parse('<p>a<b>not mine</b>c</p>');
    assert.equal(mixed.text(), 'ac');
  });
});

describe('Element copies', () => {
  it('withAttrs changes, adds and removes attributes and keeps the namespace', () => {
    const stanza = parse("<r xmlns='jabber:client'><message to='a@b' id='1'/></r>").elements()[0];
    assert.ok(stanza);
    const stamped = stanza.withAttrs({ from: 'c@d/e', id: undefined });
    assert.deepEqual({ ...stamped.attrs }, { to: 'a@b', from: 'c@d/e' });
    assert.equal(stamped.xmlns, 'jabber:client');
    assert.equal(stanza.attr('id'), '1');
  });

  it('withAttrs follows a changed namespace declaration', () => {
    const query = parse("<query xmlns='urn:a'><item/></query>");
    assert.equal(query.withAttrs({ xmlns: 'urn:b' }).xmlns, 'urn:b');
    assert.equal(query.withAttrs({ xmlns: undefined }).xmlns, '');
  });

  it('withChildren keeps name, attributes and namespace', () => {
    const query = parse("<query xmlns='urn:a' ver='1'><item/></query>");
    const empty = query.withChildren([]);
    assert.equal(empty.children.length, 0);
    assert.equal(empty.xmlns, 'urn:a');
    assert.equal(empty.attr('ver'), '1');
  });
});

describe('sameElement', () => {
  const cases: ReadonlyArray<{ name: string; a: Element; b: Element; same: boolean }> = [
    { name: 'split text equals joined text', a: el('a', 'x', 'y'), b: el('a', 'xy'), same: true },
    {
      name: 'attribute order does not matter',
      a: el('a', { x: '1', y: '2' }),
      b: el('a', { y: '2', x: '1' }),
      same: true,
    },
    { name: 'a different attribute value', a: el('a', { x: '1' }), b: el('a', { x: '2' }), same: false },
    { name: 'a missing attribute', a: el('a', { x: '1' }), b: el('a'), same: false },
    { name: 'a different namespace', a: el('a', { xmlns: 'u' }), b: el('a', { xmlns: 'v' }), same: false },
    { name: 'a different child', a: el('a', el('b')), b: el('a', el('c')), same: false },
    { name: 'text against an element', a: el('a', 'b'), b: el('a', el('b')), same: false },
    {
      name: 'nested equal trees',
      a: el('a', el('b', { k: 'v' }, 't')),
      b: el('a', el('b', { k: 'v' }, 't')),
      same: true,
    },
  ];
  for (const { name, a, b, same } of cases) {
    it(name, () => assert.equal(sameElement(a, b), same));
  }

  it('treats a constructed element like a built one', () => {
    assert.ok(sameElement(new Element('a', { x: '1' }, ['t']), el('a', { x: '1' }, 't')));
  });
});
