import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advantage, markdownTable } from './report.js';
import type { RunResult } from './scenario.js';
import { median, percentile, summarize } from './stats.js';
import { ringContacts, userNumbers } from './targets/target.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
  const cases: [readonly number[], number, number][] = [
    [hundred, 99, 99],
    [hundred, 50, 50],
    [hundred, 100, 100],
    [[5], 99, 5],
    [[1, 2, Infinity], 99, Infinity],
  ];
  for (const [values, p, expected] of cases)
    it(`p${p} of ${values.length} values is ${expected}`, () =>
      assert.equal(percentile(values, p), expected));
  it('is NaN for no values', () => assert.ok(Number.isNaN(percentile([], 50))));
});

describe('median and summarize', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even one', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
  it('summarizes', () => assert.deepEqual(summarize([3, 1, 2]), { count: 3, p50: 2, p99: 3, max: 3 }));
});

describe('ring rosters', () => {
  it('gives each member the R/2 members on either side, wrapping', () => {
    const ring = { offset: 20_000, count: 10, contacts: 4 };
    assert.deepEqual(ringContacts(ring, 0), [20_002, 20_010, 20_003, 20_009]);
    assert.deepEqual(ringContacts(ring, 9), [20_001, 20_009, 20_002, 20_008]);
  });
  it('lists the plain users and the ring users once each', () =>
    assert.deepEqual(userNumbers({ users: 3, ring: { offset: 2, count: 2, contacts: 2 } }), [1, 2, 3, 4]));
});

describe('report', () => {
  const higher = { key: 'rate', label: 'rate', better: 'higher' as const, digits: 0 };
  const lower = { key: 'kib', label: 'KiB', better: 'lower' as const, digits: 1 };
  it('turns both kinds of figure into "times better"', () => {
    assert.equal(advantage(higher, 200, 100), 2);
    assert.equal(advantage(lower, 10, 40), 4);
    assert.ok(Number.isNaN(advantage(higher, Number.NaN, 100)));
  });
  it('tabulates medians with their spread and Herald’s ratio to each anchor', () => {
    const runs = (...v: number[]): RunResult[] => v.map((rate) => ({ values: { rate }, notes: [] }));
    const table = markdownTable([
      {
        scenario: 'chat',
        metrics: [higher],
        targets: [
          { target: 'herald', version: 'h', runs: runs(300, 100, 200) },
          { target: 'ejabberd', version: 'e', runs: runs(100) },
        ],
      },
    ]);
    assert.equal(
      table,
      [
        '| scenario | figure | herald | ejabberd | Herald vs ejabberd |',
        '|---|---|---|---|---|',
        '| chat | rate | 200 (100–300) | 100 | 2.00× |',
      ].join('\n'),
    );
  });
});
