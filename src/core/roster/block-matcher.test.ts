import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Jid, parseJid } from '../address/jid.js';
import { BlockMatcher } from './block-matcher.js';

const jid = (text: string): Jid => {
  const parsed = parseJid(text);
  assert.ok(parsed, text);
  return parsed;
};

// XEP-0191 JID Matching (XEP-0016 §2.1): [blocked entry, address, blocked?]
const CASES: readonly (readonly [string, string, boolean])[] = [
  ['romeo@montague.lit/orchard', 'romeo@montague.lit/orchard', true],
  ['romeo@montague.lit/orchard', 'romeo@montague.lit/balcony', false],
  ['romeo@montague.lit/orchard', 'romeo@montague.lit', false],
  ['romeo@montague.lit', 'romeo@montague.lit', true],
  ['romeo@montague.lit', 'romeo@montague.lit/orchard', true],
  ['romeo@montague.lit', 'benvolio@montague.lit', false],
  ['montague.lit/bot', 'montague.lit/bot', true],
  ['montague.lit/bot', 'montague.lit/other', false],
  ['montague.lit/bot', 'romeo@montague.lit/bot', false],
  ['montague.lit', 'montague.lit', true],
  ['montague.lit', 'romeo@montague.lit', true],
  ['montague.lit', 'romeo@montague.lit/orchard', true],
  ['montague.lit', 'montague.lit/bot', true],
  ['montague.lit', 'chat.montague.lit', true],
  ['montague.lit', 'room@chat.montague.lit/nick', true],
  ['montague.lit', 'notmontague.lit', false],
  ['montague.lit', 'capulet.lit', false],
  ['chat.montague.lit', 'montague.lit', false],
];

describe('XEP-0191 JID matching', () => {
  for (const [entry, address, blocked] of CASES) {
    it(`a block of ${entry} ${blocked ? 'blocks' : 'does not block'} ${address}`, () => {
      assert.equal(BlockMatcher.of([entry]).matches(jid(address)), blocked);
    });
  }

  it('canonicalises the entries it is built from', () => {
    assert.equal(BlockMatcher.of(['Romeo@Montague.LIT']).matches(jid('romeo@montague.lit/x')), true);
  });

  it('an empty list blocks nobody', () => {
    assert.equal(BlockMatcher.of([]).matches(jid('romeo@montague.lit')), false);
  });
});
