/**
 * SIPp's statistics file (-trace_stat -stf FILE): `;`-separated columns, one header line, then a
 * line per -fd period and a last line at the end of the run. The cumulative columns `(C)` of the
 * last line are a run's totals (SIPp 3.6 reference, "Statistics").
 */

export interface SippTotals {
  readonly created: number;
  readonly successful: number;
  readonly failed: number;
  /** Seconds from the first call to the end of the run. */
  readonly elapsedSeconds: number;
}

/** `HH:MM:SS:uuuuuu` or `HH:MM:SS` (SIPp's ElapsedTime columns) in seconds. */
export function parseSippDuration(text: string): number {
  const parts = text.trim().split(':').map(Number);
  if (parts.length < 3 || parts.some((n) => !Number.isFinite(n))) return Number.NaN;
  const [h = 0, m = 0, s = 0, us = 0] = parts;
  return h * 3600 + m * 60 + s + us / 1e6;
}

export function parseSippStats(csv: string): SippTotals {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0]?.split(';');
  const last = lines.at(-1)?.split(';');
  if (!header || !last || lines.length < 2) throw new Error('SIPp wrote no statistics');
  const column = (name: string): string => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`SIPp statistics have no ${name} column`);
    return last[index] ?? '';
  };
  return {
    created: Number(column('TotalCallCreated')),
    successful: Number(column('SuccessfulCall(C)')),
    failed: Number(column('FailedCall(C)')),
    elapsedSeconds: parseSippDuration(column('ElapsedTime(C)')),
  };
}

/**
 * Whether a rate step passed: every call of the step completed without a failed transaction,
 * and the offered rate was held (≥ 90 % of it over the step: SIPp slows down when the server
 * does not keep up, since at most `-l` calls are in flight).
 */
export function stepPassed(totals: SippTotals, calls: number, rate: number, wallSeconds: number): boolean {
  if (totals.failed > 0 || totals.successful < calls) return false;
  // ElapsedTime(C) has whole seconds only: the generator's wall time of the SIPp run is finer.
  const achieved = totals.successful / Math.max(wallSeconds, 1e-3);
  return achieved >= 0.9 * rate;
}
