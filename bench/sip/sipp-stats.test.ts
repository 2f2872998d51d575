import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchMaxRate } from '../xmpp/rate-search.js';
import { parseSippDuration, parseSippStats, stepPassed } from './sipp-stats.js';

// The shape SIPp 3.6 writes with -trace_stat (columns cut down to the ones read, plus others).
const CSV = [
  'StartTime;LastResetTime;CurrentTime;ElapsedTime(P);ElapsedTime(C);TargetRate;TotalCallCreated;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C)',
  '2026-12-01\t22:45:49.259687\t1796165149.259687;x;y;00:00:00;00:00:00;200;0;0;0;0;0',
  '2026-12-01\t22:45:49.259687\t1796165149.259687;x;y;00:00:00;00:00:02;200;400;10;398;0;2',
  '',
].join('\n');

describe('SIPp statistics', () => {
  it('reads the totals of the last line', () => {
    assert.deepEqual(parseSippStats(CSV), { created: 400, successful: 398, failed: 2, elapsedSeconds: 2 });
  });

  it('parses SIPp durations with and without microseconds', () => {
    assert.equal(parseSippDuration('00:01:02'), 62);
    assert.equal(parseSippDuration('01:00:00:500000'), 3600.5);
    assert.ok(Number.isNaN(parseSippDuration('soon')));
  });

  it('rejects a file without statistics or without the columns', () => {
    assert.throws(() => parseSippStats(''), /no statistics/);
    assert.throws(() => parseSippStats('A;B\n1;2\n'), /TotalCallCreated/);
  });

  it('passes a step only with every call done, none failed, at ≥ 90 % of the rate', () => {
    const totals = { created: 2000, successful: 2000, failed: 0, elapsedSeconds: 2 };
    assert.equal(stepPassed(totals, 2000, 1000, 2.1), true);
    assert.equal(stepPassed(totals, 2000, 1000, 2.5), false, 'the server slowed SIPp down');
    assert.equal(stepPassed({ ...totals, failed: 1 }, 2000, 1000, 2.0), false);
    assert.equal(stepPassed({ ...totals, successful: 1999 }, 2000, 1000, 2.0), false);
  });

  it('drives the shared rate search to the highest passing rate', async () => {
    // A server that keeps up to 3,000 calls/s: SIPp's wall time stretches beyond it.
    const result = await searchMaxRate(
      { start: 1000, factor: 2, refinements: 3, max: 40_000, min: 50 },
      async (rate) => {
        const calls = rate * 2;
        const wall = calls / Math.min(rate, 3000);
        const totals = { created: calls, successful: calls, failed: 0, elapsedSeconds: Math.floor(wall) };
        return { passed: stepPassed(totals, calls, rate, wall), detail: totals };
      },
    );
    assert.ok(result.best >= 2900 && result.best <= 3333, `best ${result.best}`);
  });
});
