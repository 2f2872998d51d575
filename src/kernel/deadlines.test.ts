import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Deadlines } from './deadlines.js';
import { FakeClock } from './fake-clock.js';

function setUp() {
  const clock = new FakeClock();
  const fired: { key: string; at: number }[] = [];
  const deadlines = new Deadlines<string>(clock, (key) => fired.push({ key, at: clock.now() }));
  return { clock, fired, deadlines, t0: clock.now() };
}

describe('Deadlines', () => {
  it('calls onDue for each key at its deadline, in deadline order, and forgets it', () => {
    const { clock, fired, deadlines, t0 } = setUp();
    deadlines.set('b', t0 + 2000);
    deadlines.set('a', t0 + 1000);
    deadlines.set('c', t0 + 3000);
    clock.advance(999);
    assert.deepEqual(fired, []);
    clock.advance(2001);
    assert.deepEqual(fired, [
      { key: 'a', at: t0 + 1000 },
      { key: 'b', at: t0 + 2000 },
      { key: 'c', at: t0 + 3000 },
    ]);
    assert.equal(deadlines.size, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('a moved deadline fires at its new time only, earlier or later', () => {
    const { clock, fired, deadlines, t0 } = setUp();
    deadlines.set('x', t0 + 1000);
    deadlines.set('x', t0 + 5000);
    deadlines.set('y', t0 + 4000);
    deadlines.set('y', t0 + 500);
    clock.advance(10_000);
    assert.deepEqual(fired, [
      { key: 'y', at: t0 + 500 },
      { key: 'x', at: t0 + 5000 },
    ]);
  });

  it('a deleted key never fires, and with no keys left no timer is pending', () => {
    const { clock, fired, deadlines, t0 } = setUp();
    deadlines.set('x', t0 + 1000);
    deadlines.set('y', t0 + 2000);
    deadlines.delete('x');
    clock.advance(1500);
    assert.deepEqual(fired, []);
    deadlines.delete('y');
    assert.equal(clock.pendingTimers, 0);
    clock.advance(5000);
    assert.deepEqual(fired, []);
  });

  it('onDue may set its key again (a periodic expiry check)', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const fired: number[] = [];
    const deadlines: Deadlines<string> = new Deadlines<string>(clock, (key) => {
      fired.push(clock.now() - t0);
      if (fired.length < 3) deadlines.set(key, clock.now() + 1000);
    });
    deadlines.set('k', t0 + 1000);
    clock.advance(10_000);
    assert.deepEqual(fired, [1000, 2000, 3000]);
  });

  it('keeps the heap small under many refreshes and still fires the live deadlines', () => {
    const { clock, fired, deadlines, t0 } = setUp();
    for (let round = 0; round < 50; round++)
      for (let i = 0; i < 100; i++) deadlines.set(`k${i}`, t0 + 10_000 + round * 100 + i);
    assert.equal(deadlines.size, 100);
    assert.equal(deadlines.get('k7'), t0 + 10_000 + 49 * 100 + 7);
    clock.advance(20_000);
    assert.equal(fired.length, 100);
    assert.deepEqual(
      fired.slice(0, 3).map((f) => f.key),
      ['k0', 'k1', 'k2'],
    );
    assert.ok(fired.every((f) => f.at === t0 + 10_000 + 49 * 100 + Number(f.key.slice(1))));
  });

  it('a deadline in the past (or not a number) fires on the next turn, not at once', () => {
    const { clock, fired, deadlines, t0 } = setUp();
    deadlines.set('past', t0 - 5000);
    deadlines.set('nan', Number.NaN);
    assert.equal(fired.length, 0);
    clock.advance(0);
    assert.deepEqual(fired.map((f) => f.key).sort(), ['nan', 'past']);
  });

  it('clear drops every deadline', () => {
    const { clock, fired, deadlines, t0 } = setUp();
    deadlines.set('a', t0 + 1000);
    deadlines.clear();
    clock.advance(2000);
    assert.deepEqual(fired, []);
    assert.equal(clock.pendingTimers, 0);
  });
});
