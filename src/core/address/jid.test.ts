import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bareJid, jidDomain, jidLocal, jidResource, parseJid } from './jid.js';

describe('JID (RFC 7622)', () => {
  const cases: [string, string | null][] = [
    ['juliet@example.com', 'juliet@example.com'],
    ['juliet@example.com/foo', 'juliet@example.com/foo'],
    ['juliet@example.com/foo bar', 'juliet@example.com/foo bar'], // §3.5 example: spaces in resources
    ['juliet@example.com/foo@bar', 'juliet@example.com/foo@bar'],
    ['foo\\20bar@example.com', 'foo\\20bar@example.com'],
    ['fussball@example.com', 'fussball@example.com'],
    ['π@example.com', 'π@example.com'],
    ['Juliet@Example.COM/Balcony', 'juliet@example.com/Balcony'], // case-mapped local and domain, resource kept
    ['example.com', 'example.com'],
    ['example.com/foobar', 'example.com/foobar'],
    ['a.example.com/b@example.net', 'a.example.com/b@example.net'],
    ['example.com.', 'example.com'],
    ['[::1]', '[::1]'],
    // §3.5 examples of invalid JIDs
    ['"juliet"@example.com', null],
    ['foo bar@example.com', null],
    ['juliet@example.com/', null],
    ['@example.com/', null],
    ['@example.com', null],
    ['', null],
    [`${'x'.repeat(1024)}@example.com`, null],
    ['juliet@exa mple.com', null],
    ['juliet@example.com/bad\u0000', null],
  ];
  for (const [input, expected] of cases)
    it(`${JSON.stringify(input)} → ${expected ?? 'invalid'}`, () => assert.equal(parseJid(input), expected));

  it('splits into parts', () => {
    const jid = parseJid('romeo@montague.example/orchard')!;
    assert.equal(bareJid(jid), 'romeo@montague.example');
    assert.equal(jidLocal(jid), 'romeo');
    assert.equal(jidDomain(jid), 'montague.example');
    assert.equal(jidResource(jid), 'orchard');
    assert.equal(jidResource(bareJid(jid)), null);
  });
});
