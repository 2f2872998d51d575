/**
 * Starting and stopping server processes for the benchmark: spawn pinned to a CPU with
 * taskset(1), wait until a TCP port answers, stop with SIGTERM (SIGKILL after a grace period).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { HERALD_NODE_FLAGS } from '../../../bin/node-flags.mjs';

/** The CPU the server under test runs on (the generator takes the other one). */
export const SERVER_CPU = process.env.SERVER_CPU ?? '1';

export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  hasExited(): boolean;
  exited(): Promise<void>;
}

const HERALD_BIN = join(resolve(import.meta.dirname, '..', '..', '..'), 'bin', 'herald.mjs');

/**
 * Node's arguments for `herald serve --config FILE` as an operator runs it (bin/herald.mjs with
 * its heap flags, bin/node-flags.mjs), plus HERALD_BENCH_NODE_ARGS, e.g. "--cpu-prof
 * --cpu-prof-dir=DIR" (Node refuses --cpu-prof in NODE_OPTIONS).
 */
export function heraldServeArgs(configFile: string): string[] {
  const extra = (process.env.HERALD_BENCH_NODE_ARGS ?? '').split(' ').filter((flag) => flag !== '');
  return [...HERALD_NODE_FLAGS, ...extra, HERALD_BIN, 'serve', '--config', configFile];
}

export function spawnPinned(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string },
): Spawned {
  const log = openSync(options.logFile, 'a');
  const child = spawn('taskset', ['-c', SERVER_CPU, command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', log, log],
  });
  let isDone = false;
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => {
      isDone = true;
      resolve();
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return { child, pid: child.pid, hasExited: () => isDone, exited: () => done };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(host, port)) return;
    if (!isAlive()) throw new Error(`the server exited before port ${port} answered`);
    await sleep(100);
  }
  throw new Error(`port ${port} did not answer within ${timeoutMs} ms`);
}

export async function waitForPortClosed(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await answers(host, port))) return;
    await sleep(100);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function terminate(spawned: Spawned, graceMs = 10_000): Promise<void> {
  if (spawned.hasExited()) return;
  spawned.child.kill('SIGTERM');
  const timer = setTimeout(() => spawned.child.kill('SIGKILL'), graceMs);
  await spawned.exited();
  clearTimeout(timer);
}

/** Runs a command to completion; rejects on a non-zero exit with its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${out}`)),
    );
  });
}

const running = new Set<() => Promise<void>>();

/**
 * Remembers how to stop a started server until it is stopped, so that an interrupted benchmark
 * (Ctrl-C) leaves no server behind: see stopAllOnSignal.
 */
export function track(stop: () => Promise<void>): () => Promise<void> {
  const once = async () => {
    running.delete(once);
    await stop();
  };
  running.add(once);
  return once;
}

export function stopAllOnSignal(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      console.error(`\n${signal}: stopping ${running.size} server(s)`);
      void Promise.allSettled([...running].map((stop) => stop())).then(() => process.exit(130));
    });
}
