/**
 * XEP-0296 (Best Practices for Resource Locking), done by the server for its users (SPEC M2):
 * https://xmpp.org/extensions/xep-0296.html
 *
 * A chat from endpoint R of user B to peer S locks the conversation (B, S) to R (§2.2), so that
 * S's next chats to B's bare address reach R only. A chat from another endpoint of B moves the
 * lock there (§2.3, first bullet). The lock ends when R goes away or changes its presence (SPEC
 * M2; §2.3 unlocks on any resource's presence, which would let one client's auto-away undo
 * another's conversation), when the conversation ends (§2.3 <gone/>), or when it has been idle
 * for `idleMs` (§3.2 leaves the length to implementations).
 *
 * Memory is bounded: beyond `maxLocks` the stalest conversations are forgotten, which only means
 * that their next message forks again.
 */
import type { Clock } from '../../kernel/clock.js';
import { invalid } from '../../kernel/errors.js';
import type { UserId } from '../ports.js';

export interface ResourceLocksOptions {
  readonly clock: Clock;
  /** A conversation idle this long is unlocked; default 10 minutes. */
  readonly idleMs?: number;
  /** Default 100 000. */
  readonly maxLocks?: number;
}

export const DEFAULT_LOCK_IDLE_MS = 10 * 60_000;
export const DEFAULT_MAX_LOCKS = 100_000;

interface Lock {
  readonly key: string;
  readonly endpointId: string;
  readonly lastActiveAt: number;
}

/** Whether a lock last used at `lastActiveAt` still holds at `now` (the §3.2 idle rule). */
export function isLockFresh(lastActiveAt: number, now: number, idleMs: number): boolean {
  return now - lastActiveAt < idleMs;
}

// U+0000 appears in no JID, SIP URI or user id, so the pair cannot be confused.
const keyOf = (userId: UserId, peer: string): string => `${userId}\u0000${peer}`;

export class ResourceLocks {
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #maxLocks: number;
  /** Least recently active first: every write re-inserts. */
  readonly #locks = new Map<string, Lock>();
  readonly #byEndpoint = new Map<string, Set<string>>();

  constructor(options: ResourceLocksOptions) {
    this.#clock = options.clock;
    this.#idleMs = options.idleMs ?? DEFAULT_LOCK_IDLE_MS;
    this.#maxLocks = options.maxLocks ?? DEFAULT_MAX_LOCKS;
    if (!(this.#idleMs > 0)) throw invalid('idleMs must be positive', 'idleMs');
    if (!Number.isSafeInteger(this.#maxLocks) || this.#maxLocks < 1)
      throw invalid('maxLocks must be a positive integer', 'maxLocks');
  }

  /** Endpoint `endpointId` of `userId` sent a chat to `peer` (a bare address): lock to it. */
  lock(userId: UserId, peer: string, endpointId: string): void {
    const key = keyOf(userId, peer);
    this.#delete(key);
    this.#locks.set(key, { key, endpointId, lastActiveAt: this.#clock.now() });
    const keys = this.#byEndpoint.get(endpointId) ?? new Set<string>();
    this.#byEndpoint.set(endpointId, keys.add(key));
    this.#sweep();
  }

  /** The endpoint id the conversation is locked to, or null. */
  lockedTo(userId: UserId, peer: string): string | null {
    const key = keyOf(userId, peer);
    const lock = this.#locks.get(key);
    if (!lock) return null;
    if (isLockFresh(lock.lastActiveAt, this.#clock.now(), this.#idleMs)) return lock.endpointId;
    this.#delete(key);
    return null;
  }

  /** A message went through the lock: the conversation is not idle. */
  touch(userId: UserId, peer: string): void {
    const key = keyOf(userId, peer);
    const lock = this.#locks.get(key);
    if (!lock) return;
    this.#locks.delete(key);
    this.#locks.set(key, { ...lock, lastActiveAt: this.#clock.now() });
  }

  /** The conversation ended (XEP-0296 §2.3: a <gone/> chat state). */
  release(userId: UserId, peer: string): boolean {
    return this.#delete(keyOf(userId, peer));
  }

  /** The endpoint changed its presence (SPEC M2): its conversations fork again. */
  endpointChanged(endpointId: string): number {
    return this.#releaseEndpoint(endpointId);
  }

  /** The endpoint went away. */
  endpointGone(endpointId: string): number {
    return this.#releaseEndpoint(endpointId);
  }

  /** Locks held, idle ones included until they are next looked at or swept. */
  get size(): number {
    return this.#locks.size;
  }

  #releaseEndpoint(endpointId: string): number {
    const keys = [...(this.#byEndpoint.get(endpointId) ?? [])];
    for (const key of keys) this.#delete(key);
    return keys.length;
  }

  /** Drops idle locks from the stale end, then the stalest beyond the bound. */
  #sweep(): void {
    const now = this.#clock.now();
    for (const lock of this.#locks.values()) {
      if (isLockFresh(lock.lastActiveAt, now, this.#idleMs) && this.#locks.size <= this.#maxLocks) break;
      this.#delete(lock.key);
    }
  }

  #delete(key: string): boolean {
    const lock = this.#locks.get(key);
    if (!lock) return false;
    this.#locks.delete(key);
    const keys = this.#byEndpoint.get(lock.endpointId);
    keys?.delete(key);
    if (keys?.size === 0) this.#byEndpoint.delete(lock.endpointId);
    return true;
  }
}
