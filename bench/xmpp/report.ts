/**
 * The side-by-side table: for each scenario figure, the median of the runs per target and
 * Herald's ratio to each anchor (> 1 means Herald is better, whichever way the figure goes).
 */
import type { Metric, RunResult } from './scenario.js';
import { median } from './stats.js';
import type { TargetName } from './targets/target.js';

export interface TargetRuns {
  readonly target: TargetName;
  readonly version: string;
  readonly runs: readonly RunResult[];
  readonly error?: string;
}

export interface ScenarioReport {
  readonly scenario: string;
  readonly metrics: readonly Metric[];
  readonly targets: readonly TargetRuns[];
}

export function medianOf(runs: readonly RunResult[], key: string): number {
  return median(runs.map((r) => r.values[key] ?? Number.NaN).filter((v) => !Number.isNaN(v)));
}

function format(value: number, digits: number): string {
  if (Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return '∞';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** How many times better Herald is than `other` on `metric` (NaN if either is missing). */
export function advantage(metric: Metric, herald: number, other: number): number {
  if (!(herald > 0) || !(other > 0)) return Number.NaN;
  return metric.better === 'higher' ? herald / other : other / herald;
}

const spread = (runs: readonly RunResult[], key: string, digits: number) => {
  const values = runs.map((r) => r.values[key] ?? Number.NaN).filter((v) => !Number.isNaN(v));
  if (values.length < 2) return '';
  return ` (${format(Math.min(...values), digits)}–${format(Math.max(...values), digits)})`;
};

export function markdownTable(reports: readonly ScenarioReport[]): string {
  const order: TargetName[] = ['herald', 'prosody', 'ejabberd'];
  const present = order.filter((t) => reports.some((r) => r.targets.some((x) => x.target === t)));
  const anchors = present.filter((t) => t !== 'herald');
  const hasHerald = present.includes('herald');
  const head = ['scenario', 'figure', ...present, ...(hasHerald ? anchors.map((a) => `Herald vs ${a}`) : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const report of reports) {
    for (const metric of report.metrics) {
      const runsOf = (t: TargetName) => report.targets.find((x) => x.target === t);
      const cells = present.map((t) => {
        const runs = runsOf(t);
        if (!runs) return '';
        if (runs.error) return 'failed';
        return (
          format(medianOf(runs.runs, metric.key), metric.digits) +
          spread(runs.runs, metric.key, metric.digits)
        );
      });
      const herald = runsOf('herald');
      const ratios = hasHerald
        ? anchors.map((a) => {
            const other = runsOf(a);
            if (!herald || !other) return '';
            const x = advantage(metric, medianOf(herald.runs, metric.key), medianOf(other.runs, metric.key));
            return Number.isNaN(x) ? '–' : `${x.toFixed(2)}×`;
          })
        : [];
      lines.push(`| ${report.scenario} | ${metric.label} | ${[...cells, ...ratios].join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

export function notesOf(reports: readonly ScenarioReport[]): string[] {
  const out: string[] = [];
  for (const report of reports)
    for (const t of report.targets) {
      if (t.error) out.push(`${report.scenario} / ${t.target}: ${t.error}`);
      const seen = new Set<string>();
      for (const run of t.runs)
        for (const note of run.notes)
          if (!seen.has(note)) {
            seen.add(note);
            out.push(`${report.scenario} / ${t.target}: ${note}`);
          }
    }
  return out;
}
