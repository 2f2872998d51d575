/**
 * Which users are known to have no offline messages (ADR 0008's table): every SIP REGISTER and
 * every XMPP login asks the OfflineStore for the user's waiting messages (XEP-0160), and almost
 * always there are none. An empty answer is remembered for `ttlMs`; the MessageService drops it
 * the moment it stores a message for that user, before and after the write, and a read that was
 * in flight while one was stored is not remembered. A message stored by another process (another
 * node, later) is seen within `ttlMs`.
 */
import { BoundedMap } from '../../kernel/bounded-map.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserId } from '../ports.js';

export interface OfflineEmptinessOptions {
  readonly clock: Clock;
  /** How long an empty answer is believed (0: never remembered). */
  readonly ttlMs: number;
  /** Users remembered at most; beyond it the oldest are forgotten. */
  readonly maxEntries: number;
}

export class OfflineEmptiness {
  readonly #o: OfflineEmptinessOptions;
  /** User → until when their offline box is known empty, oldest first. */
  readonly #emptyUntil: BoundedMap<UserId, number>;
  /** Reads in flight per user, and whether a message was stored for the user meanwhile. */
  readonly #reading = new Map<UserId, { count: number; stored: boolean }>();

  constructor(options: OfflineEmptinessOptions) {
    this.#o = options;
    this.#emptyUntil = new BoundedMap(options.maxEntries);
  }

  /** `read()`'s answer, or none without asking when the box is known empty. */
  async read<T>(userId: UserId, read: () => Promise<readonly T[]>): Promise<readonly T[]> {
    const until = this.#emptyUntil.get(userId);
    if (until !== undefined) {
      if (until > this.#o.clock.now()) return [];
      this.#emptyUntil.delete(userId);
    }
    const reading = this.#reading.get(userId) ?? { count: 0, stored: false };
    reading.count++;
    this.#reading.set(userId, reading);
    try {
      const records = await read();
      if (records.length === 0 && !reading.stored) this.#rememberEmpty(userId);
      return records;
    } finally {
      if (--reading.count === 0) this.#reading.delete(userId);
    }
  }

  /** A message is being (or was just) stored for the user: their box is not known empty. */
  stored(userId: UserId): void {
    this.#emptyUntil.delete(userId);
    const reading = this.#reading.get(userId);
    if (reading) reading.stored = true;
  }

  #rememberEmpty(userId: UserId): void {
    if (this.#o.ttlMs <= 0) return;
    this.#emptyUntil.renew(userId, this.#o.clock.now() + this.#o.ttlMs);
  }
}
