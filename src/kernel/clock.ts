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
    setTimeout(callback, delayMs) {
      const due = timers.now() + (Number.isFinite(delayMs) ? Math.max(0, delayMs) : 0);
      let handle: unknown;
      let cancelled = false;
      const arm = (ms: number) => {
        const h = timers.set(fire, Math.min(Math.max(0, ms), MAX_TIMER_DELAY_MS));
        h.unref?.();
        handle = h;
      };
      const fire = () => {
        if (cancelled) return;
        const left = due - timers.now();
        if (left > 0) arm(left);
        else callback();
      };
      arm(due - timers.now());
      return {
        cancel: () => {
          cancelled = true;
          timers.clear(handle);
        },
      };
    },
    setInterval(callback, periodMs) {
      const handle = timers.every(callback, Math.min(Math.max(1, periodMs), MAX_TIMER_DELAY_MS));
      handle.unref?.();
      return { cancel: () => timers.stop(handle) };
    },
  };
}

export const systemClock: Clock = makeSystemClock();
