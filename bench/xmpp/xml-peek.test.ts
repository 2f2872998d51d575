import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attribute, childText, elementName, ownText } from './xml-peek.js';

describe('xml-peek', () => {
  const iq = `<iq type="result" id='bind1' xml:id='no'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>a@b/c&amp;d</jid></bind></iq>`;

  const names: [string, string][] = [
    ['<stream:features><bind/></stream:features>', 'stream:features'],
    ["<presence from='x'/>", 'presence'],
    ['<success/>', 'success'],
    ['<iq\ttype="get"/>', 'iq'],
  ];
  for (const [xml, name] of names) it(`names ${xml}`, () => assert.equal(elementName(xml), name));

  const attributes: [string, string, string | undefined][] = [
    [iq, 'type', 'result'],
    [iq, 'id', 'bind1'],
    // `xml:id` is not `id`, and a child's attribute is not the element's.
    [iq, 'xmlns', undefined],
    ["<presence from='a&apos;b' to='c'/>", 'from', "a'b"],
    ["<presence to = 'c'/>", 'to', 'c'],
  ];
  for (const [xml, name, value] of attributes)
    it(`reads ${name} of ${xml.slice(0, 30)}`, () => assert.equal(attribute(xml, name), value));

  it('reads a descendant text, unescaped', () => assert.equal(childText(iq, 'jid'), 'a@b/c&d'));
  it('does not take a longer name for the one asked', () =>
    assert.equal(childText('<m><bodyx>1</bodyx></m>', 'body'), undefined));
  it('reads the element text of a SASL element', () =>
    assert.equal(ownText("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1m</challenge>"), 'cj1m'));
  it('gives empty text for an empty element', () => assert.equal(ownText("<success xmlns='x'/>"), ''));
});
