/**
 * A SIP server under test: Herald (the built server, `node bin/herald.mjs serve`) or the anchor
 * Kamailio 5.6 (bench/anchors/kamailio, a copy of /work/shared/anchors/sip), each on UDP
 * 127.0.0.1, pinned to SERVER_CPU while SIPp runs on the generator's CPU.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processTree } from '../../xmpp/proc-stats.js';
import {
  heraldServeArgs,
  run,
  SERVER_CPU,
  spawnPinned,
  terminate,
  track,
  waitForPort,
  waitForPortClosed,
} from '../../xmpp/targets/process-control.js';
import type { RunningServer } from '../../xmpp/targets/target.js';
import { provisionHeraldSip } from './herald-sip-provision.js';

export type SipTargetName = 'herald' | 'kamailio';
export const SIP_TARGET_NAMES: readonly SipTargetName[] = ['herald', 'kamailio'];

export interface SipTarget {
  readonly name: SipTargetName;
  readonly host: string;
  readonly port: number;
  version(): string;
  /** Makes sure `users` exist with password pw<U>; leaves the server stopped. */
  provision(users: readonly number[]): Promise<void>;
  start(): Promise<RunningServer>;
}

const REPO = resolve(import.meta.dirname, '../../..');
export const HERALD_SIP_PORT = 25060;
export const KAMAILIO_SIP_PORT = 15060;

/**
 * SIPp 3.6 answers only the first challenge and knows only MD5 digest, so its User-Agent gets the
 * MD5 challenge alone (Herald's COMPAT list, as for sipsak). No shapers: the per-source UDP rate limit and the login throttle would otherwise be what the
 * bench measures (SIPp is one source address); the anchor has neither.
 */
const HERALD_CONFIG = `# written by bench/sip/targets/sip-target.ts
modules:
  sip-registrar: { md5OnlyUserAgents: ['sipsak', 'SIPp'] }
  sip-transport: { udpMessagesPerSecond: 1000000, udpBurst: 1000000 }
  sip-events: { maxSubscriptionsPerSource: 100000, maxSubscriptionsPerUser: 10000, maxPublicationsPerUser: 100 }
auth: { failuresPerMinute: 10000, ipFailuresPerMinute: 100000 }
`;

function heraldVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version?: string };
  let git = '(no git)';
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' });
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    git = `${head.trim()}${dirty.trim() === '' ? '' : '+'}`;
  } catch {}
  return `Herald ${pkg.version ?? '?'} ${git} (Node ${process.versions.node})`;
}

export function heraldSipTarget(stateDir: string): SipTarget {
  const dir = join(stateDir, 'herald-sip');
  const dataDir = join(dir, 'data');
  const marker = join(dir, 'provisioned.json');
  // The database as provisioned: every run starts from it, so that no run inherits the bindings,
  // publications or archive of the one before (the memory scenario leaves 10,000 live bindings,
  // which a restart would restore).
  const database = join(dataDir, 'herald.db');
  const pristine = join(dir, 'provisioned.db');
  const configFile = join(dir, 'herald.yaml');
  return {
    name: 'herald',
    host: '127.0.0.1',
    port: HERALD_SIP_PORT,
    version: heraldVersion,
    async provision(users) {
      const build = join(REPO, 'dist', 'main', 'server.js');
      if (!existsSync(build)) throw new Error('Herald is not built: run `npm run build` first');
      const stamp = `${statSync(build).mtimeMs}`;
      const want = [...new Set(users)].sort((a, b) => a - b);
      const have = existsSync(marker)
        ? (JSON.parse(readFileSync(marker, 'utf8')) as { stamp: string; users: number[] })
        : null;
      if (have && have.stamp === stamp && want.every((u) => have.users.includes(u)) && existsSync(pristine))
        return;
      const all = [...new Set([...(have?.stamp === stamp ? have.users : []), ...want])].sort((a, b) => a - b);
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      const ms = await provisionHeraldSip(dataDir, all);
      copyFileSync(database, pristine);
      console.error(`herald: ${all.length} SIP users in ${ms} ms`);
      writeFileSync(marker, JSON.stringify({ stamp, users: all }));
    },
    async start() {
      mkdirSync(dir, { recursive: true });
      writeFileSync(configFile, HERALD_CONFIG);
      for (const file of [`${database}-wal`, `${database}-shm`]) rmSync(file, { force: true });
      copyFileSync(pristine, database);
      await waitForPortClosed('127.0.0.1', HERALD_SIP_PORT, 10_000);
      const spawned = spawnPinned(process.execPath, heraldServeArgs(configFile), {
        cwd: dir,
        logFile: join(dir, 'herald.log'),
        env: {
          ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HERALD_'))),
          HERALD_DATA_DIR: dataDir,
          HERALD_DOMAIN: '127.0.0.1',
          HERALD_BIND: '127.0.0.1',
          HERALD_XMPP_PORT: '26322',
          HERALD_XMPPS_PORT: '0',
          HERALD_HTTP_PORT: '26380',
          HERALD_HTTPS_PORT: '0',
          HERALD_SIP_PORT: String(HERALD_SIP_PORT),
          HERALD_SIPS_PORT: '0',
          HERALD_LOG_LEVEL: 'warn',
        },
      });
      // SIP listens on UDP and TCP of the same port: TCP answering means the stack is up.
      await waitForPort('127.0.0.1', HERALD_SIP_PORT, 60_000, () => !spawned.hasExited());
      return { pids: () => [spawned.pid], stop: track(() => terminate(spawned)) };
    },
  };
}

/** The anchor: its users need no provisioning (pv_auth_check derives pw<U> from the user). */
export function kamailioTarget(stateDir: string): SipTarget {
  const scripts = join(REPO, 'bench', 'anchors', 'kamailio');
  const runDir = join(stateDir, 'kamailio');
  const env = { ...process.env, KAMAILIO_RUN_DIR: runDir };
  return {
    name: 'kamailio',
    host: '127.0.0.1',
    port: KAMAILIO_SIP_PORT,
    version() {
      try {
        const out = execFileSync('kamailio', ['-v'], { encoding: 'utf8' });
        return (/version: (kamailio \S+)/.exec(out)?.[1] ?? out.split('\n')[0] ?? '?').trim();
      } catch {
        return 'kamailio (not installed?)';
      }
    },
    async provision() {},
    async start() {
      const pidFile = join(runDir, 'kamailio.pid');
      await runWith(join(scripts, 'start-kamailio.sh'), ['--cpu', SERVER_CPU], env);
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      const stop = track(async () => {
        await runWith(join(scripts, 'stop-kamailio.sh'), [], env);
      });
      return { pids: () => processTree(pid), stop };
    },
  };
}

function runWith(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const saved = process.env.KAMAILIO_RUN_DIR;
  process.env.KAMAILIO_RUN_DIR = env.KAMAILIO_RUN_DIR;
  try {
    return run(command, args);
  } finally {
    if (saved === undefined) delete process.env.KAMAILIO_RUN_DIR;
    else process.env.KAMAILIO_RUN_DIR = saved;
  }
}
