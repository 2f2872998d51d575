import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Affiliation,
  affiliationChangeRefusal,
  defaultRole,
  entryRefusal,
  mayInvite,
  maySetSubject,
  mayTalk,
  type Role,
  roleAfterAffiliation,
  roleChangeRefusal,
} from './room-policy.js';

describe('XEP-0045 §5 policy', () => {
  it('§5.1.2 default roles', () => {
    const table: [Affiliation, boolean, Role | null][] = [
      ['owner', false, 'moderator'],
      ['admin', true, 'moderator'],
      ['member', true, 'participant'],
      ['none', false, 'participant'],
      ['none', true, 'visitor'],
      ['outcast', false, null],
    ];
    for (const [aff, moderated, role] of table)
      assert.equal(defaultRole(aff, moderated), role, `${aff} ${moderated}`);
  });

  it('§7.2.7/§7.2.8 entry refusals', () => {
    const table: [Affiliation, boolean, string | null][] = [
      ['outcast', false, 'forbidden'],
      ['outcast', true, 'forbidden'],
      ['none', true, 'registration-required'],
      ['none', false, null],
      ['member', true, null],
      ['admin', true, null],
      ['owner', true, null],
    ];
    for (const [aff, membersOnly, refusal] of table) assert.equal(entryRefusal(aff, membersOnly), refusal);
  });

  it('§7.4 voice and §8.1 subject', () => {
    assert.equal(mayTalk('visitor'), false);
    assert.equal(mayTalk('participant'), true);
    assert.equal(mayTalk('moderator'), true);
    assert.equal(maySetSubject('participant', false), false);
    assert.equal(maySetSubject('participant', true), true);
    assert.equal(maySetSubject('visitor', true), false);
    assert.equal(maySetSubject('moderator', false), true);
  });

  it('§7.8 who may invite', () => {
    const table: [Affiliation, Role, boolean, boolean, boolean][] = [
      ['none', 'participant', false, false, true],
      ['member', 'participant', true, false, false],
      ['member', 'participant', true, true, true],
      ['admin', 'moderator', true, false, true],
      ['owner', 'moderator', true, false, true],
      ['none', 'visitor', false, true, false],
    ];
    for (const [aff, role, mo, allow, expected] of table)
      assert.equal(mayInvite(aff, role, mo, allow), expected, `${aff} ${role} ${mo} ${allow}`);
  });

  it('§8.2 kicks, §8.3 voice, §9.6 moderator changes', () => {
    const mod = (affiliation: Affiliation) => ({ affiliation, role: 'moderator' as Role });
    const occ = (affiliation: Affiliation, role: Role) => ({ affiliation, role });
    const table: [ReturnType<typeof mod>, ReturnType<typeof occ>, Role, string | null][] = [
      [occ('none', 'participant'), occ('none', 'participant'), 'none', 'forbidden'],
      [mod('none'), occ('none', 'participant'), 'none', null],
      [mod('none'), occ('member', 'participant'), 'visitor', null],
      [mod('none'), occ('admin', 'moderator'), 'none', 'not-allowed'],
      [mod('owner'), occ('admin', 'moderator'), 'none', 'not-allowed'],
      [mod('member'), occ('none', 'participant'), 'moderator', 'not-allowed'],
      [mod('admin'), occ('none', 'participant'), 'moderator', null],
      [mod('member'), occ('none', 'moderator'), 'participant', 'not-allowed'],
      [mod('admin'), occ('none', 'moderator'), 'participant', null],
    ];
    for (const [actor, target, role, refusal] of table)
      assert.equal(roleChangeRefusal(actor, target, role), refusal, JSON.stringify([actor, target, role]));
  });

  it('§9/§10 affiliation changes', () => {
    const table: [Affiliation, Affiliation, Affiliation, string | null][] = [
      ['owner', 'admin', 'none', null],
      ['owner', 'none', 'owner', null],
      ['admin', 'none', 'outcast', null],
      ['admin', 'member', 'none', null],
      ['admin', 'admin', 'none', 'not-allowed'],
      ['admin', 'none', 'admin', 'not-allowed'],
      ['admin', 'owner', 'outcast', 'not-allowed'],
      ['member', 'none', 'member', 'forbidden'],
      ['none', 'none', 'outcast', 'forbidden'],
    ];
    for (const [actor, target, next, refusal] of table)
      assert.equal(affiliationChangeRefusal(actor, target, next), refusal, `${actor} ${target} ${next}`);
  });

  it('§9.1/§9.4 role after an affiliation change', () => {
    assert.equal(roleAfterAffiliation('none', false, true), 'none');
    assert.equal(roleAfterAffiliation('none', false, false), 'participant');
    assert.equal(roleAfterAffiliation('member', true, true), 'participant');
    assert.equal(roleAfterAffiliation('admin', false, false), 'moderator');
    assert.equal(roleAfterAffiliation('outcast', false, false), 'none');
  });
});
