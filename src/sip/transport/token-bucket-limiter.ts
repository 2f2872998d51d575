/**
 * Token buckets keyed by source (STYLE habit 15: a rate limit on every input). Each key may send `burst`
 * messages at once and `ratePerSecond` on average; time is passed in, so the policy is pure to test.
 * The key table is bounded: beyond `maxKeys` the least recently seen key is forgotten (it starts again
 * with a full bucket, which errs on the side of the sender, never of memory).
 */
import { BoundedMap } from '../../kernel/bounded-map.js';

export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly maxKeys: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBucketLimiter {
  readonly #options: TokenBucketOptions;
  /** In least-recently-used order: every take moves its key to the end. */
  readonly #buckets: BoundedMap<string, Bucket>;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0 && options.burst >= 1 && options.maxKeys >= 1))
      throw new RangeError('token bucket: rate > 0, burst >= 1 and maxKeys >= 1 are required');
    this.#options = options;
    this.#buckets = new BoundedMap(options.maxKeys);
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `key` at time `now` (ms); false when the bucket is empty. */
  take(key: string, now: number): boolean {
    const { ratePerSecond, burst } = this.#options;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(burst, bucket.tokens + (elapsed * ratePerSecond) / 1000);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    // The most recently seen now; beyond maxKeys the least recently seen goes.
    this.#buckets.renew(key, bucket);
    return allowed;
  }
}
