/**
 * RFC 3261 §17 — the named timers of one transaction (A…M), each started, restarted or cancelled by the
 * state machine, all cancelled when it terminates, all from the injected Clock.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';

export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying';

export class TransactionTimers {
  readonly #clock: Clock;
  readonly #running = new Map<TimerName, TimerHandle>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Starts (or restarts) the timer `name`. */
  start(name: TimerName, delayMs: number, fired: () => void): void {
    this.cancel(name);
    const handle = this.#clock.setTimeout(() => {
      this.#running.delete(name);
      fired();
    }, delayMs);
    this.#running.set(name, handle);
  }

  cancel(...names: TimerName[]): void {
    for (const name of names) {
      this.#running.get(name)?.cancel();
      this.#running.delete(name);
    }
  }

  cancelAll(): void {
    for (const handle of this.#running.values()) handle.cancel();
    this.#running.clear();
  }

  /** The timers now running, for tests and diagnostics. */
  get running(): TimerName[] {
    return [...this.#running.keys()].sort();
  }
}
