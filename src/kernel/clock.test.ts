import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TIMER_DELAY_MS, makeSystemClock, type TimerPrimitives } from './clock.js';

/** Timers that run when `advance` says, and fire `early` ms before their time (as Node may). */
function manualTimers(early = 0) {
  let now = 1_000_000;
  let pending: { at: number; callback: () => void; id: number }[] = [];
  let ids = 0;
  const delays: number[] = [];
  const timers: TimerPrimitives = {
    now: () => now,
    set(callback, delayMs) {
      delays.push(delayMs);
      const id = ++ids;
      pending.push({ at: now + Math.max(1, delayMs - early), callback, id });
      return { id } as unknown as { unref?(): unknown };
    },
    clear(handle) {
      pending = pending.filter((t) => t.id !== (handle as { id: number }).id);
    },
    every: () => ({}),
    stop: () => {},
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const next = pending.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      pending = pending.filter((t) => t !== next);
      now = Math.max(now, next.at);
      next.callback();
    }
    now = end;
  };
  return { timers, advance, delays, now: () => now };
}

describe('the system clock', () => {
  it('never calls back before now() reached the time, even when the timer fires early', () => {
    const m = manualTimers(1);
    const clock = makeSystemClock(m.timers);
    const start = m.now();
    let calledAt = 0;
    clock.setTimeout(() => {
      calledAt = m.now();
    }, 1000);
    m.advance(999);
    assert.equal(calledAt, 0, 'not at 999 ms (the timer fired at 999 and was armed again)');
    m.advance(5);
    assert.ok(calledAt >= start + 1000);
  });

  it('reaches a delay beyond 2^31 − 1 ms in steps instead of firing at once', () => {
    const m = manualTimers();
    const clock = makeSystemClock(m.timers);
    const month = 31 * 24 * 3600 * 1000;
    let called = false;
    clock.setTimeout(() => {
      called = true;
    }, month);
    assert.equal(m.delays[0], MAX_TIMER_DELAY_MS);
    m.advance(MAX_TIMER_DELAY_MS);
    assert.equal(called, false);
    m.advance(month - MAX_TIMER_DELAY_MS);
    assert.equal(called, true);
  });

  it('a cancelled timer never calls back, and a bad delay means now', () => {
    const m = manualTimers(1);
    const clock = makeSystemClock(m.timers);
    let calls = 0;
    clock.setTimeout(() => calls++, 1000).cancel();
    clock.setTimeout(() => calls++, Number.NaN);
    m.advance(2000);
    assert.equal(calls, 1);
  });
});
