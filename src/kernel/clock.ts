/** Time is injected (STYLE habit 8): engines take a Clock, unit tests step a FakeClock. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `callback` once `now()` has reached the time `delayMs` from now — never earlier. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  setInterval(callback: () => void, periodMs: number): TimerHandle;
}

/** Node's timers take at most 2^31 − 1 ms (~24.8 days); a longer delay fires after 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** What the system clock is made of (tests give their own). */
export interface TimerPrimitives {
  now(): number;
  set(callback: () => void, delayMs: number): { unref?(): unknown };
  clear(handle: unknown): void;
  every(callback: () => void, periodMs: number): { unref?(): unknown };
  stop(handle: unknown): void;
}

const nodeTimers: TimerPrimitives = {
  now: () => Date.now(),
  set: (callback, delayMs) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
  every: (callback, periodMs) => setInterval(callback, periodMs),
  stop: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * A Clock on real timers that keeps its promise: a timer that fires before `now()` reached its
 * time (Node's loop time and Date.now() differ by a millisecond now and then) is armed again for
 * the rest, and a delay beyond what Node can hold (a vacation a month away) is reached in steps.
 * Timers never keep the process alive.
 */
export function makeSystemClock(timers: TimerPrimitives = nodeTimers): Clock {
  return {
    now: () => timers.now(),
    setTimeout: (callback, delayMs) => new SystemTimer(timers, callback, delayMs),
    setInterval(callback, periodMs) {
      const handle = timers.every(callback, Math.min(Math.max(1, periodMs), MAX_TIMER_DELAY_MS));
      handle.unref?.();
      return { cancel: () => timers.stop(handle) };
    },
  };
}

/**
 * One timer of the system clock: an object and one closure (a server holds thousands of timers —
 * one per transaction — and closures for arm/fire/cancel took three times the memory).
 */
class SystemTimer implements TimerHandle {
  readonly #timers: TimerPrimitives;
  readonly #due: number;
  #callback: (() => void) | undefined;
  #handle: unknown;

  constructor(timers: TimerPrimitives, callback: () => void, delayMs: number) {
    this.#timers = timers;
    this.#callback = callback;
    this.#due = timers.now() + (Number.isFinite(delayMs) ? Math.max(0, delayMs) : 0);
    this.#arm();
  }

  cancel(): void {
    this.#callback = undefined;
    this.#timers.clear(this.#handle);
  }

  #arm(): void {
    const ms = this.#due - this.#timers.now();
    const handle = this.#timers.set(() => this.#fire(), Math.min(Math.max(0, ms), MAX_TIMER_DELAY_MS));
    handle.unref?.();
    this.#handle = handle;
  }

  #fire(): void {
    const callback = this.#callback;
    if (callback === undefined) return;
    if (this.#due - this.#timers.now() > 0) {
      this.#arm();
      return;
    }
    this.#callback = undefined;
    callback();
  }
}

export const systemClock: Clock = makeSystemClock();
