/**
 * What a benchmark scenario is: the users it needs, an optional untimed warm-up, and one timed
 * run against a freshly started server that yields named figures.
 */
import type { Provisioning, RunningServer, Target, TargetName } from './targets/target.js';

export interface BenchOptions {
  /** Sessions (login, idle, soak), sessions in pairs (chat) or ring members (presence). */
  readonly sessions: number | undefined;
  /** Roster size R in the presence scenario. */
  readonly contacts: number;
  /** Seconds per rate step (chat, presence) or hold time (soak). */
  readonly duration: number | undefined;
  readonly runs: number;
  /** Logins in flight at once. */
  readonly concurrency: number;
  /** The latency objective of chat and presence steps. */
  readonly p99Ms: number;
  readonly targets: readonly TargetName[];
  readonly stateDir: string;
}

export interface Metric {
  readonly key: string;
  readonly label: string;
  /** Which way is better, for the ratios in the report. */
  readonly better: 'higher' | 'lower';
  readonly digits: number;
}

export interface RunResult {
  /** NaN where the figure could not be measured (see notes). */
  readonly values: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
}

export interface Scenario {
  readonly name: string;
  readonly summary: string;
  readonly metrics: readonly Metric[];
  provisioning(options: BenchOptions): Provisioning;
  /** Untimed, on its own server start (e.g. to derive every user's SCRAM keys once). */
  warmUp?(target: Target, server: RunningServer, options: BenchOptions): Promise<void>;
  run(target: Target, server: RunningServer, options: BenchOptions): Promise<RunResult>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `isDone()` or `timeoutMs`, checking every 20 ms. */
export async function until(isDone: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!isDone()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}
