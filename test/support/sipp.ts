/**
 * SIPp 3.6 (Debian `sip-tester`) as a real SIP peer for interop tests: one call of a scenario as
 * a child process (never spawnSync: the server under test runs in the test's process), with its
 * error and message traces written to `cwd`. Children still running when a suite ends are killed
 * by `stopSipps`, so that none outlives a failed test.
 */
import { spawn, spawnSync } from 'node:child_process';

export const hasSipp = spawnSync('which', ['sipp']).status === 0;
/** Under CI the tests must run (and fail if SIPp is missing); locally they may skip. */
export const skipWithoutSipp: string | false =
  hasSipp || process.env.CI === 'true' ? false : 'sipp is not installed';

export interface SippRun {
  readonly code: number | null;
  /** The last 4,000 characters of its stdout and stderr. */
  readonly output: string;
}

const children = new Set<ReturnType<typeof spawn>>();

export function runSipp(
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number },
): Promise<SippRun> {
  return new Promise((resolve) => {
    const child = spawn(
      'sipp',
      [...args, '-nostdin', '-i', '127.0.0.1', '-m', '1', '-trace_err', '-trace_msg'],
      {
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.add(child);
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('close', (code) => {
      children.delete(child);
      clearTimeout(timer);
      resolve({ code, output: output.slice(-4000) });
    });
  });
}

/** Kills every SIPp still running (a suite's `after`). */
export function stopSipps(): void {
  for (const child of children) child.kill('SIGKILL');
}
