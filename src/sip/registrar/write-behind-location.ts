/**
 * The registrar's bindings (RFC 3261 §10.3) in memory, written behind to the LocationStore
 * (docs/adr/0009-sip-bindings-in-memory.md): every read — the registrar's, the proxy's target
 * lookup, a MESSAGE's delivery — is answered from this node's map; a user's changes are queued and
 * written in the background, the latest per user, at most `flushMs` after they were made, and at
 * once on close. At start the live bindings are read back from the store (they survive a restart).
 * https://www.rfc-editor.org/rfc/rfc3261#section-10.3
 *
 * What a crash loses: the changes of the last `flushMs` (the UAs re-register within their
 * interval, as with Kamailio's usrloc in write-back mode). A store write that fails is kept and
 * tried again at the next flush; one refused because the user is gone drops that user's bindings.
 */
import type { LocationStore, SipBindingRecord, UserId } from '../../core/ports.js';
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { invalid, isHeraldError } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/log.js';

export interface WriteBehindLocationOptions {
  /** Where the bindings are kept across restarts. */
  readonly store: LocationStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** How long a change may wait before it is written (0: written at once, still in the background). */
  readonly flushMs: number;
}

/** A failed write is tried again after at least this long (the store may be down). */
const RETRY_MS = 1000;

/**
 * The LocationStore contract's argument rules (core/ports.ts), checked here because a change is
 * taken before the store sees it: every binding is the user's and each contact appears once.
 */
function checkBindings(userId: UserId, bindings: readonly SipBindingRecord[]): void {
  const contacts = new Set<string>();
  for (const binding of bindings) {
    if (binding.userId !== userId || contacts.has(binding.contact))
      throw invalid(`bindings of ${userId}: another user's binding or a repeated contact`, 'bindings');
    contacts.add(binding.contact);
  }
}

/** The same binding but for what a refresh moves (expiry, CSeq, Call-ID, updatedAt). */
const sameBinding = (a: SipBindingRecord, b: SipBindingRecord): boolean =>
  a.contact === b.contact &&
  a.flowId === b.flowId &&
  a.transport === b.transport &&
  a.q === b.q &&
  a.instanceId === b.instanceId &&
  a.regId === b.regId &&
  a.userAgent === b.userAgent;

/**
 * A refresh the store need not see yet: the same bindings, only later expiries (and a new CSeq or
 * Call-ID), while the stored copy still has at least three quarters of the new lifetime left. A
 * UA that refreshes that often (NAT keep-alive REGISTERs every few seconds or minutes) refreshes
 * again long before a restart could find its stored binding expired.
 */
function isEarlyRefresh(
  written: readonly SipBindingRecord[],
  bindings: readonly SipBindingRecord[],
  now: number,
): boolean {
  if (written.length !== bindings.length) return false;
  return bindings.every((b, i) => {
    const stored = written[i];
    return (
      stored !== undefined &&
      sameBinding(stored, b) &&
      stored.expiresAt - now >= ((b.expiresAt - now) * 3) / 4
    );
  });
}

const byContact = (a: SipBindingRecord, b: SipBindingRecord): number =>
  a.contact < b.contact ? -1 : a.contact > b.contact ? 1 : 0;

export class WriteBehindLocation implements LocationStore {
  readonly #o: WriteBehindLocationOptions;
  /** Each user's bindings, ordered by contact; expired ones stay until purgeExpired. */
  readonly #byUser = new Map<UserId, readonly SipBindingRecord[]>();
  /** Users whose bindings changed since they were last written: the latest set of each. */
  #dirty = new Map<UserId, readonly SipBindingRecord[]>();
  /** What the store was last given of each user (known from `load` and successful writes). */
  readonly #written = new Map<UserId, readonly SipBindingRecord[]>();
  #timer: TimerHandle | undefined;
  #flushing: Promise<void> | undefined;
  #isClosed = false;

  constructor(options: WriteBehindLocationOptions) {
    this.#o = options;
  }

  /** Changes not yet written to the store. */
  get pending(): number {
    return this.#dirty.size;
  }

  /** Reads the store's live bindings (after a restart); returns how many there were. */
  async load(limit: number): Promise<number> {
    const stored = await this.#o.store.liveBindings(this.#o.clock.now(), limit);
    const grouped = new Map<UserId, SipBindingRecord[]>();
    for (const binding of stored) {
      const list = grouped.get(binding.userId);
      if (list) list.push(binding);
      else grouped.set(binding.userId, [binding]);
    }
    for (const [userId, bindings] of grouped) {
      if (this.#dirty.has(userId)) continue;
      const sorted = bindings.sort(byContact);
      this.#byUser.set(userId, sorted);
      this.#written.set(userId, sorted);
    }
    return stored.length;
  }

  async bindingsOf(userId: UserId, now: number): Promise<SipBindingRecord[]> {
    return this.liveOf(userId, now);
  }

  /** bindingsOf without the promise, for callers on the request path. */
  liveOf(userId: UserId, now: number): SipBindingRecord[] {
    const bindings = this.#byUser.get(userId);
    if (bindings === undefined) return [];
    return bindings.filter((binding) => binding.expiresAt > now);
  }

  async replaceBindings(userId: UserId, bindings: readonly SipBindingRecord[]): Promise<void> {
    this.replace(userId, bindings);
  }

  /**
   * Takes the user's new bindings at once (every later read sees them) and queues their write.
   * HERALD_ERR_VALIDATION when one is another user's or a contact repeats (as the store would).
   */
  replace(userId: UserId, bindings: readonly SipBindingRecord[]): void {
    checkBindings(userId, bindings);
    const sorted = [...bindings].sort(byContact);
    if (sorted.length === 0) this.#byUser.delete(userId);
    else this.#byUser.set(userId, sorted);
    const written = this.#written.get(userId);
    if (!this.#dirty.has(userId) && written && isEarlyRefresh(written, sorted, this.#o.clock.now())) return;
    this.#dirty.set(userId, sorted);
    this.#schedule();
  }

  /** Forgets a removed user's bindings here; the store removed its rows with the user. */
  forget(userId: UserId): void {
    this.#byUser.delete(userId);
    this.#dirty.delete(userId);
    this.#written.delete(userId);
  }

  async liveBindings(now: number, limit: number): Promise<SipBindingRecord[]> {
    if (!Number.isSafeInteger(limit) || limit < 0)
      throw invalid('limit must be a non-negative integer', 'limit');
    const users = [...this.#byUser.keys()].sort();
    const live: SipBindingRecord[] = [];
    for (const userId of users) {
      for (const binding of this.liveOf(userId, now)) {
        if (live.length >= limit) return live;
        live.push(binding);
      }
    }
    return live;
  }

  async purgeExpired(now: number): Promise<number> {
    let removed = 0;
    for (const [userId, bindings] of this.#byUser) {
      const live = bindings.filter((binding) => binding.expiresAt > now);
      removed += bindings.length - live.length;
      if (live.length === 0) this.#byUser.delete(userId);
      else if (live.length < bindings.length) this.#byUser.set(userId, live);
      if (live.length < bindings.length) this.#written.delete(userId);
    }
    // The store's rows expire by the same rule (and its count includes rows of a crash's past).
    const stored = await this.#o.store.purgeExpired(now);
    return Math.max(removed, stored);
  }

  /** Writes every queued change now; resolves when the store has them (or kept them for a retry). */
  async flush(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    while (this.#flushing) await this.#flushing;
    if (this.#dirty.size === 0) return;
    const batch = this.#dirty;
    this.#dirty = new Map();
    this.#flushing = this.#write(batch);
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Writes what is queued and stops scheduling; reads still answer (the stack closes after). */
  async close(): Promise<void> {
    this.#isClosed = true;
    await this.flush();
  }

  #schedule(delayMs = this.#o.flushMs): void {
    if (this.#timer !== undefined || this.#isClosed) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delayMs);
  }

  async #write(batch: Map<UserId, readonly SipBindingRecord[]>): Promise<void> {
    const { store, log } = this.#o;
    let failed = 0;
    let lastError: unknown;
    // Issued together, so the SQL store's group commit gives them one transaction (or a few).
    await Promise.all(
      [...batch].map(async ([userId, bindings]) => {
        try {
          await store.replaceBindings(userId, bindings);
          if (bindings.length === 0) this.#written.delete(userId);
          else this.#written.set(userId, bindings);
        } catch (error) {
          if (isHeraldError(error, 'HERALD_ERR_NOT_FOUND')) {
            // The user was removed meanwhile: their bindings go with them.
            this.forget(userId);
            return;
          }
          failed++;
          lastError = error;
          // Kept for the next flush unless a newer change of the user is already queued.
          if (!this.#dirty.has(userId)) this.#dirty.set(userId, bindings);
        }
      }),
    );
    if (failed > 0) {
      log.warn({ err: lastError, users: failed }, 'writing SIP bindings to the store failed; retrying');
      this.#schedule(Math.max(this.#o.flushMs, RETRY_MS));
    }
  }
}
