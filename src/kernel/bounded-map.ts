/**
 * A Map that holds at most `capacity` entries and forgets the oldest first — caches, replay
 * windows, per-source state — with every operation O(1) however many entries come and go.
 *
 * Why not a Map and `map.keys().next()` for the oldest: V8 leaves a deleted entry as a hole until
 * the table is rehashed, and an iterator starts at the front, walking every hole. In steady
 * eviction the front is all holes: finding the oldest walked up to half the table — a digest
 * nonce check at 100,000 tracked nonces went from 2 µs to 20–118 µs, a parse cache of 512 texts
 * spent 0.7 µs a lookup (docs/performance.md, SIP). Here the order of insertion is kept in an
 * array of keys, each with the stamp of its insertion; a key deleted or re-inserted leaves a
 * stale element there, skipped when reached and compacted away before the array holds more than
 * about twice the live entries.
 *
 * Order is the order of insertion, as in a Map: `set` of a present key changes its value in place;
 * `renew` makes it the newest.
 */
interface Slot<V> {
  value: V;
  readonly stamp: number;
}

export class BoundedMap<K, V> {
  readonly #capacity: number;
  readonly #slots = new Map<K, Slot<V>>();
  /** Keys in order of insertion from `#head` on, with their stamps; stale ones among them. */
  #keys: K[] = [];
  #stamps: number[] = [];
  #head = 0;
  #nextStamp = 0;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#slots.size;
  }

  get capacity(): number {
    return this.#capacity;
  }

  get(key: K): V | undefined {
    return this.#slots.get(key)?.value;
  }

  has(key: K): boolean {
    return this.#slots.has(key);
  }

  /** Sets the value; a new key is the newest, and the oldest go while there are too many. */
  set(key: K, value: V): this {
    const slot = this.#slots.get(key);
    if (slot !== undefined) slot.value = value;
    else this.#insert(key, value);
    return this;
  }

  /** Sets the value and makes the key the newest (a refreshed cache entry, say). */
  renew(key: K, value: V): this {
    this.#slots.delete(key);
    this.#insert(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.#slots.delete(key);
  }

  clear(): void {
    this.#slots.clear();
    this.#keys = [];
    this.#stamps = [];
    this.#head = 0;
  }

  /** The oldest entry, or undefined when empty. */
  oldest(): [K, V] | undefined {
    while (this.#head < this.#keys.length) {
      const key = this.#keys[this.#head] as K;
      const slot = this.#slots.get(key);
      if (slot !== undefined && slot.stamp === this.#stamps[this.#head]) return [key, slot.value];
      this.#head++;
    }
    return undefined;
  }

  /** Entries, oldest first. A full walk: for sweeps and tests, not for the request path. */
  *entries(): IterableIterator<[K, V]> {
    for (const [key, slot] of this.#slots) yield [key, slot.value];
  }

  *keys(): IterableIterator<K> {
    yield* this.#slots.keys();
  }

  *values(): IterableIterator<V> {
    for (const slot of this.#slots.values()) yield slot.value;
  }

  #insert(key: K, value: V): void {
    const stamp = this.#nextStamp++;
    this.#slots.set(key, { value, stamp });
    this.#keys.push(key);
    this.#stamps.push(stamp);
    while (this.#slots.size > this.#capacity) {
      const oldest = this.oldest();
      if (oldest === undefined) break;
      this.#slots.delete(oldest[0]);
      this.#head++;
    }
    // Compacting costs the live entries; it comes after at least as many pushes: O(1) amortized,
    // and a small map renewed on every request (a token bucket) keeps a small array.
    const held = this.#keys.length - this.#head;
    if (held > 2 * this.#slots.size + 64 || this.#head > this.#slots.size + 64) this.#compact();
  }

  /** The key array rebuilt from the live entries (the Map's order is the order of insertion). */
  #compact(): void {
    const keys: K[] = [];
    const stamps: number[] = [];
    for (const [key, slot] of this.#slots) {
      keys.push(key);
      stamps.push(slot.stamp);
    }
    this.#keys = keys;
    this.#stamps = stamps;
    this.#head = 0;
  }
}
