import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateHints, searchMaxRate } from './rate-search.js';

/** A server that keeps up to `capacity` and no further. */
const capacityOf = (capacity: number) => async (rate: number) => ({ passed: rate <= capacity, detail: rate });

const OPTIONS = { start: 1000, factor: 2, refinements: 3, max: 200_000, min: 50 };

describe('searchMaxRate', () => {
  const cases: { name: string; capacity: number; best: number; tried: number[] }[] = [
    {
      name: 'ramps up, then bisects between the last pass and the first fail',
      capacity: 11_000,
      best: 10_375,
      tried: [1000, 2000, 4000, 8000, 16000, 11314, 9514, 10375],
    },
    {
      name: 'ramps down when the first step fails',
      capacity: 300,
      best: 297,
      tried: [1000, 500, 250, 354, 297, 324],
    },
    {
      name: 'reports 0 when nothing down to the minimum passes',
      capacity: 10,
      best: 0,
      tried: [1000, 500, 250, 125, 63, 50],
    },
    {
      name: 'stops at the maximum',
      capacity: 1e9,
      best: 200_000,
      tried: [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 200000],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const result = await searchMaxRate(OPTIONS, capacityOf(c.capacity));
      assert.equal(result.best, c.best);
      assert.deepEqual(
        result.steps.map((s) => s.rate),
        c.tried,
      );
      assert.equal(result.bestDetail, c.best === 0 ? null : c.best);
    });

  it('stops refining once the bracket is within 3 %', async () => {
    const result = await searchMaxRate(
      { ...OPTIONS, start: 1000, factor: 1.02, refinements: 5 },
      capacityOf(1010),
    );
    assert.deepEqual(
      result.steps.map((s) => s.rate),
      [1000, 1020],
    );
  });
});

describe('RateHints', () => {
  it("starts later runs below the first run's figure with a finer ramp", async () => {
    const hints = new RateHints();
    assert.deepEqual(hints.plan('ejabberd', OPTIONS), OPTIONS);
    hints.record('ejabberd', 10_000);
    hints.record('ejabberd', 5_000); // the first run's figure stays the hint
    const plan = hints.plan('ejabberd', OPTIONS);
    assert.deepEqual(plan, { ...OPTIONS, start: 8000, factor: 1.25, refinements: 2 });
    const result = await searchMaxRate(plan, capacityOf(11_000));
    assert.deepEqual(
      result.steps.map((s) => s.rate),
      [8000, 10000, 12500, 11180, 10574],
    );
    assert.deepEqual(hints.plan('prosody', OPTIONS), OPTIONS);
  });
});
