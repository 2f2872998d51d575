/**
 * Proportional set size (Pss of /proc/<pid>/smaps_rollup, proc(5)): resident memory with each
 * shared page split among the processes that map it. Kamailio's workers share its shm pool, so
 * summing their RSS would count that pool once per process; summing Pss counts it once.
 */
import { readFileSync } from 'node:fs';

/** Pss in bytes from an smaps_rollup text; NaN without a Pss line. */
export function pssOf(smapsRollup: string): number {
  const match = /^Pss:\s+(\d+)\s+kB$/m.exec(smapsRollup);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

export function totalPss(pids: readonly number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      const value = pssOf(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (Number.isFinite(value)) sum += value;
    } catch {
      // gone
    }
  }
  return sum;
}
