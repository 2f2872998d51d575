import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRosterError, type RosterErrorReason } from './roster-errors.js';
import { checkContact, checkGroups, checkName, MAX_GROUPS, NAME_MAX_BYTES } from './roster-items.js';

function refuses(reason: RosterErrorReason, field: string, work: () => unknown): void {
  assert.throws(work, (error) => isRosterError(error, reason) && error.field === field);
}

describe('RFC 6121 §2.3.3 roster item checks', () => {
  it('canonicalises a contact', () => {
    assert.equal(checkContact('Juliet@Capulet.LIT', { stripResource: false }), 'juliet@capulet.lit');
  });

  it('refuses a full JID as a roster item but strips it for a subscription (§3.1.2)', () => {
    refuses('invalid-contact', 'contact', () =>
      checkContact('juliet@capulet.lit/balcony', { stripResource: false }),
    );
    assert.equal(checkContact('juliet@capulet.lit/balcony', { stripResource: true }), 'juliet@capulet.lit');
  });

  it('refuses what is not a JID', () => {
    for (const bad of ['', 'a@b@c', 'no spaces@x', '@capulet.lit'])
      refuses('invalid-contact', 'contact', () => checkContact(bad, { stripResource: true }));
  });

  const cases: readonly (readonly [string, () => unknown, RosterErrorReason, string])[] = [
    [
      'a name over the byte limit',
      () => checkName('é'.repeat(NAME_MAX_BYTES / 2 + 1)),
      'invalid-name',
      'name',
    ],
    ['an empty group', () => checkGroups(['Friends', '']), 'invalid-groups', 'groups'],
    ['a group named twice', () => checkGroups(['Friends', 'Friends']), 'invalid-groups', 'groups'],
    [
      'too many groups',
      () => checkGroups(Array.from({ length: MAX_GROUPS + 1 }, (_, i) => `g${i}`)),
      'invalid-groups',
      'groups',
    ],
    ['a group over the byte limit', () => checkGroups(['x'.repeat(1024)]), 'invalid-groups', 'groups'],
  ];
  for (const [title, work, reason, field] of cases)
    it(`refuses ${title}, naming the field`, () => refuses(reason, field, work));

  it('accepts a name at the limit, and reads an empty name as none', () => {
    assert.equal(checkName('x'.repeat(NAME_MAX_BYTES)), 'x'.repeat(NAME_MAX_BYTES));
    assert.equal(checkName(''), null);
    assert.equal(checkName(undefined), null);
  });

  it('keeps groups in the order given', () => {
    assert.deepEqual(checkGroups(['Work', 'Friends']), ['Work', 'Friends']);
    assert.deepEqual(checkGroups(undefined), []);
  });
});
