import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucketLimiter } from './token-bucket-limiter.js';

describe('TokenBucketLimiter', () => {
  it('allows a burst, then the rate', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 2, burst: 3, maxKeys: 10 });
    const at0 = [1, 2, 3, 4].map(() => limiter.take('a', 0));
    assert.deepEqual(at0, [true, true, true, false]);
    assert.equal(limiter.take('a', 499), false, 'less than one token refilled');
    assert.equal(limiter.take('a', 500), true, 'one token after half a second at 2/s');
    assert.equal(limiter.take('a', 500), false);
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.take('a', 60_000)),
      [true, true, true, false],
      'refill stops at the burst',
    );
  });

  it('keeps one bucket per key', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 10 });
    assert.equal(limiter.take('a', 0), true);
    assert.equal(limiter.take('a', 0), false);
    assert.equal(limiter.take('b', 0), true);
  });

  it('forgets the least recently seen key beyond maxKeys', () => {
    const limiter = new TokenBucketLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2 });
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('a', 0); // a is now the most recent
    limiter.take('c', 0); // evicts b
    assert.equal(limiter.size, 2);
    assert.equal(limiter.take('a', 0), false, 'a is still tracked and empty');
    assert.equal(limiter.take('b', 0), true, 'b was forgotten: a full bucket again');
  });

  it('refuses nonsensical settings', () => {
    assert.throws(() => new TokenBucketLimiter({ ratePerSecond: 0, burst: 1, maxKeys: 1 }), RangeError);
  });
});
