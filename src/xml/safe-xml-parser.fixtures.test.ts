import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Element, sameElement } from './element.js';
import { parseXml, type XmlParserOptions } from './safe-xml-parser.js';
import { serialize } from './serialize.js';
import { isXmlError, type XmlErrorCondition } from './xml-error.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);

function read(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES));
}

/** Every fixture and what parsing it must give: an element, or the condition it is refused with. */
const CASES: ReadonlyArray<{ file: string; expected: 'ok' | XmlErrorCondition; options?: XmlParserOptions }> =
  [
    { file: 'valid-pidf.xml', expected: 'ok' },
    { file: 'valid-dialog-info.xml', expected: 'ok' },
    { file: 'valid-escaping.xml', expected: 'ok' },
    { file: 'valid-namespaces.xml', expected: 'ok' },
    { file: 'valid-unicode.xml', expected: 'ok' },
    { file: 'valid-xml-declaration.xml', expected: 'ok' },
    { file: 'billion-laughs.xml', expected: 'restricted-xml' },
    { file: 'xxe-external-entity.xml', expected: 'restricted-xml' },
    { file: 'xxe-parameter-entity.xml', expected: 'restricted-xml' },
    { file: 'xxe-external-dtd.xml', expected: 'restricted-xml' },
    { file: 'undefined-entity.xml', expected: 'restricted-xml' },
    { file: 'entity-in-attribute.xml', expected: 'restricted-xml' },
    { file: 'comment.xml', expected: 'restricted-xml' },
    { file: 'comment-before-root.xml', expected: 'restricted-xml' },
    { file: 'processing-instruction.xml', expected: 'restricted-xml' },
    { file: 'processing-instruction-inside.xml', expected: 'restricted-xml' },
    { file: 'late-xml-declaration.xml', expected: 'not-well-formed' },
    { file: 'malformed-mismatched-tag.xml', expected: 'not-well-formed' },
    { file: 'malformed-unclosed.xml', expected: 'not-well-formed' },
    { file: 'malformed-unquoted-attribute.xml', expected: 'not-well-formed' },
    { file: 'malformed-duplicate-attribute.xml', expected: 'not-well-formed' },
    { file: 'malformed-two-roots.xml', expected: 'not-well-formed' },
    { file: 'malformed-bare-ampersand.xml', expected: 'not-well-formed' },
    { file: 'malformed-lt-in-attribute.xml', expected: 'not-well-formed' },
    { file: 'malformed-control-character.xml', expected: 'not-well-formed' },
    { file: 'malformed-null-character-reference.xml', expected: 'not-well-formed' },
    { file: 'malformed-cdata-end-in-text.xml', expected: 'not-well-formed' },
    { file: 'malformed-empty.xml', expected: 'not-well-formed' },
    { file: 'malformed-text-only.xml', expected: 'not-well-formed' },
    { file: 'unbound-prefix.xml', expected: 'not-well-formed' },
    { file: 'unbound-attribute-prefix.xml', expected: 'not-well-formed' },
    { file: 'reserved-prefix-xmlns.xml', expected: 'not-well-formed' },
    { file: 'reserved-prefix-xml-rebound.xml', expected: 'not-well-formed' },
    { file: 'encoding-latin1.xml', expected: 'unsupported-encoding' },
    { file: 'encoding-latin1-bytes.xml', expected: 'unsupported-encoding' },
    { file: 'invalid-utf8.xml', expected: 'unsupported-encoding' },
    { file: 'invalid-utf8-overlong.xml', expected: 'unsupported-encoding' },
    { file: 'deep-nesting.xml', expected: 'policy-violation' },
    { file: 'too-many-attributes.xml', expected: 'policy-violation' },
    // 1 075 characters but 3 153 bytes: the limit is in bytes.
    { file: 'oversized.xml', expected: 'policy-violation', options: { limits: { maxElementBytes: 2048 } } },
  ];

function parsed(file: string): Element {
  const result = parseXml(read(file));
  assert.ok(!isXmlError(result), `${file}: ${isXmlError(result) ? result.text : ''}`);
  return result;
}

describe('parseXml fixtures', () => {
  it('covers every fixture file', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.xml'));
    assert.deepEqual(files.sort(), CASES.map((c) => c.file).sort());
  });

  for (const { file, expected, options } of CASES) {
    it(`${file} → ${expected}`, () => {
      const result = parseXml(read(file), options);
      if (expected === 'ok') assert.ok(!isXmlError(result), isXmlError(result) ? result.text : '');
      else assert.equal(isXmlError(result) ? result.condition : 'ok', expected);
    });
  }

  it('accepts the oversized fixture under the default limit', () => {
    assert.ok(!isXmlError(parseXml(read('oversized.xml'))));
  });

  it('accepts deep nesting and many attributes when the limits allow them', () => {
    assert.ok(!isXmlError(parseXml(read('deep-nesting.xml'), { limits: { maxDepth: 40 } })));
    assert.ok(!isXmlError(parseXml(read('too-many-attributes.xml'), { limits: { maxAttributes: 70 } })));
  });
});

describe('round trip: parse → serialize → parse', () => {
  for (const { file } of CASES.filter((c) => c.expected === 'ok')) {
    it(`${file} gives the same element, and serializing is stable`, () => {
      const first = parsed(file);
      const written = serialize(first);
      const second = parseXml(written);
      assert.ok(!isXmlError(second), `reparse failed: ${written}`);
      assert.ok(sameElement(first, second), written);
      assert.equal(serialize(second), written);
    });
  }

  it('keeps what escaping must keep: CR, TAB and LF in attributes, CR and CDATA content in text', () => {
    const doc = parsed('valid-escaping.xml');
    assert.equal(doc.attr('a'), `<tag> & "double" 'single'`);
    assert.equal(doc.attr('tabbed'), 'x\ty\nz\rw');
    assert.equal(doc.text(), 'Fish & chips <3 > 2 été 😀 line\r\nnextraw <markup> & stuffend');
    const again = parseXml(serialize(doc));
    assert.ok(!isXmlError(again));
    assert.equal(again.attr('tabbed'), 'x\ty\nz\rw');
    assert.equal(again.text(), doc.text());
  });

  it('resolves namespaces as declared, inherited, undeclared and rebound', () => {
    const root = parsed('valid-namespaces.xml');
    const [child, bChild, plain, rebound, deep] = root.elements();
    assert.equal(child?.xmlns, 'urn:example:a');
    assert.equal(bChild?.xmlns, 'urn:example:b');
    assert.equal(bChild?.attr('xml:lang'), 'fr');
    assert.equal(plain?.xmlns, '');
    assert.equal(rebound?.xmlns, 'urn:example:other');
    assert.equal(rebound?.getChild('inner')?.xmlns, 'urn:example:other');
    assert.equal(deep?.getChild('deeper')?.name, 'c:deeper');
  });
});
