import { BoundedMap } from '../../kernel/bounded-map.js';

/**
 * Failed-login throttling (SPEC S4: per-IP and per-account rate limits): a key that failed
 * `limit` times in the last `windowMs` is refused until its oldest failure leaves the window.
 * Memory is bounded: beyond `maxKeys`, the stalest keys are forgotten.
 */
export class LoginThrottle {
  /** Stalest first: a failure makes its key the newest; beyond `maxKeys` the stalest goes. */
  readonly #failures: BoundedMap<string, number[]>;
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(options: { limit: number; windowMs: number; maxKeys?: number }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#failures = new BoundedMap(options.maxKeys ?? 100_000);
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfter(key: string, now: number): number {
    const recent = this.#recent(key, now);
    if (recent.length < this.#limit) return 0;
    return (recent[recent.length - this.#limit] ?? now) + this.#windowMs - now;
  }

  recordFailure(key: string, now: number): void {
    const recent = this.#recent(key, now);
    recent.push(now);
    this.#failures.renew(key, recent.slice(-this.#limit));
  }

  reset(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => now - t < this.#windowMs);
  }
}
