/**
 * `chat`: one-to-one messages (RFC 6121 §5, type 'chat', to the partner's bare JID) between N/2
 * pairs of online users. The offered rate climbs until fewer than 99 % of the messages of a step
 * arrive within the latency objective (default 100 ms); the figure is the highest rate that held.
 */
import type { BenchClient } from '../bench-client.js';
import { DeliveryTracker, numberAfter, runStep, type StepOutcome, tryRate } from '../load-step.js';
import { totalCpu } from '../proc-stats.js';
import { RateHints, searchMaxRate } from '../rate-search.js';
import { type RunResult, type Scenario, sleep, until } from '../scenario.js';
import { closeAll, loginAll, range } from '../session-pool.js';

const DEFAULT_SESSIONS = 200;
const DEFAULT_STEP_SECONDS = 2;
const hints = new RateHints();
const MARKER = '<body>s';

export const chatScenario: Scenario = {
  name: 'chat',
  summary: '1:1 chat messages/s delivered with p99 under the objective',
  metrics: [
    { key: 'messagesPerSecond', label: 'chat messages/s at p99 < objective', better: 'higher', digits: 0 },
    { key: 'p50Ms', label: 'latency p50 at that rate (ms)', better: 'lower', digits: 1 },
    { key: 'p99Ms', label: 'latency p99 at that rate (ms)', better: 'lower', digits: 1 },
    { key: 'serverCpu', label: 'server CPU at that rate (share of its core)', better: 'lower', digits: 2 },
  ],
  provisioning: (o) => ({ users: evenSessions(o.sessions), ring: null }),

  async run(target, server, o): Promise<RunResult> {
    const n = evenSessions(o.sessions);
    const tracker = new DeliveryTracker();
    const onStanza = (_client: BenchClient, xml: string) => {
      if (!xml.startsWith('<message')) return;
      const seq = numberAfter(xml, MARKER);
      if (seq >= 0) tracker.delivered(seq);
    };
    const pool = await loginAll(target, range(1, n), {
      concurrency: o.concurrency,
      sendPresence: true,
      onStanza,
    });
    const notes: string[] = [];
    try {
      if (pool.clients.length < n)
        throw new Error(`only ${pool.clients.length} of ${n} logged in: ${pool.failures[0]}`);
      await sleep(1000); // initial presence settles (RFC 6121 §4.2: bare-JID routing needs it)
      const clients = pool.clients;
      const half = n / 2;
      let turn = 0;
      const send = () => {
        const i = turn++ % n;
        const from = clients[i] as BenchClient;
        const to = clients[(i + half) % n] as BenchClient;
        const seq = tracker.sent(1);
        from.send(
          `<message to='${to.account.username}@${target.domain}' type='chat' id='c${seq}'>${MARKER}${seq}</body></message>`,
        );
      };
      const durationMs = (o.duration ?? DEFAULT_STEP_SECONDS) * 1000;
      // A first message from every session, untimed: it tells whether messages are delivered
      // at all, and takes each pair's first-message work (e.g. loading lists) out of the steps.
      await runStep(tracker, { rate: 500, durationMs: (n / 500) * 1000, graceMs: 3000, send });
      if (!(await until(() => tracker.outstanding === 0, 3000)))
        return { values: nan(), notes: [`messages are not delivered (${tracker.outstanding} missing)`] };
      const serverCpuSeconds = () => totalCpu(server.pids());
      const result = await searchMaxRate<StepOutcome>(
        hints.plan(target.name, { start: 1000, factor: 2, refinements: 3, max: 200_000, min: 50 }),
        (rate) =>
          tryRate(
            tracker,
            { rate, durationMs, graceMs: 2000, send, serverCpuSeconds },
            o.p99Ms,
            `${target.name} chat`,
          ),
      );
      hints.record(target.name, result.best);
      const best = result.bestDetail;
      if (best && best.generatorCpu > 0.9)
        notes.push(
          `generator at ${Math.round(best.generatorCpu * 100)} % of its core: the figure may be the generator's`,
        );
      return {
        values: {
          messagesPerSecond: result.best,
          p50Ms: best?.p50 ?? Number.NaN,
          p99Ms: best?.p99 ?? Number.NaN,
          serverCpu: best?.serverCpu ?? Number.NaN,
        },
        notes,
      };
    } finally {
      await closeAll(pool.clients);
    }
  },
};

function evenSessions(sessions: number | undefined): number {
  const n = sessions ?? DEFAULT_SESSIONS;
  return Math.max(2, n - (n % 2));
}

const nan = () => ({
  messagesPerSecond: Number.NaN,
  p50Ms: Number.NaN,
  p99Ms: Number.NaN,
  serverCpu: Number.NaN,
});
