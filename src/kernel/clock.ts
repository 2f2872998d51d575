/** Time is injected (STYLE habit 8): engines take a Clock, unit tests step a FakeClock. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  setInterval(callback: () => void, periodMs: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
  setInterval(callback, periodMs) {
    const handle = setInterval(callback, periodMs);
    handle.unref?.();
    return { cancel: () => clearInterval(handle) };
  },
};
