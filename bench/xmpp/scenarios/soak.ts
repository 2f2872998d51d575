/**
 * `soak`: N sessions (default 18,000 — this machine allows 20,000 files per process) held for a
 * while (default 10 minutes), each sending a whitespace keepalive (RFC 6120 §4.6.1) every minute
 * as clients do. The server's RSS is sampled throughout; memory is flat when the last sample is
 * within a few per cent of the first and no session was dropped.
 */
import { totalRss } from '../proc-stats.js';
import { type Scenario, sleep } from '../scenario.js';
import { closeAll, loginAll, range } from '../session-pool.js';

const DEFAULT_SESSIONS = 18_000;
const DEFAULT_SECONDS = 600;
const KEEPALIVE_MS = 60_000;
const SAMPLE_MS = 10_000;

export const soakScenario: Scenario = {
  name: 'soak',
  summary: 'N sessions held for a while: sessions kept and RSS drift',
  metrics: [
    { key: 'held', label: 'sessions held to the end', better: 'higher', digits: 0 },
    { key: 'startMiB', label: 'RSS at the start of the hold (MiB)', better: 'lower', digits: 1 },
    { key: 'endMiB', label: 'RSS at the end (MiB)', better: 'lower', digits: 1 },
    { key: 'maxMiB', label: 'RSS peak during the hold (MiB)', better: 'lower', digits: 1 },
    { key: 'driftPercent', label: 'RSS drift end vs start (%)', better: 'lower', digits: 1 },
  ],
  provisioning: (o) => ({ users: o.sessions ?? DEFAULT_SESSIONS, ring: null }),

  async run(target, server, o) {
    const n = o.sessions ?? DEFAULT_SESSIONS;
    const holdMs = (o.duration ?? DEFAULT_SECONDS) * 1000;
    const pool = await loginAll(target, range(1, n), { concurrency: o.concurrency, sendPresence: true });
    const clients = pool.clients;
    console.error(
      `  ${target.name} soak: ${clients.length} of ${n} logged in in ${(pool.ms / 1000).toFixed(1)} s`,
    );
    let turn = 0;
    // Keepalives spread evenly, so every session sends one per KEEPALIVE_MS.
    const perTick = Math.max(1, Math.ceil(clients.length / (KEEPALIVE_MS / 100)));
    const keepalives = setInterval(() => {
      for (let i = 0; i < perTick && clients.length > 0; i++) clients[turn++ % clients.length]?.keepalive();
    }, 100);
    const samples: number[] = [];
    try {
      await sleep(SAMPLE_MS);
      const started = performance.now();
      while (performance.now() - started < holdMs) {
        samples.push(totalRss(server.pids()));
        if (samples.length % 6 === 1) {
          const minute = Math.round((performance.now() - started) / 60_000);
          const held = clients.filter((c) => !c.isClosed).length;
          const mib = ((samples.at(-1) ?? 0) / 1048576).toFixed(1);
          console.error(`  ${target.name} soak: ${minute} min, ${held} held, RSS ${mib} MiB`);
        }
        await sleep(SAMPLE_MS);
      }
      samples.push(totalRss(server.pids()));
    } finally {
      clearInterval(keepalives);
    }
    const held = clients.filter((c) => !c.isClosed).length;
    await closeAll(clients);
    const first = samples[0] ?? Number.NaN;
    const last = samples.at(-1) ?? Number.NaN;
    return {
      values: {
        held,
        startMiB: first / 1048576,
        endMiB: last / 1048576,
        maxMiB: Math.max(...samples) / 1048576,
        driftPercent: ((last - first) / first) * 100,
      },
      notes: [
        `RSS samples (MiB, every ${SAMPLE_MS / 1000} s): ${samples.map((s) => (s / 1048576).toFixed(0)).join(' ')}`,
      ],
    };
  },
};
