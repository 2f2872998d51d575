/**
 * ejabberd 23.01 (Debian) as a benchmark anchor, configured as shared/anchors/xmpp describes:
 * bench/anchors/ejabberd.yml + ejabberdctl.cfg, c2s on 127.0.0.1:25222, run as the ejabberd
 * user through setpriv (no PAM, so the raised file limit survives), pinned to the server CPU.
 * Users and rosters go through mod_http_api (`register`, `add_rosteritem`), loopback only.
 */
import { chownSync, copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { Agent } from 'node:http';
import { join, resolve } from 'node:path';
import { commandName, processTree } from '../proc-stats.js';
import { apiCall, forEachConcurrently, packageVersion } from './anchor-support.js';
import {
  run,
  SERVER_CPU,
  spawnPinned,
  terminate,
  track,
  waitForPort,
  waitForPortClosed,
} from './process-control.js';
import { covers, merged, readMarker, writeMarker } from './provisioned-marker.js';
import {
  BENCH_DOMAIN,
  BENCH_PASSWORD,
  type Provisioning,
  type RunningServer,
  ringContacts,
  type Target,
  userNumbers,
  username,
} from './target.js';

const ANCHORS = resolve(import.meta.dirname, '../../anchors');
const PORT = 25222;
const API = new URL('http://127.0.0.1:25280/api');
const EJABBERD_HOME = '/var/lib/ejabberd';

function ownedByEjabberd(path: string): void {
  const home = statSync(EJABBERD_HOME);
  chownSync(path, home.uid, home.gid);
  for (const entry of readdirSync(path, { recursive: true }).map(String))
    chownSync(join(path, entry), home.uid, home.gid);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function ejabberdTarget(stateDir: string): Target {
  const dir = join(stateDir, 'ejabberd');
  const markerFile = join(dir, 'provisioned.json');
  const ctl = (...args: string[]) => [
    '--reuid=ejabberd',
    '--regid=ejabberd',
    '--init-groups',
    'env',
    `HOME=${EJABBERD_HOME}`,
    'ejabberdctl',
    '--config',
    join(dir, 'ejabberd.yml'),
    '--ctl-config',
    join(dir, 'ejabberdctl.cfg'),
    '--spool',
    join(dir, 'db'),
    '--logs',
    join(dir, 'log'),
    ...args,
  ];

  const start = async (): Promise<RunningServer> => {
    mkdirSync(join(dir, 'db'), { recursive: true });
    mkdirSync(join(dir, 'log'), { recursive: true });
    for (const file of ['ejabberd.yml', 'ejabberdctl.cfg'])
      copyFileSync(join(ANCHORS, file), join(dir, file));
    ownedByEjabberd(dir);
    await waitForPortClosed('127.0.0.1', PORT, 10_000);
    const spawned = spawnPinned('setpriv', ctl('foreground'), { cwd: dir, logFile: join(dir, 'stdout.log') });
    await waitForPort('127.0.0.1', PORT, 90_000, () => !spawned.hasExited());
    const beams = () => processTree(spawned.pid).filter((pid) => commandName(pid) === 'beam.smp');
    // Threads of a running beam.smp are pinned too (the anchors' server.sh does the same).
    for (const pid of beams()) await run('taskset', ['-a', '-p', '-c', SERVER_CPU, String(pid)]);
    const pids = () => {
      const tree = beams().flatMap((beam) => processTree(beam));
      return [...new Set(tree)];
    };
    return {
      pids,
      stop: track(async () => {
        await run('setpriv', ctl('stop'), { cwd: dir }).catch(() => undefined);
        const deadline = Date.now() + 20_000;
        while (!spawned.hasExited() && Date.now() < deadline) await sleep(200);
        if (!spawned.hasExited()) for (const pid of beams()) process.kill(pid, 'SIGTERM');
        await terminate(spawned);
      }),
    };
  };

  return {
    name: 'ejabberd',
    host: '127.0.0.1',
    port: PORT,
    domain: BENCH_DOMAIN,
    version: () =>
      `ejabberd ${packageVersion('ejabberd')} (Debian, Erlang/OTP ${packageVersion('erlang-base')})`,
    async provision(need: Provisioning) {
      const marker = readMarker(markerFile);
      if (covers(marker, need, 'v1')) return;
      const started = Date.now();
      const server = await start();
      const agent = new Agent({ keepAlive: true, maxSockets: 32 });
      try {
        let added = 0;
        const numbers = userNumbers(need).filter((k) => k > (marker?.users ?? 0) || k > need.users);
        await forEachConcurrently(numbers, 32, async (k) => {
          const reply = await apiCall(agent, API, 'register', {
            user: username(k),
            host: BENCH_DOMAIN,
            password: BENCH_PASSWORD,
          });
          if (reply.status === 200) added++;
          else if (!/already registered|conflict|exists/i.test(reply.body))
            throw new Error(`ejabberd register ${username(k)}: ${reply.status} ${reply.body}`);
        });
        const ring = need.ring;
        let items = 0;
        if (ring) {
          const pairs: [number, number][] = [];
          for (let index = 0; index < ring.count; index++)
            for (const contact of ringContacts(ring, index)) pairs.push([ring.offset + 1 + index, contact]);
          await forEachConcurrently(pairs, 32, async ([k, contact]) => {
            const reply = await apiCall(agent, API, 'add_rosteritem', {
              localuser: username(k),
              localhost: BENCH_DOMAIN,
              user: username(contact),
              host: BENCH_DOMAIN,
              nick: username(contact),
              group: 'bench',
              subs: 'both',
            });
            if (reply.status !== 200)
              throw new Error(`ejabberd add_rosteritem: ${reply.status} ${reply.body}`);
            items++;
          });
        }
        writeMarker(markerFile, merged(marker, need, 'v1'));
        console.error(
          `ejabberd: registered ${added} users, ${items} roster items in ${Date.now() - started} ms`,
        );
      } finally {
        agent.destroy();
        await server.stop();
      }
    },
    start,
  };
}
