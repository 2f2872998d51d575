/**
 * `presence`: presence broadcast (RFC 6121 §4.4) to R contacts. M online users each have R
 * mutual ('both') contacts in a ring; a presence change of one must reach all R. Figures: the
 * fan-out time (send → the last of the R deliveries) at a light load, and the highest rate of
 * changes at which 99 % of them reach all R contacts within the latency objective.
 */
import type { BenchClient } from '../bench-client.js';
import { DeliveryTracker, drain, numberAfter, runStep, type StepOutcome, tryRate } from '../load-step.js';
import { totalCpu } from '../proc-stats.js';
import { RateHints, searchMaxRate } from '../rate-search.js';
import { type RunResult, type Scenario, sleep } from '../scenario.js';
import { closeAll, loginAll, range } from '../session-pool.js';
import type { RosterRing } from '../targets/target.js';
import { attribute } from '../xml-peek.js';

const DEFAULT_MEMBERS = 200;
const DEFAULT_STEP_SECONDS = 2;
const hints = new RateHints();
/** Ring users are user20001… as in the anchors' reference runs, apart from the other scenarios'. */
const RING_OFFSET = 20_000;
const MARKER = '<status>p';
const SHOWS = ['away', 'chat', 'dnd', 'xa'] as const;

function ringOf(o: { sessions: number | undefined; contacts: number }): RosterRing {
  const contacts = Math.max(2, o.contacts - (o.contacts % 2));
  return { offset: RING_OFFSET, count: Math.max(o.sessions ?? DEFAULT_MEMBERS, contacts + 1), contacts };
}

export const presenceScenario: Scenario = {
  name: 'presence',
  summary: 'presence changes/s fanned out to R contacts each, and the fan-out time',
  metrics: [
    {
      key: 'changesPerSecond',
      label: 'presence changes/s to R contacts at p99 < objective',
      better: 'higher',
      digits: 0,
    },
    {
      key: 'fanoutP50Ms',
      label: 'fan-out time to R contacts, light load, p50 (ms)',
      better: 'lower',
      digits: 1,
    },
    {
      key: 'fanoutP99Ms',
      label: 'fan-out time to R contacts, light load, p99 (ms)',
      better: 'lower',
      digits: 1,
    },
  ],
  provisioning: (o) => ({ users: 0, ring: ringOf(o) }),

  async run(target, server, o): Promise<RunResult> {
    const ring = ringOf(o);
    const tracker = new DeliveryTracker();
    let setupPresences = 0;
    const onStanza = (client: BenchClient, xml: string) => {
      if (!xml.startsWith('<presence')) return;
      const seq = numberAfter(xml, MARKER);
      if (seq < 0) {
        setupPresences++;
        return;
      }
      // RFC 6121 §4.4.2 also sends the change to the sender's own resources: not a fan-out.
      const from = attribute(xml, 'from') ?? '';
      if (!from.startsWith(`${client.account.username}@`)) tracker.delivered(seq);
    };
    const users = range(ring.offset + 1, ring.count);
    const pool = await loginAll(target, users, { concurrency: o.concurrency, sendPresence: true, onStanza });
    try {
      if (pool.clients.length < ring.count)
        throw new Error(`only ${pool.clients.length} of ${ring.count} logged in: ${pool.failures[0]}`);
      // Initial presence storm: every user is told of its R contacts (§4.2.2, §4.3).
      // It is over when nothing has come for a second (or after 30 s).
      let quiet = 0;
      for (let i = 0, last = -1; i < 120 && quiet < 4; i++) {
        quiet = setupPresences === last ? quiet + 1 : 0;
        last = setupPresences;
        await sleep(250);
      }
      const notes = [
        `${setupPresences} presences received during login (M·R = ${ring.count * ring.contacts})`,
      ];
      const clients = pool.clients;
      let turn = 0;
      const send = () => {
        const i = turn++ % clients.length;
        const seq = tracker.sent(ring.contacts);
        const show = SHOWS[seq % SHOWS.length] as string;
        (clients[i] as BenchClient).send(`<presence><show>${show}</show>${MARKER}${seq}</status></presence>`);
      };
      const durationMs = (o.duration ?? DEFAULT_STEP_SECONDS) * 1000;
      const light = await runStep(tracker, {
        rate: 20,
        durationMs: Math.max(durationMs, 2000),
        graceMs: 3000,
        send,
      });
      await drain(tracker, 3000);
      if (light.completed === 0) {
        notes.push(
          `presence changes are not fanned out (0 of ${light.sent} reached all ${ring.contacts} contacts)`,
        );
        return {
          values: {
            changesPerSecond: Number.NaN,
            fanoutP50Ms: Number.NaN,
            fanoutP99Ms: Number.NaN,
            serverCpu: Number.NaN,
          },
          notes,
        };
      }
      const serverCpuSeconds = () => totalCpu(server.pids());
      const result = await searchMaxRate<StepOutcome>(
        hints.plan(target.name, { start: 100, factor: 2, refinements: 3, max: 50_000, min: 10 }),
        (rate) =>
          tryRate(
            tracker,
            { rate, durationMs, graceMs: 2000, send, serverCpuSeconds },
            o.p99Ms,
            `${target.name} presence`,
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
          changesPerSecond: result.best,
          fanoutP50Ms: light.p50,
          fanoutP99Ms: light.p99,
          serverCpu: best?.serverCpu ?? Number.NaN,
        },
        notes,
      };
    } finally {
      await closeAll(pool.clients);
    }
  },
};
