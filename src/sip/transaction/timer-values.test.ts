/**
 * RFC 3261 Appendix A (Table 4) and RFC 6026 Timers L and M: each timer's value per transport, and the
 * retransmission back-off of Timers A, E and G.
 * https://www.rfc-editor.org/rfc/rfc3261#appendix-A
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextTimerA, nextTimerE, nextTimerG, type TimerValues, timerValues } from './timer-values.js';

describe('Table 4 timer values', () => {
  const table: { transport: string; isReliable: boolean; expected: TimerValues }[] = [
    {
      transport: 'UDP',
      isReliable: false,
      expected: {
        A: 500,
        B: 32_000,
        D: 32_000,
        E: 500,
        F: 32_000,
        G: 500,
        H: 32_000,
        I: 5_000,
        J: 32_000,
        K: 5_000,
        L: 32_000,
        M: 32_000,
      },
    },
    {
      transport: 'TCP',
      isReliable: true,
      expected: {
        A: undefined,
        B: 32_000,
        D: 0,
        E: undefined,
        F: 32_000,
        G: undefined,
        H: 32_000,
        I: 0,
        J: 0,
        K: 0,
        L: 32_000,
        M: 32_000,
      },
    },
  ];
  for (const row of table) {
    it(`over ${row.transport}`, () => assert.deepEqual(timerValues(row.isReliable), row.expected));
  }

  it('follows a configured T1 and T4, keeping Timer D above 32 s and above 64*T1', () => {
    const slow = timerValues(false, { t1: 1_000, t2: 8_000, t4: 10_000 });
    assert.equal(slow.B, 64_000);
    assert.equal(slow.D, 64_000);
    assert.equal(slow.K, 10_000);
    assert.equal(timerValues(false, { t1: 100, t2: 4_000, t4: 5_000 }).D, 32_000);
  });
});

function schedule(first: number, next: (previous: number) => number, count: number): number[] {
  const values = [first];
  while (values.length < count) values.push(next(values.at(-1) ?? first));
  return values;
}

describe('retransmission back-off', () => {
  it('Timer A doubles without a cap (§17.1.1.2)', () => {
    assert.deepEqual(schedule(500, nextTimerA, 7), [500, 1000, 2000, 4000, 8000, 16000, 32000]);
  });

  it('Timer E doubles up to T2 in Trying and is T2 in Proceeding (§17.1.2.2)', () => {
    assert.deepEqual(
      schedule(500, (p) => nextTimerE(p, 'Trying'), 6),
      [500, 1000, 2000, 4000, 4000, 4000],
    );
    assert.equal(nextTimerE(500, 'Proceeding'), 4000);
  });

  it('Timer G doubles up to T2 (§17.2.1)', () => {
    assert.deepEqual(schedule(500, nextTimerG, 6), [500, 1000, 2000, 4000, 4000, 4000]);
    assert.equal(nextTimerG(3000, { t1: 500, t2: 5000, t4: 5000 }), 5000);
  });
});
