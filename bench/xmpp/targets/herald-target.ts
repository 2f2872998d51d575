/**
 * Herald as a benchmark target: the built server (`npm run build`) run the README's way,
 * `node bin/herald.mjs serve --config FILE`, pinned to the server CPU, plaintext c2s with the
 * per-connection byte limit lifted (the anchors run without TLS and without shapers too).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { provisionHerald } from './herald-provision.js';
import {
  heraldServeArgs,
  spawnPinned,
  terminate,
  track,
  waitForPort,
  waitForPortClosed,
} from './process-control.js';
import { covers, merged, readMarker, writeMarker } from './provisioned-marker.js';
import { BENCH_DOMAIN, type Provisioning, type RunningServer, type Target } from './target.js';

const REPO = resolve(import.meta.dirname, '../../..');
// Below the ephemeral range (32768–60999), so no outgoing connection can hold them.
const XMPP_PORT = 26222;
const HTTP_PORT = 26280;

/** The bench's Herald configuration: no TLS requirement, no byte shaper, no login throttling. */
const CONFIG = `# written by bench/xmpp/targets/herald-target.ts
modules:
  xmpp-c2s: { requireTls: false, maxBytesPerSecond: 1073741824 }
auth: { failuresPerMinute: 10000, ipFailuresPerMinute: 100000 }
`;

/** The commit the work tree is at, `+` when it has changes (the build may include them). */
function gitDescription(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    return dirty.trim() === '' ? head : `${head}+`;
  } catch {
    return '(no git)';
  }
}

function buildStamp(): string {
  try {
    return String(statSync(join(REPO, 'dist', 'main', 'server.js')).mtimeMs);
  } catch {
    throw new Error('Herald is not built: run `npm run build` first');
  }
}

export function heraldTarget(stateDir: string): Target {
  const dir = join(stateDir, 'herald');
  const dataDir = join(dir, 'data');
  const markerFile = join(dir, 'provisioned.json');
  const configFile = join(dir, 'herald.yaml');
  return {
    name: 'herald',
    host: '127.0.0.1',
    port: XMPP_PORT,
    domain: BENCH_DOMAIN,
    version() {
      const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version?: string };
      return `Herald ${pkg.version ?? '?'} ${gitDescription()} (Node ${process.versions.node})`;
    },
    async provision(need: Provisioning) {
      const stamp = buildStamp();
      const marker = readMarker(markerFile);
      if (covers(marker, need, stamp)) return;
      // Herald's provisioning writes into an empty folder: start over with everything asked so far.
      const all = merged(marker, need, stamp);
      const ring = all.rings.at(-1) ?? null;
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      const result = await provisionHerald(dataDir, { users: all.users, ring });
      console.error(`herald: ${result.users} users, ${result.rosterItems} roster items in ${result.ms} ms`);
      writeMarker(markerFile, { ...all, rings: ring ? [ring] : [] });
    },
    async start(): Promise<RunningServer> {
      mkdirSync(dir, { recursive: true });
      writeFileSync(configFile, CONFIG);
      await waitForPortClosed('127.0.0.1', XMPP_PORT, 10_000);
      const spawned = spawnPinned(process.execPath, heraldServeArgs(configFile), {
        cwd: dir,
        logFile: join(dir, 'herald.log'),
        env: {
          // Herald refuses HERALD_* variables it does not know, such as HERALD_BENCH_NODE_ARGS.
          ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HERALD_'))),
          HERALD_DATA_DIR: dataDir,
          HERALD_DOMAIN: BENCH_DOMAIN,
          HERALD_BIND: '127.0.0.1',
          HERALD_XMPP_PORT: String(XMPP_PORT),
          HERALD_XMPPS_PORT: '0',
          HERALD_HTTP_PORT: String(HTTP_PORT),
          HERALD_HTTPS_PORT: '0',
          HERALD_SIP_PORT: '0',
          HERALD_SIPS_PORT: '0',
          HERALD_LOG_LEVEL: 'warn',
        },
      });
      await waitForPort('127.0.0.1', XMPP_PORT, 60_000, () => !spawned.hasExited());
      return { pids: () => [spawned.pid], stop: track(() => terminate(spawned)) };
    },
  };
}
