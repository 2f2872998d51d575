/**
 * Detached sessions waiting for XEP-0198 resumption (§5), each for at most its `max` seconds.
 * When the time runs out (or the session is closed meanwhile) its finish callback ends it.
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import type { BoundSession } from './bound-session.js';

export class ResumableSessions {
  readonly #waiting = new Map<string, { session: BoundSession; timer: TimerHandle; finish: () => void }>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  hold(smId: string, session: BoundSession, seconds: number, finish: () => void): void {
    const end = () => {
      const entry = this.#waiting.get(smId);
      if (entry?.session !== session) return;
      entry.timer.cancel();
      this.#waiting.delete(smId);
      session.onDetachedClose = null;
      finish();
    };
    session.onDetachedClose = end;
    this.#waiting.set(smId, { session, timer: this.#clock.setTimeout(end, seconds * 1000), finish: end });
  }

  peek(smId: string): BoundSession | undefined {
    return this.#waiting.get(smId)?.session;
  }

  /** The waiting session, taken out of waiting; undefined if none (or it timed out). */
  take(smId: string): BoundSession | undefined {
    const entry = this.#waiting.get(smId);
    if (!entry) return undefined;
    entry.timer.cancel();
    this.#waiting.delete(smId);
    entry.session.onDetachedClose = null;
    return entry.session;
  }

  get size(): number {
    return this.#waiting.size;
  }

  /** Ends every waiting session now (server stopping). */
  finishAll(): void {
    for (const entry of [...this.#waiting.values()]) entry.finish();
  }
}
