/**
 * `idle`: what a connected, idle session costs the server in memory. The server's resident set
 * (VmRSS, summed over its processes) is read after start, then again once N sessions have logged
 * in, bound and sent initial presence (RFC 6121 §4.2) and things have settled.
 */
import { totalRss } from '../proc-stats.js';
import { type Scenario, sleep } from '../scenario.js';
import { closeAll, loginAll, range } from '../session-pool.js';

const DEFAULT_SESSIONS = 4000;
const SETTLE_MS = 3000;

export const idleScenario: Scenario = {
  name: 'idle',
  summary: 'server memory (RSS) per connected idle session',
  metrics: [
    { key: 'kibPerSession', label: 'RSS per idle session (KiB)', better: 'lower', digits: 1 },
    { key: 'baseMiB', label: 'RSS with no session (MiB)', better: 'lower', digits: 1 },
    { key: 'loadedMiB', label: 'RSS with N sessions (MiB)', better: 'lower', digits: 1 },
  ],
  provisioning: (o) => ({ users: o.sessions ?? DEFAULT_SESSIONS, ring: null }),

  async run(target, server, o) {
    const n = o.sessions ?? DEFAULT_SESSIONS;
    await sleep(SETTLE_MS);
    const before = totalRss(server.pids());
    const pool = await loginAll(target, range(1, n), { concurrency: o.concurrency, sendPresence: true });
    await sleep(SETTLE_MS);
    const after = totalRss(server.pids());
    const connected = pool.clients.filter((c) => !c.isClosed).length;
    await closeAll(pool.clients);
    const notes =
      connected < n ? [`only ${connected} of ${n} sessions held (${pool.failures[0] ?? ''})`] : [];
    return {
      values: {
        kibPerSession: connected > 0 ? (after - before) / 1024 / connected : Number.NaN,
        baseMiB: before / 1048576,
        loadedMiB: after / 1048576,
      },
      notes,
    };
  },
};
