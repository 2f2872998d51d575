import type { Clock, TimerHandle } from './clock.js';

/**
 * Many keyed deadlines on one timer: a registrar's bindings, an event server's subscriptions —
 * tens of thousands of expiries that mostly move (each refresh) and rarely fire. One timer per
 * key cost ~600 bytes each (a Node Timeout, its closures and list links); here a key costs a Map
 * entry and a heap slot. `set` replaces a key's deadline, `delete` drops it; `onDue(key)` is called
 * once `clock.now()` has reached the key's deadline (never earlier: the Clock's promise), after
 * the key was removed, so `onDue` may set it again. Keys due together fire in deadline order.
 *
 * A min-heap ordered by deadline with lazy deletion: a moved or deleted key leaves its old slot,
 * skipped when it comes to the top (its deadline no longer matches the key's), and the heap is
 * rebuilt from the live keys when stale slots outnumber them. The timer is moved only when the
 * earliest deadline moves earlier, so a refresh (a later deadline) costs no timer work.
 */
export class Deadlines<K> {
  readonly #clock: Clock;
  readonly #onDue: (key: K) => void;
  readonly #due = new Map<K, number>();
  #at: number[] = [];
  #keys: K[] = [];
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #firing = false;

  constructor(clock: Clock, onDue: (key: K) => void) {
    this.#clock = clock;
    this.#onDue = onDue;
  }

  /** Keys with a deadline. */
  get size(): number {
    return this.#due.size;
  }

  /** The key's deadline (ms since the epoch), if it has one. */
  get(key: K): number | undefined {
    return this.#due.get(key);
  }

  /** Sets (or moves) the key's deadline to `at`, in ms since the epoch. */
  set(key: K, at: number): void {
    const when = Number.isFinite(at) ? at : this.#clock.now();
    if (this.#due.get(key) === when) return;
    this.#due.set(key, when);
    this.#push(when, key);
    if (this.#at.length > 64 && this.#at.length > 2 * this.#due.size) this.#rebuild();
    if (!this.#firing && when < this.#timerAt) this.#arm(when);
  }

  delete(key: K): void {
    this.#due.delete(key);
    if (this.#due.size === 0) this.#reset();
  }

  /** Drops every deadline and the timer. */
  clear(): void {
    this.#due.clear();
    this.#reset();
  }

  #reset(): void {
    this.#at = [];
    this.#keys = [];
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #arm(at: number): void {
    this.#timer?.cancel();
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, at - this.#clock.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#firing = true;
    try {
      const now = this.#clock.now();
      while (this.#at.length > 0 && (this.#at[0] as number) <= now) {
        const at = this.#at[0] as number;
        const key = this.#keys[0] as K;
        this.#pop();
        if (this.#due.get(key) !== at) continue;
        this.#due.delete(key);
        this.#onDue(key);
      }
    } finally {
      this.#firing = false;
      this.#skipStale();
      const next = this.#at[0];
      if (next !== undefined) this.#arm(next);
    }
  }

  /** Drops stale slots from the top, so that the timer is armed for a live deadline. */
  #skipStale(): void {
    while (this.#at.length > 0 && this.#due.get(this.#keys[0] as K) !== this.#at[0]) this.#pop();
  }

  #rebuild(): void {
    const at: number[] = [];
    const keys: K[] = [];
    for (const [key, when] of this.#due) {
      at.push(when);
      keys.push(key);
    }
    this.#at = at;
    this.#keys = keys;
    for (let i = (at.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  #push(at: number, key: K): void {
    this.#at.push(at);
    this.#keys.push(key);
    let i = this.#at.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.#at[parent] as number) <= at) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #pop(): void {
    const lastAt = this.#at.pop() as number;
    const lastKey = this.#keys.pop() as K;
    if (this.#at.length === 0) return;
    this.#at[0] = lastAt;
    this.#keys[0] = lastKey;
    this.#down(0);
  }

  #down(start: number): void {
    const n = this.#at.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && (this.#at[right] as number) < (this.#at[left] as number) ? right : left;
      if ((this.#at[child] as number) >= (this.#at[i] as number)) return;
      this.#swap(i, child);
      i = child;
    }
  }

  #swap(a: number, b: number): void {
    const at = this.#at[a] as number;
    this.#at[a] = this.#at[b] as number;
    this.#at[b] = at;
    const key = this.#keys[a] as K;
    this.#keys[a] = this.#keys[b] as K;
    this.#keys[b] = key;
  }
}
