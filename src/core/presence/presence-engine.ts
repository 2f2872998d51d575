/**
 * PresenceEngine (DESIGN.md: it owns the sources and the composed presence): adapters feed it
 * sources; it composes with compose() and tells listeners `presenceChanged` only on a real
 * change. Time moves presence too — a publication expires, a vacation ends, a meeting starts —
 * so the engine sets one timer per person at their next boundary, from the injected Clock.
 */
import type { Clock } from '../../kernel/clock.js';
import { Deadlines } from '../../kernel/deadlines.js';
import type { UserId } from '../ports.js';
import { type ComposedPresence, compose } from './compose.js';
import type { PresenceSource } from './presence-source.js';

export type PresenceChangedListener = (change: {
  readonly userId: UserId;
  readonly presence: ComposedPresence;
  readonly previous: ComposedPresence;
}) => void;

const sameSourceKey = (a: PresenceSource, b: PresenceSource): boolean => a.kind === b.kind && a.id === b.id;

export function samePresence(a: ComposedPresence, b: ComposedPresence): boolean {
  return (
    a.availability === b.availability &&
    a.note === b.note &&
    a.isInvisible === b.isInvisible &&
    a.until === b.until &&
    a.winner?.kind === b.winner?.kind &&
    a.winner?.id === b.winner?.id &&
    a.activities.join() === b.activities.join()
  );
}

/** The next instant at which the sources alone would change the composed presence. */
export function nextBoundary(sources: readonly PresenceSource[], now: number): number | null {
  let next = Number.POSITIVE_INFINITY;
  const consider = (t: number | null) => {
    if (t !== null && t > now && t < next) next = t;
  };
  for (const s of sources) {
    if (s.kind === 'client') consider(s.expiresAt);
    else if (s.kind === 'manual') consider(s.until);
    else if (s.kind === 'calendar')
      for (const b of s.busy) {
        consider(b.start);
        consider(b.end);
      }
  }
  return Number.isFinite(next) ? next : null;
}

export class PresenceEngine {
  readonly #clock: Clock;
  readonly #sources = new Map<UserId, PresenceSource[]>();
  readonly #composed = new Map<UserId, ComposedPresence>();
  /** Each user's next recomposition (a source's expiry, a meeting's edge), on one timer. */
  readonly #boundaries: Deadlines<UserId>;
  readonly #listeners: PresenceChangedListener[] = [];
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: { clock: Clock; onListenerError?: (error: unknown) => void }) {
    this.#clock = options.clock;
    this.#onListenerError = options.onListenerError ?? (() => {});
    this.#boundaries = new Deadlines(options.clock, (userId) => this.#recompose(userId));
  }

  onChanged(listener: PresenceChangedListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Adds or replaces a source (same kind and id). */
  update(userId: UserId, source: PresenceSource): void {
    const sources = (this.#sources.get(userId) ?? []).filter((s) => !sameSourceKey(s, source));
    sources.push(source);
    this.#sources.set(userId, sources);
    this.#recompose(userId);
  }

  remove(userId: UserId, kind: PresenceSource['kind'], id: string): void {
    const sources = this.#sources.get(userId);
    if (!sources) return;
    const rest = sources.filter((s) => !(s.kind === kind && s.id === id));
    if (rest.length === sources.length) return;
    if (rest.length === 0) this.#sources.delete(userId);
    else this.#sources.set(userId, rest);
    this.#recompose(userId);
  }

  sourcesOf(userId: UserId): readonly PresenceSource[] {
    return this.#sources.get(userId) ?? [];
  }

  /** The composed presence now (offline for someone the engine has never heard of). */
  presenceOf(userId: UserId): ComposedPresence {
    return this.#composed.get(userId) ?? compose([], this.#clock.now());
  }

  close(): void {
    this.#boundaries.clear();
  }

  #recompose(userId: UserId): void {
    const now = this.#clock.now();
    const sources = this.#sources.get(userId) ?? [];
    const previous = this.presenceOf(userId);
    const presence = compose(sources, now);
    if (sources.length === 0) this.#composed.delete(userId);
    else this.#composed.set(userId, presence);
    this.#schedule(userId, sources, now);
    if (samePresence(previous, presence)) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener({ userId, presence, previous });
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  #schedule(userId: UserId, sources: readonly PresenceSource[], now: number): void {
    const at = nextBoundary(sources, now);
    if (at === null) this.#boundaries.delete(userId);
    else this.#boundaries.set(userId, at);
  }
}
