/**
 * `npm run bench -- rooms fanout [--occupants 200] [--rate 20] [--duration 10] [--senders 4]`:
 * issue 6's "a room of 200 occupants with 20 messages/s: delivery p99". The built Herald
 * (bench/xmpp/targets/herald-target.ts, pinned to SERVER_CPU) gets `occupants` provisioned users;
 * each logs in with a raw XMPP session (bench/xmpp/session-pool.ts) and enters one room on
 * conference.<domain> (XEP-0045 §7.2, no discussion history). The first creates it as an instant
 * room, submitting the owner form with only max users raised (§10.1.2, §10.2: the default is 50).
 * Then `senders` of them send groupchat messages, `rate` a second in total, for `duration`
 * seconds; every occupant's copy is timed from send to receipt. Server RSS and CPU are read
 * from procfs over the sending window.
 */
import { mkdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchClient } from '../xmpp/bench-client.js';
import { cpuSeconds, rssBytes } from '../xmpp/proc-stats.js';
import { closeAll, loginAll, range } from '../xmpp/session-pool.js';
import { heraldTarget } from '../xmpp/targets/herald-target.js';
import { run, stopAllOnSignal } from '../xmpp/targets/process-control.js';
import { BENCH_DOMAIN, username } from '../xmpp/targets/target.js';
import { attribute, childText, elementName, escapeXml } from '../xmpp/xml-peek.js';
import { DeliveryTally, fanoutBody, parseFanoutBody, schedule } from './fanout.js';

const GENERATOR_CPU = process.env.GENERATOR_CPU ?? '0';
const ROOM = `fanout@conference.${BENCH_DOMAIN}`;
const NS_MUC = 'http://jabber.org/protocol/muc';

export class RoomsUsageError extends Error {}
export const ROOMS_USAGE = `rooms fanout [--occupants 200] [--rate 20] [--duration 10] [--senders 4] [--state-dir DIR]`;

interface Waiter {
  readonly match: (xml: string) => boolean;
  readonly resolve: (xml: string) => void;
}

/** One occupant: its session and the stanzas someone is waiting for. */
class Occupant {
  readonly waiters: Waiter[] = [];
  constructor(
    readonly client: BenchClient,
    readonly nick: string,
  ) {}

  waitFor(match: (xml: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.nick}: no ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (xml) => {
          clearTimeout(timer);
          resolve(xml);
        },
      });
    });
  }

  offer(xml: string): void {
    const i = this.waiters.findIndex((w) => w.match(xml));
    if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(xml);
  }
}

const positive = (value: string | undefined, name: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new RoomsUsageError(`--${name} must be a positive number`);
  return n;
};

/** XEP-0045 §7.2.2/§7.2.3: the room's presence for our own nick carries status 110. */
const isSelfPresence = (nick: string) => (xml: string) =>
  elementName(xml) === 'presence' &&
  attribute(xml, 'from') === `${ROOM}/${nick}` &&
  (xml.includes("code='110'") || xml.includes('code="110"') || attribute(xml, 'type') === 'error');

async function enter(o: Occupant): Promise<void> {
  const joined = o.waitFor(isSelfPresence(o.nick), 'self-presence');
  o.client.send(
    `<presence to='${escapeXml(`${ROOM}/${o.nick}`)}'><x xmlns='${NS_MUC}'><history maxstanzas='0'/></x></presence>`,
  );
  const xml = await joined;
  if (attribute(xml, 'type') === 'error') throw new Error(`${o.nick} could not enter: ${xml}`);
}

export async function runRoomsBench(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      occupants: { type: 'string', default: '200' },
      rate: { type: 'string', default: '20' },
      duration: { type: 'string', default: '10' },
      senders: { type: 'string', default: '4' },
      'state-dir': { type: 'string' },
    },
  });
  if (positionals[0] !== 'fanout') throw new RoomsUsageError(ROOMS_USAGE);
  const occupants = Math.round(positive(values.occupants, 'occupants'));
  const rate = positive(values.rate, 'rate');
  const duration = positive(values.duration, 'duration');
  const senders = Math.min(occupants, Math.round(positive(values.senders, 'senders')));
  if (occupants > 490) throw new RoomsUsageError('--occupants is at most 490 (the room ceiling is 500)');
  const stateDir = values['state-dir'] ?? join(tmpdir(), 'herald-bench-rooms');

  stopAllOnSignal();
  await run('taskset', ['-a', '-p', '-c', GENERATOR_CPU, String(process.pid)]);
  mkdirSync(stateDir, { recursive: true });
  const target = heraldTarget(stateDir);
  await target.provision({ users: occupants, ring: null });
  const server = await target.start();
  const tally = new DeliveryTally(occupants);
  const byClient = new Map<BenchClient, Occupant>();
  try {
    const pool = await loginAll(target, range(1, occupants), {
      concurrency: 50,
      sendPresence: true,
      onStanza: (client, xml) => {
        const o = byClient.get(client);
        if (!o) return;
        if (elementName(xml) === 'message' && attribute(xml, 'type') === 'groupchat') {
          const parsed = parseFanoutBody(childText(xml, 'body') ?? '');
          if (parsed) {
            tally.received(parsed.seq, performance.now() - parsed.sentAt);
            return;
          }
        }
        o.offer(xml);
      },
    });
    if (pool.failures.length > 0) throw new Error(`logins failed: ${pool.failures.slice(0, 3).join('; ')}`);
    const list = pool.clients.map((client) => {
      const o = new Occupant(client, client.account.username);
      byClient.set(client, o);
      return o;
    });
    list.sort((a, b) => a.nick.localeCompare(b.nick, 'en', { numeric: true }));
    const [owner] = list;
    if (!owner || owner.nick !== username(1)) throw new Error('the first user did not log in');

    // §10.1.2 instant room, with max users raised: §10.1.3 submit of the muc#owner form.
    await enter(owner);
    const configured = owner.waitFor(
      (xml) => elementName(xml) === 'iq' && attribute(xml, 'id') === 'cfg',
      'config result',
    );
    owner.client.send(
      `<iq type='set' id='cfg' to='${ROOM}'><query xmlns='${NS_MUC}#owner'><x xmlns='jabber:x:data' type='submit'>` +
        `<field var='FORM_TYPE'><value>${NS_MUC}#roomconfig</value></field>` +
        `<field var='muc#roomconfig_maxusers'><value>${occupants + 10}</value></field></x></query></iq>`,
    );
    const cfg = await configured;
    if (attribute(cfg, 'type') !== 'result') throw new Error(`room configuration failed: ${cfg}`);

    const joinStarted = performance.now();
    let next = 1;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < list.length) await enter(list[next++] as Occupant);
      }),
    );
    const joinMs = performance.now() - joinStarted;
    console.error(`rooms: ${occupants} occupants in ${ROOM} (${(joinMs / 1000).toFixed(1)} s to enter)`);

    const pid = server.pids()[0] as number;
    const cpu0 = cpuSeconds(pid);
    let rssPeak = rssBytes(pid);
    const total = Math.round(rate * duration);
    const started = performance.now();
    for (let seq = 0; seq < total; seq++) {
      const { atMs, sender } = schedule(seq, rate, senders);
      const wait = started + atMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const from = list[sender] as Occupant;
      from.client.send(
        `<message to='${ROOM}' type='groupchat' id='f${seq}'><body>${fanoutBody(seq, performance.now())}</body></message>`,
      );
      tally.sent();
      if (seq % 20 === 0) rssPeak = Math.max(rssPeak, rssBytes(pid));
    }
    const sendMs = performance.now() - started;
    const drainUntil = performance.now() + 10_000;
    while (!tally.complete && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
    const windowS = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    rssPeak = Math.max(rssPeak, rssBytes(pid));
    const s = tally.latency();
    console.log(
      `\nrooms fanout: ${occupants} occupants, ${rate} msg/s from ${senders} senders for ${duration} s`,
    );
    console.log(`machine: ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${target.version()}`);
    console.log(
      '| sent | deliveries (expected) | duplicates | p50 ms | p99 ms | max ms | server CPU % | server RSS peak MB |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(
      `| ${total} | ${tally.delivered} (${tally.expected}) | ${tally.duplicates} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ` +
        `${s.max.toFixed(1)} | ${((cpu / windowS) * 100).toFixed(0)} | ${(rssPeak / 1048576).toFixed(0)} |`,
    );
    console.log(
      `(sending took ${(sendMs / 1000).toFixed(1)} s; CPU over ${windowS.toFixed(1)} s incl. drain)`,
    );
    return tally.complete ? 0 : 1;
  } finally {
    await closeAll([...byClient.keys()]);
    await server.stop();
  }
}
