import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('refuses after `limit` failures in the window, until the oldest leaves it', () => {
    const throttle = new LoginThrottle({ limit: 3, windowMs: 60_000 });
    for (const t of [0, 10_000, 20_000]) {
      assert.equal(throttle.retryAfter('ip:1', t), 0);
      throttle.recordFailure('ip:1', t);
    }
    assert.equal(throttle.retryAfter('ip:1', 30_000), 30_000); // oldest (t=0) leaves at 60 s
    assert.equal(throttle.retryAfter('ip:2', 30_000), 0, 'other keys are not affected');
    assert.equal(throttle.retryAfter('ip:1', 60_000), 0);
  });

  it('reset forgets a key', () => {
    const throttle = new LoginThrottle({ limit: 1, windowMs: 60_000 });
    throttle.recordFailure('user:alice', 0);
    assert.ok(throttle.retryAfter('user:alice', 1) > 0);
    throttle.reset('user:alice');
    assert.equal(throttle.retryAfter('user:alice', 1), 0);
  });

  it('keeps memory bounded by forgetting the stalest keys', () => {
    const throttle = new LoginThrottle({ limit: 1, windowMs: 60_000, maxKeys: 2 });
    throttle.recordFailure('a', 0);
    throttle.recordFailure('b', 1);
    throttle.recordFailure('c', 2);
    assert.equal(throttle.retryAfter('a', 3), 0, 'a was forgotten');
    assert.ok(throttle.retryAfter('b', 3) > 0);
    assert.ok(throttle.retryAfter('c', 3) > 0);
  });
});
