import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../kernel/errors.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { asUserId } from '../ports.js';
import { DEFAULT_LOCK_IDLE_MS, isLockFresh, ResourceLocks } from './resource-locks.js';

const juliet = asUserId('u-juliet');
const nurse = asUserId('u-nurse');
const romeo = 'romeo@montague.lit';
const mercutio = 'mercutio@montague.lit';
const balcony = 'juliet@capulet.lit/balcony';
const chamber = 'juliet@capulet.lit/chamber';

function locks(options: { idleMs?: number; maxLocks?: number } = {}) {
  const clock = new FakeClock();
  return { clock, locks: new ResourceLocks({ clock, ...options }) };
}

describe('ResourceLocks (XEP-0296, server side)', () => {
  it('§2.2 a reply locks the conversation with that peer, and only it', () => {
    const { locks: table } = locks();
    assert.equal(table.lockedTo(juliet, romeo), null, '§2.1 a conversation starts unlocked');
    table.lock(juliet, romeo, balcony);
    assert.equal(table.lockedTo(juliet, romeo), balcony);
    assert.equal(table.lockedTo(juliet, mercutio), null);
    assert.equal(table.lockedTo(nurse, romeo), null);
  });

  it('§2.3 a reply from another resource moves the lock there', () => {
    const { locks: table } = locks();
    table.lock(juliet, romeo, balcony);
    table.lock(juliet, romeo, chamber);
    assert.equal(table.lockedTo(juliet, romeo), chamber);
    assert.equal(table.endpointGone(balcony), 0, 'balcony no longer holds it');
    assert.equal(table.lockedTo(juliet, romeo), chamber);
    assert.equal(table.size, 1);
  });

  it('a presence change of the locked resource releases all its conversations (SPEC M2)', () => {
    const { locks: table } = locks();
    table.lock(juliet, romeo, balcony);
    table.lock(juliet, mercutio, balcony);
    table.lock(nurse, romeo, 'nurse@capulet.lit/kitchen');
    assert.equal(table.endpointChanged(balcony), 2);
    assert.equal(table.lockedTo(juliet, romeo), null);
    assert.equal(table.lockedTo(juliet, mercutio), null);
    assert.equal(table.lockedTo(nurse, romeo), 'nurse@capulet.lit/kitchen');
  });

  it('the locked resource going away releases its conversations', () => {
    const { locks: table } = locks();
    table.lock(juliet, romeo, balcony);
    assert.equal(table.endpointGone(balcony), 1);
    assert.equal(table.lockedTo(juliet, romeo), null);
    assert.equal(table.endpointGone(balcony), 0);
  });

  it('§2.3 an ended conversation (<gone/>) is released', () => {
    const { locks: table } = locks();
    table.lock(juliet, romeo, balcony);
    assert.equal(table.release(juliet, romeo), true);
    assert.equal(table.lockedTo(juliet, romeo), null);
    assert.equal(table.release(juliet, romeo), false);
  });

  it('§3.2 an idle conversation unlocks after the timeout; traffic keeps it alive', () => {
    const { clock, locks: table } = locks();
    table.lock(juliet, romeo, balcony);
    clock.advance(DEFAULT_LOCK_IDLE_MS - 1);
    assert.equal(table.lockedTo(juliet, romeo), balcony);
    table.touch(juliet, romeo);
    clock.advance(DEFAULT_LOCK_IDLE_MS - 1);
    assert.equal(table.lockedTo(juliet, romeo), balcony, 'touch restarted the idle time');
    clock.advance(1);
    assert.equal(table.lockedTo(juliet, romeo), null);
    assert.equal(table.size, 0, 'the idle lock is forgotten');
    table.touch(juliet, romeo);
    assert.equal(table.lockedTo(juliet, romeo), null, 'touch does not create a lock');
  });

  it('idle locks are swept when new ones come, and memory stays bounded', () => {
    const { clock, locks: table } = locks({ idleMs: 1000, maxLocks: 2 });
    table.lock(juliet, romeo, balcony);
    clock.advance(1000);
    table.lock(juliet, mercutio, balcony);
    assert.equal(table.size, 1, 'the idle one went');
    table.lock(nurse, romeo, 'nurse@capulet.lit/kitchen');
    table.lock(nurse, mercutio, 'nurse@capulet.lit/kitchen');
    assert.equal(table.size, 2);
    assert.equal(table.lockedTo(juliet, mercutio), null, 'the stalest was forgotten');
    assert.equal(table.endpointGone(balcony), 0, 'and left no index entry behind');
    assert.equal(table.lockedTo(nurse, mercutio), 'nurse@capulet.lit/kitchen');
  });

  it('isLockFresh is the idle rule', () => {
    assert.equal(isLockFresh(0, 999, 1000), true);
    assert.equal(isLockFresh(0, 1000, 1000), false);
  });

  it('refuses nonsense options', () => {
    const clock = new FakeClock();
    for (const options of [{ idleMs: 0 }, { maxLocks: 0 }, { maxLocks: 1.5 }]) {
      assert.throws(
        () => new ResourceLocks({ clock, ...options }),
        (error) => isHeraldError(error, 'HERALD_ERR_VALIDATION'),
      );
    }
  });
});
