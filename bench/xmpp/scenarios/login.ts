/**
 * `login`: how fast the server logs users in — TCP, stream, SASL SCRAM-SHA-1, restart, bind
 * (RFC 6120 §4–§7) — with `concurrency` logins in flight. Sessions stay connected until the end.
 * Figures: logins/s (wall clock), logins per CPU-second of the server, p50/p99 login latency.
 */
import { totalCpu } from '../proc-stats.js';
import type { Scenario } from '../scenario.js';
import { closeAll, loginAll, range } from '../session-pool.js';
import { summarize } from '../stats.js';

const DEFAULT_SESSIONS = 2000;

export const loginScenario: Scenario = {
  name: 'login',
  summary: 'logins/s and login latency (SCRAM-SHA-1, bind)',
  metrics: [
    { key: 'loginsPerSecond', label: 'logins/s', better: 'higher', digits: 0 },
    { key: 'loginsPerCpuSecond', label: 'logins per server CPU-second', better: 'higher', digits: 0 },
    { key: 'p50Ms', label: 'login latency p50 (ms)', better: 'lower', digits: 1 },
    { key: 'p99Ms', label: 'login latency p99 (ms)', better: 'lower', digits: 1 },
  ],
  provisioning: (o) => ({ users: o.sessions ?? DEFAULT_SESSIONS, ring: null }),

  // The generator caches each user's salted password (scram-sha1-client.ts): derive them all
  // once here so that the timed runs measure the server, not the generator's PBKDF2.
  async warmUp(target, _server, o) {
    const pool = await loginAll(target, range(1, o.sessions ?? DEFAULT_SESSIONS), {
      concurrency: o.concurrency,
      sendPresence: false,
    });
    await closeAll(pool.clients);
    if (pool.failures.length > 0)
      throw new Error(`warm-up logins failed: ${pool.failures.slice(0, 3).join('; ')}`);
  },

  async run(target, server, o) {
    const users = range(1, o.sessions ?? DEFAULT_SESSIONS);
    const cpuBefore = totalCpu(server.pids());
    const pool = await loginAll(target, users, { concurrency: o.concurrency, sendPresence: false });
    const cpu = totalCpu(server.pids()) - cpuBefore;
    await closeAll(pool.clients);
    const ok = pool.clients.length;
    const latency = summarize(pool.latencies);
    const notes = pool.failures.length > 0 ? [`${pool.failures.length} failed: ${pool.failures[0]}`] : [];
    return {
      values: {
        loginsPerSecond: ok / (pool.ms / 1000),
        loginsPerCpuSecond: cpu > 0 ? ok / cpu : Number.NaN,
        p50Ms: latency.p50,
        p99Ms: latency.p99,
      },
      notes,
    };
  },
};
