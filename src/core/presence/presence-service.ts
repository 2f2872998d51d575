/**
 * PresenceService: the one place every protocol adapter asks "what is this person's presence,
 * and may this watcher see it?" (SPEC P1–P4). It owns the PresenceEngine (the sources and the
 * composed state) and applies the watch policy: the same roster subscription serves XMPP and SIP
 * watchers, so an approval given on either side serves both (RFC 6121 §3; RFC 3856 §6.6 leaves
 * authorization to the presence agent's policy).
 */
import type { Clock } from '../../kernel/clock.js';
import { ownString } from '../../kernel/own-string.js';
import { bareJid, parseJid } from '../address/jid.js';
import type { UserId } from '../ports.js';
import type { RosterEffectsRelay } from '../roster/roster-effects-relay.js';
import { type ComposedPresence, compose } from './compose.js';
import { type PresenceChangedListener, PresenceEngine } from './presence-engine.js';
import type { PresenceSource } from './presence-source.js';

/**
 * How the owner's roster answers a watcher: `approved` sees the presence; `pending` waits for the
 * owner's answer (RFC 6665 "pending"); `none` has not asked; `blocked` is refused and sees offline
 * ("closed" in PIDF) without being told why.
 */
export type WatchDecision = 'self' | 'approved' | 'pending' | 'none' | 'blocked';

/** What the presence service needs from the roster and the block list (both core services). */
export interface WatchFacts {
  /** The owner's bare address (user@domain). */
  addressOf(ownerId: UserId): Promise<string | undefined>;
  /** The owner's roster record for `watcher` (bare), if any. */
  rosterItem(
    ownerId: UserId,
    watcher: string,
  ): Promise<{ subscription: 'none' | 'to' | 'from' | 'both'; pendingIn: boolean } | undefined>;
  isBlocked(ownerId: UserId, address: string): Promise<boolean>;
}

type RosterRecord = Awaited<ReturnType<WatchFacts['rosterItem']>>;

/** What the owner's roster record says of a watcher, all the watch policy reads of it. */
export type RosterAnswer = 'approved' | 'pending' | 'none';

/** The pure rule of the roster: `from` or `both` is approved; an unanswered request pends. */
export function rosterAnswerOf(item: RosterRecord): RosterAnswer {
  if (item && (item.subscription === 'from' || item.subscription === 'both')) return 'approved';
  return item?.pendingIn ? 'pending' : 'none';
}

/** How long a cached roster answer is trusted without a change being announced (a backstop). */
export const DEFAULT_WATCH_CACHE_TTL_MS = 60_000;
/** Cached (owner, watcher) roster answers; beyond it the oldest owners are dropped. */
export const DEFAULT_WATCH_CACHE_SIZE = 100_000;

/**
 * One owner's cached answers, all read since `at` and trusted until `at` + the cache's lifetime.
 * An answer is kept as its value once read (a promise only while the read is in flight): a server
 * with 10,000 SIP watchers held 10,000 roster records, promises and timestamps, ~390 bytes each
 * (docs/performance.md, SIP memory).
 */
interface CachedOwner {
  readonly address: Promise<string | undefined>;
  readonly at: number;
  /** The owner's roster answer for each watcher (bare). */
  readonly items: Map<string, RosterAnswer | Promise<RosterAnswer>>;
}

/** The pure rule: what the roster's answer and the block list say of a watcher. */
export function decideWatch(input: {
  readonly isSelf: boolean;
  readonly isBlocked: boolean;
  readonly roster: RosterAnswer;
}): WatchDecision {
  if (input.isSelf) return 'self';
  if (input.isBlocked) return 'blocked';
  return input.roster;
}

const OFFLINE: ComposedPresence = compose([], 0);

/** What a watcher with `decision` sees of `presence`: invisible and unauthorized are offline. */
export function presenceSeenBy(presence: ComposedPresence, decision: WatchDecision): ComposedPresence {
  if (decision === 'self') return presence;
  if (decision !== 'approved' || presence.isInvisible) return OFFLINE;
  return presence;
}

export interface PresenceServiceOptions {
  readonly clock: Clock;
  readonly facts: WatchFacts;
  readonly onListenerError?: (error: unknown) => void;
  /**
   * Every roster change, as the adapters announce them. Given, the watch policy's roster reads
   * are cached per (owner, watcher) — a presence change fans out to every watcher, and each
   * NOTIFY or probe answer asks the policy — and an owner's answers are dropped whenever an
   * announcement concerns them (`watchPolicyChanged`). The block list is not cached here: it is
   * asked every time (the BlockService keeps it in memory and replaces it on every change).
   */
  readonly rosterChanges?: Pick<RosterEffectsRelay, 'onEffects'>;
  /** A cached answer older than this is read again even with no change announced (default 60 s). */
  readonly watchCacheTtlMs?: number;
  readonly watchCacheSize?: number;
}

export class PresenceService {
  readonly engine: PresenceEngine;
  readonly #facts: WatchFacts;
  readonly #clock: Clock;
  /** Null without a change feed: nothing could tell the cache that a roster changed. */
  readonly #cache: Map<UserId, CachedOwner> | null;
  readonly #ttlMs: number;
  readonly #maxCached: number;
  #cached = 0;
  readonly #offChanges: () => void;

  constructor(options: PresenceServiceOptions) {
    this.engine = new PresenceEngine({
      clock: options.clock,
      ...(options.onListenerError ? { onListenerError: options.onListenerError } : {}),
    });
    this.#facts = options.facts;
    this.#clock = options.clock;
    this.#ttlMs = options.watchCacheTtlMs ?? DEFAULT_WATCH_CACHE_TTL_MS;
    this.#maxCached = options.watchCacheSize ?? DEFAULT_WATCH_CACHE_SIZE;
    this.#cache = options.rosterChanges ? new Map() : null;
    this.#offChanges =
      options.rosterChanges?.onEffects((effects) =>
        this.watchPolicyChanged(effects.map((effect) => effect.userId)),
      ) ?? (() => {});
  }

  /**
   * The rosters of `userIds` may have changed (a roster effect concerns them, or the account
   * went): their cached watch answers are dropped. Every effect names the user it is for, and
   * a change of someone's roster always gives them one (a push, or the request delivered).
   */
  watchPolicyChanged(userIds: Iterable<UserId>): void {
    if (!this.#cache) return;
    for (const userId of userIds) {
      const owner = this.#cache.get(userId);
      if (!owner) continue;
      this.#cached -= owner.items.size;
      this.#cache.delete(userId);
    }
  }

  /** Adds or replaces one of the owner's sources (same kind and id). */
  update(ownerId: UserId, source: PresenceSource): void {
    this.engine.update(ownerId, source);
  }

  remove(ownerId: UserId, kind: PresenceSource['kind'], id: string): void {
    this.engine.remove(ownerId, kind, id);
  }

  /** Tells `listener` of every real change of anyone's composed presence. */
  onChanged(listener: PresenceChangedListener): () => void {
    return this.engine.onChanged(listener);
  }

  /** The composed presence as the owner's own clients see it. */
  presenceOf(ownerId: UserId): ComposedPresence {
    return this.engine.presenceOf(ownerId);
  }

  /** The watch policy for `watcher` (a bare or full JID, or a SIP AoR's user@domain). */
  async decide(ownerId: UserId, watcher: string): Promise<WatchDecision> {
    const jid = parseJid(watcher);
    if (!jid) return 'none';
    const bare = bareJid(jid);
    const owner = await this.addressOf(ownerId);
    if (owner === undefined) return 'none';
    return decideWatch({
      isSelf: bare === owner,
      isBlocked: await this.#facts.isBlocked(ownerId, jid),
      roster: await this.#rosterAnswer(ownerId, bare),
    });
  }

  #owner(ownerId: UserId, now: number): CachedOwner | undefined {
    if (!this.#cache) return undefined;
    const cached = this.#cache.get(ownerId);
    if (cached && now - cached.at < this.#ttlMs) return cached;
    this.watchPolicyChanged([ownerId]);
    const fresh: CachedOwner = { address: this.#facts.addressOf(ownerId), at: now, items: new Map() };
    // A failed read is not kept: the next question reads again.
    fresh.address.catch(() => {
      if (this.#cache?.get(ownerId) === fresh) this.watchPolicyChanged([ownerId]);
    });
    this.#cache.set(ownerId, fresh);
    return fresh;
  }

  /**
   * The owner's bare address (user@domain), from the watch-policy cache: asked on every change
   * of a composed presence (two per call, for the on-the-phone state; docs/performance.md, "SIP").
   */
  addressOf(ownerId: UserId): Promise<string | undefined> {
    return this.#owner(ownerId, this.#clock.now())?.address ?? this.#facts.addressOf(ownerId);
  }

  #rosterAnswer(ownerId: UserId, bare: string): RosterAnswer | Promise<RosterAnswer> {
    const owner = this.#owner(ownerId, this.#clock.now());
    if (!owner || !this.#cache) return this.#facts.rosterItem(ownerId, bare).then(rosterAnswerOf);
    const hit = owner.items.get(bare);
    if (hit !== undefined) return hit;
    // A copy as the key: `bare` is often a concatenation or a slice of a larger string.
    const key = ownString(bare);
    const reading = this.#facts.rosterItem(ownerId, bare).then(rosterAnswerOf);
    owner.items.set(key, reading);
    this.#cached++;
    reading.then(
      (answer) => {
        if (owner.items.get(key) === reading) owner.items.set(key, answer);
      },
      () => {
        // A failed read is not kept: the next question reads again.
        if (owner.items.get(key) === reading) {
          owner.items.delete(key);
          if (this.#cache?.get(ownerId) === owner) this.#cached--;
        }
      },
    );
    // The oldest owners go first when the cache is full (not the one just asked for).
    for (const [id, oldest] of this.#cache) {
      if (this.#cached <= this.#maxCached || id === ownerId) break;
      this.#cached -= oldest.items.size;
      this.#cache.delete(id);
    }
    return reading;
  }

  /** The owner's presence as `watcher` may see it (offline unless approved, or invisible). */
  async presenceFor(ownerId: UserId, watcher: string): Promise<ComposedPresence> {
    return presenceSeenBy(this.presenceOf(ownerId), await this.decide(ownerId, watcher));
  }

  close(): void {
    this.#offChanges();
    this.engine.close();
  }
}
