import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEmail, checkPassword, checkUsername } from './account-names.js';

describe('account names', () => {
  const usernames: [string, string | null][] = [
    ['alice', 'alice'],
    ['Alice', 'alice'],
    ['  bob ', 'bob'],
    ['j.doe-2_x', 'j.doe-2_x'],
    ['a', 'a'],
    ['', null],
    ['-alice', null],
    ['alice.', null],
    ['alice@example.org', null],
    ['al ice', null],
    ['al/ice', null],
    ['élodie', null],
    ['x'.repeat(64), 'x'.repeat(64)],
    ['x'.repeat(65), null],
  ];
  for (const [input, expected] of usernames) {
    it(`username ${JSON.stringify(input)} → ${expected ?? 'refused'}`, () => {
      const checked = checkUsername(input);
      assert.equal(checked.ok ? checked.value : null, expected);
    });
  }

  it('passwords: length limits and SASLprep', () => {
    assert.equal(checkPassword('correct horse', 8).ok, true);
    assert.equal(checkPassword('short', 8).ok, false);
    assert.equal(checkPassword('x'.repeat(1025), 1).ok, false);
    assert.equal(
      checkPassword('bad\u0007bell', 1).ok,
      false,
      'control characters are prohibited by SASLprep',
    );
    assert.equal(checkPassword('pässwörd', 8).ok, true);
  });

  it('email addresses', () => {
    assert.equal(checkEmail('alice@example.org').ok, true);
    assert.equal(checkEmail('not an address').ok, false);
  });
});
