import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { saslPrep } from './saslprep.js';

interface Example {
  number: number;
  input: string;
  output: string | null;
  comment: string;
}

const examples = JSON.parse(
  readFileSync(new URL('./fixtures/saslprep/rfc4013-examples.json', import.meta.url), 'utf8'),
) as Example[];

describe('saslPrep (RFC 4013)', () => {
  it('has all seven RFC 4013 §3 examples', () => {
    assert.equal(examples.length, 7);
  });

  for (const example of examples) {
    it(`RFC 4013 §3 example #${example.number}: ${example.comment}`, () => {
      assert.equal(saslPrep(example.input), example.output);
    });
  }

  const more: readonly [string, string, string | null][] = [
    ['non-ASCII space maps to SPACE (§2.1)', 'pass\u00a0word', 'pass word'],
    ['ZERO WIDTH SPACE is C.1.2 as well as B.1, and maps to SPACE', 'x\u200by', 'x y'],
    ['a string of mapped-to-nothing characters prepares to empty', '\u00ad\ufeff', ''],
    ['the empty string stays empty', '', ''],
    ['unassigned code points are prohibited in stored strings (§2.5)', '\u0221', null],
    ['a lone surrogate (not UTF-8) is prohibited (C.5)', 'a\ud800', null],
    ['ASCII control characters are prohibited (C.2.1)', 'tab\there', null],
    ['RandALCat at both ends is allowed (RFC 3454 §6)', '\u0627\u0628', '\u0627\u0628'],
    ['RandALCat mixed with LCat is refused (RFC 3454 §6)', '\u0627a\u0628', null],
  ];
  for (const [name, input, output] of more) {
    it(name, () => {
      assert.equal(saslPrep(input), output);
    });
  }
});
