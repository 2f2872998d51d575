import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  id: number;
  at: number;
  period: number | null;
  callback: () => void;
}

/** A Clock that only moves when a test says so; timers fire in time order during advance(). */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers = new Map<number, PendingTimer>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.#add(callback, delayMs, null);
  }

  setInterval(callback: () => void, periodMs: number): TimerHandle {
    return this.#add(callback, periodMs, Math.max(1, periodMs));
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = [...this.#timers.values()].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next || next.at > target) break;
      this.#now = next.at;
      if (next.period === null) this.#timers.delete(next.id);
      else next.at += next.period;
      next.callback();
    }
    this.#now = target;
  }

  #add(callback: () => void, delayMs: number, period: number | null): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, delayMs), period, callback });
    return { cancel: () => this.#timers.delete(id) };
  }
}
