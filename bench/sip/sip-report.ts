/**
 * The SIP side-by-side table: per scenario, the median over the runs of the maximum rate with 0
 * failed transactions, the failures of the confirmation run at 80 % of it, and the server's memory
 * (Pss summed over its processes, see pss.ts),
 * with Herald's ratio to Kamailio and the target for Herald.
 */
import { median } from '../xmpp/stats.js';
import type { SipTargetName } from './targets/sip-target.js';

export interface SipRunResult {
  /** Calls (transactions of the scenario) per second; NaN for the memory scenario. */
  readonly maxRate: number;
  readonly confirmRate: number;
  readonly confirmFailed: number;
  /** Server CPU time (all its processes) per successful call of the confirmation run, µs. */
  readonly cpuUsPerCall?: number;
  /** Memory scenario: the lowest Pss sampled in the 90 s after the hold; otherwise Pss after the run. */
  readonly rssBytes: number;
  /** Memory scenario: Pss 35 s after the setup (the first reading). */
  readonly rssHeldBytes?: number;
}

export interface SipTargetRuns {
  readonly target: SipTargetName;
  readonly version: string;
  readonly runs: readonly SipRunResult[];
  readonly error?: string;
}

export interface SipScenarioReport {
  readonly scenario: string;
  /** The target for Herald: a rate per second, or an RSS ceiling in MB (memory). */
  readonly goal: { readonly kind: 'rate' | 'rss-mb'; readonly value: number };
  readonly targets: readonly SipTargetRuns[];
}

function fmt(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

const med = (runs: readonly SipRunResult[], pick: (r: SipRunResult) => number) =>
  median(runs.map(pick).filter((v) => Number.isFinite(v)));

function range(runs: readonly SipRunResult[], pick: (r: SipRunResult) => number): string {
  const values = runs.map(pick).filter((v) => Number.isFinite(v));
  if (values.length < 2 || Math.min(...values) === Math.max(...values)) return '';
  return ` (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}

const MIB = 1024 * 1024;
const mb = (r: SipRunResult) => r.rssBytes / MIB;
const heldMb = (r: SipRunResult) => (r.rssHeldBytes ?? Number.NaN) / MIB;

function cell(t: SipTargetRuns | undefined, pick: (r: SipRunResult) => number): string {
  if (!t) return '';
  if (t.error && t.runs.length === 0) return 'failed';
  return fmt(med(t.runs, pick)) + range(t.runs, pick);
}

/** Whether Herald's median meets the goal; '' when Herald was not measured. */
export function goalMet(report: SipScenarioReport): string {
  const herald = report.targets.find((t) => t.target === 'herald');
  if (!herald || herald.runs.length === 0) return herald?.error ? 'not measured' : '';
  if (report.goal.kind === 'rss-mb') return med(herald.runs, mb) < report.goal.value ? 'yes' : 'no';
  const ok =
    med(herald.runs, (r) => r.maxRate) >= report.goal.value &&
    herald.runs.every((r) => r.confirmFailed === 0);
  return ok ? 'yes' : 'no';
}

/** Where the confirmation ran: at 80 % of each maximum, or at the one rate `--rate` gave (no search). */
function measuredAt(report: SipScenarioReport): string {
  const runs = report.targets.flatMap((t) => t.runs);
  const first = runs[0];
  const isFixed = first !== undefined && runs.every((r) => !Number.isFinite(r.maxRate));
  return isFixed ? `at ${fmt(first.confirmRate)}/s` : 'at 80 %';
}

export function sipMarkdownTable(reports: readonly SipScenarioReport[]): string {
  const head = ['scenario', 'figure', 'Herald', 'Kamailio', 'Herald / Kamailio', 'target for Herald', 'met'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const report of reports) {
    const herald = report.targets.find((t) => t.target === 'herald');
    const kamailio = report.targets.find((t) => t.target === 'kamailio');
    const ratio = (pick: (r: SipRunResult) => number) => {
      if (!herald?.runs.length || !kamailio?.runs.length) return '–';
      const x = med(herald.runs, pick) / med(kamailio.runs, pick);
      return Number.isFinite(x) ? `${x.toFixed(2)}×` : '–';
    };
    const at = measuredAt(report);
    const rows: [string, (r: SipRunResult) => number, string, string][] =
      report.goal.kind === 'rate'
        ? [
            ['max rate /s (0 failed)', (r) => r.maxRate, `≥ ${fmt(report.goal.value)}/s`, goalMet(report)],
            [`failed ${at}`, (r) => r.confirmFailed, '0', ''],
            [`server CPU µs per call (${at})`, (r) => r.cpuUsPerCall ?? Number.NaN, '', ''],
            ['memory MB after (Pss)', mb, '', ''],
          ]
        : [
            ['memory MB (Pss), 35 s after the setup', heldMb, '', ''],
            [
              'memory MB (Pss), settled (lowest in the next 90 s)',
              mb,
              `< ${report.goal.value} MB`,
              goalMet(report),
            ],
            ['registrations + subscriptions missing', (r) => r.confirmFailed, '0', ''],
          ];
    for (const [label, pick, goal, met] of rows)
      lines.push(
        `| ${report.scenario} | ${label} | ${cell(herald, pick)} | ${cell(kamailio, pick)} | ${ratio(pick)} | ${goal} | ${met} |`,
      );
  }
  return lines.join('\n');
}
