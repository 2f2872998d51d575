import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pssOf } from './pss.js';
import { goalMet, type SipScenarioReport, sipMarkdownTable } from './sip-report.js';

const MB = 1024 * 1024;
const run = (maxRate: number, rss: number, confirmFailed = 0) => ({
  maxRate,
  confirmRate: Math.round(maxRate * 0.8),
  confirmFailed,
  rssBytes: rss * MB,
});

const register: SipScenarioReport = {
  scenario: 'register',
  goal: { kind: 'rate', value: 6000 },
  targets: [
    { target: 'herald', version: 'Herald', runs: [run(7000, 100), run(6500, 110), run(8000, 90)] },
    { target: 'kamailio', version: 'kamailio 5.6.3', runs: [run(14000, 40), run(13000, 40), run(15000, 40)] },
  ],
};

describe('Pss', () => {
  it('reads the Pss line of smaps_rollup', () => {
    assert.equal(pssOf('Rss:  2048 kB\nPss:  1024 kB\nShared_Clean: 8 kB\n'), 1024 * 1024);
    assert.ok(Number.isNaN(pssOf('Rss: 1 kB\n')));
  });
});

describe('SIP report', () => {
  it('gives medians, ranges, the ratio and the goal', () => {
    const table = sipMarkdownTable([register]);
    assert.match(
      table,
      /\| register \| max rate \/s \(0 failed\) \| 7,000 \(6,500–8,000\) \| 14,000 \(13,000–15,000\) \| 0\.50× \| ≥ 6,000\/s \| yes \|/,
    );
    assert.match(table, /\| register \| memory MB after \(Pss\) \| 100 \(90–110\) \| 40 \| 2\.50× \|/);
  });

  it('says at which rate a fixed-rate run (--rate, no search) measured', () => {
    const fixed = (rss: number) => ({
      ...run(0, rss),
      maxRate: Number.NaN,
      confirmRate: 800,
      cpuUsPerCall: 500,
    });
    const table = sipMarkdownTable([
      { ...register, targets: register.targets.map((t) => ({ ...t, runs: [fixed(100)] })) },
    ]);
    assert.match(table, /\| register \| failed at 800\/s \| 0 \|/);
    assert.match(table, /\| register \| server CPU µs per call \(at 800\/s\) \| 500 \|/);
    assert.doesNotMatch(table, /80 %/);
    assert.match(sipMarkdownTable([register]), /\| register \| failed at 80 % \|/);
  });

  it('misses the goal when a confirmation run failed', () => {
    const failing = {
      ...register,
      targets: [{ target: 'herald' as const, version: 'Herald', runs: [run(7000, 100, 3)] }],
    };
    assert.equal(goalMet(failing), 'no');
  });

  it('judges the memory scenario by RSS and marks a target that failed', () => {
    const memory: SipScenarioReport = {
      scenario: 'memory',
      goal: { kind: 'rss-mb', value: 150 },
      targets: [
        { target: 'herald', version: 'Herald', runs: [{ ...run(Number.NaN, 120), rssHeldBytes: 280 * MB }] },
        { target: 'kamailio', version: 'k', runs: [], error: 'no sipp' },
      ],
    };
    assert.equal(goalMet(memory), 'yes');
    const table = sipMarkdownTable([memory]);
    assert.match(
      table,
      /\| memory \| memory MB \(Pss\), 35 s after the setup \| 280 \| failed \| – \| {2}\| {2}\|/,
    );
    assert.match(
      table,
      /\| memory \| memory MB \(Pss\), settled \(lowest in the next 90 s\) \| 120 \| failed \| – \| < 150 MB \| yes \|/,
    );
  });
});
