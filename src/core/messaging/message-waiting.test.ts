import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId } from '../ports.js';
import { MessageWaitingService } from './message-waiting.js';

const bob = asUserId('u-bob');
const counts = (newCount: number, oldCount: number, newUrgent = 0, oldUrgent = 0) => ({
  newCount,
  oldCount,
  newUrgent,
  oldUrgent,
});

describe('MessageWaitingService', () => {
  it('keeps counts by class, says whether a new one waits, and tells of real changes only', () => {
    const service = new MessageWaitingService();
    const heard: string[] = [];
    service.onChanged((id) => heard.push(id));
    assert.equal(service.isWaiting(bob), false);
    service.set(bob, 'voice', counts(2, 8, 0, 2));
    service.set(bob, 'voice', counts(2, 8, 0, 2));
    assert.deepEqual(service.countsOf(bob), { voice: counts(2, 8, 0, 2) });
    assert.equal(service.isWaiting(bob), true);
    service.set(bob, 'voice', counts(0, 10));
    assert.equal(service.isWaiting(bob), false, 'old messages only: nothing waiting');
    service.set(bob, 'voice', counts(0, 0));
    assert.deepEqual(service.countsOf(bob), {});
    service.set(bob, 'fax', counts(0, 0));
    assert.deepEqual(heard, [bob, bob, bob]);
  });

  it('refuses counts that cannot be', () => {
    const service = new MessageWaitingService();
    assert.throws(() => service.set(bob, 'voice', counts(-1, 0)), RangeError);
    assert.throws(() => service.set(bob, 'voice', counts(1.5, 0)), RangeError);
    assert.throws(() => service.set(bob, 'voice', counts(1, 0, 2, 0)), RangeError);
  });
});
