/**
 * Runs SIPp (`sipp` of Debian's sip-tester, 3.6) as a child process and reads its totals from the
 * statistics file. UAC runs are bounded by a timeout; UAS runs are stopped by the caller.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSippStats, type SippTotals } from './sipp-stats.js';

export const SCENARIO_DIR = join(import.meta.dirname, 'scenarios');

/**
 * SIPp's socket buffers (`-buff_size`, SO_SNDBUF and SO_RCVBUF; SIPp's own default is 64 KiB).
 * At a server's maximum rate a burst of answers overflowed 64 KiB and the kernel dropped one
 * (`UdpRcvbufErrors`): a transaction counted failed that the server had answered. The servers ask
 * for the same (Herald's udpReceiveBufferBytes, Kamailio's maxbuffer); Linux grants at most
 * net.core.rmem_max.
 */
const SIPP_BUFFER_BYTES = 4 * 1024 * 1024;

export interface SippRun {
  readonly totals: SippTotals;
  readonly wallSeconds: number;
  readonly exitCode: number | null;
}

let serial = 0;

/** A UAC run to completion; `args` are SIPp's after the remote address. */
export async function runSipp(
  remote: string,
  args: readonly string[],
  options: { workDir: string; timeoutMs: number },
): Promise<SippRun> {
  const run = ++serial;
  const stats = join(options.workDir, `sipp-${process.pid}-${run}.csv`);
  rmSync(stats, { force: true });
  // Unexpected messages of the run (kept when there are any), to read when a step fails.
  const errors = join(options.workDir, `sipp-${process.pid}-${run}-errors.log`);
  const started = performance.now();
  const child = spawn(
    'sipp',
    [
      remote,
      ...args,
      '-nostdin',
      '-trace_stat',
      '-stf',
      stats,
      '-fd',
      '60',
      '-recv_timeout',
      '5000',
      '-buff_size',
      String(SIPP_BUFFER_BYTES),
      '-trace_err',
      '-error_file',
      errors,
    ],
    { cwd: options.workDir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    if (stderr.length < 4000) stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  clearTimeout(timer);
  const wallSeconds = (performance.now() - started) / 1000;
  let text: string;
  try {
    text = readFileSync(stats, 'utf8');
  } catch {
    throw new Error(`sipp wrote no statistics (exit ${exitCode}): ${stderr.trim()}`);
  }
  rmSync(stats, { force: true });
  if (existsSync(errors) && statSync(errors).size === 0) rmSync(errors);
  return { totals: parseSippStats(text), wallSeconds, exitCode };
}

export interface SippUas {
  stop(): Promise<void>;
}

/** A UAS (`-sf scenario`) on 127.0.0.1:`port` until stopped. */
export function startSippUas(scenario: string, port: number, workDir: string): SippUas {
  const child: ChildProcess = spawn(
    'sipp',
    [
      '-sf',
      join(SCENARIO_DIR, scenario),
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-nostdin',
      '-bind_local',
      '-buff_size',
      String(SIPP_BUFFER_BYTES),
      '-trace_err',
      '-error_file',
      join(workDir, `sipp-uas-${port}-errors.log`),
    ],
    { cwd: workDir, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
