/**
 * `npm run bench -- sip <scenario>`: SIPp against Herald and the anchor Kamailio 5.6 in the same
 * run (issue 4, "Performance"). Each run gets a freshly started server pinned to SERVER_CPU (1)
 * while SIPp and this driver keep to GENERATOR_CPU (0); UDP, at most 100 calls in flight (-l).
 * A rate scenario searches for the highest rate with 0 failed calls (bench/xmpp/rate-search.ts),
 * then confirms at 80 % of it; the report gives the median of the runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { totalCpu } from '../xmpp/proc-stats.js';
import { searchMaxRate } from '../xmpp/rate-search.js';
import { run, stopAllOnSignal } from '../xmpp/targets/process-control.js';
import type { RunningServer } from '../xmpp/targets/target.js';
import { totalPss } from './pss.js';
import {
  type SipRunResult,
  type SipScenarioReport,
  type SipTargetRuns,
  sipMarkdownTable,
} from './sip-report.js';
import { runSipp, SCENARIO_DIR, startSippUas } from './sipp-runner.js';
import { stepPassed } from './sipp-stats.js';
import {
  heraldSipTarget,
  kamailioTarget,
  SIP_TARGET_NAMES,
  type SipTarget,
  type SipTargetName,
} from './targets/sip-target.js';
import {
  injectionCsv,
  MEMORY_BLOCK,
  MEMORY_USERS,
  memoryOwnerOf,
  PUBLISH_USER,
  RATE_USERS,
  SIP_DOMAIN,
  TARGET_USER,
  type UserRange,
  usersOf,
} from './users.js';

const GENERATOR_CPU = process.env.GENERATOR_CPU ?? '0';
const GENERATOR_PORT = 25070;
const UAS_PORT = 25080;

export interface SipBenchOptions {
  readonly runs: number;
  /** Seconds per rate step. */
  readonly duration: number;
  /** Calls in flight (SIPp -l). */
  readonly limit: number;
  readonly targets: readonly SipTargetName[];
  readonly stateDir: string;
  /**
   * Measure at this rate only, without searching for the maximum: the server's CPU per call at
   * one rate for every build compared (a search lands each build on another rate, and the CPU
   * per call moves with the rate).
   */
  readonly rate?: number;
}

interface Ctx {
  readonly target: SipTarget;
  readonly options: SipBenchOptions;
  readonly workDir: string;
  readonly csv: string;
}

interface SipScenario {
  readonly name: string;
  readonly users: UserRange;
  readonly goal: SipScenarioReport['goal'];
  /** Sets up the far end (e.g. the registered UAS); returns how to tear it down. */
  prepare?(ctx: Ctx): Promise<() => Promise<void>>;
  /** SIPp arguments of one call of the scenario, besides rate, limit and count. */
  uac?(ctx: Ctx): string[];
  /** A scenario that measures memory instead of rate. */
  measure?(ctx: Ctx, server: RunningServer): Promise<SipRunResult>;
}

const scenarioFile = (name: string) => join(SCENARIO_DIR, name);
const common = (ctx: Ctx) => ['-inf', ctx.csv, '-i', '127.0.0.1', '-p', String(GENERATOR_PORT)];
const remoteOf = (target: SipTarget) => `${target.host}:${target.port}`;

function prepareUas(uasScenario: string) {
  return async (ctx: Ctx): Promise<() => Promise<void>> => {
    const csv = join(ctx.workDir, 'target.csv');
    writeFileSync(csv, injectionCsv([TARGET_USER]));
    const reg = await runSipp(
      remoteOf(ctx.target),
      [
        '-sf',
        scenarioFile('register.xml'),
        '-inf',
        csv,
        '-auth_uri',
        SIP_DOMAIN,
        '-i',
        '127.0.0.1',
        '-p',
        String(UAS_PORT),
        '-m',
        '1',
      ],
      { workDir: ctx.workDir, timeoutMs: 15_000 },
    );
    if (reg.totals.successful !== 1) throw new Error(`could not register the target user ${TARGET_USER}`);
    const uas = startSippUas(uasScenario, UAS_PORT, ctx.workDir);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return () => uas.stop();
  };
}

/** Each of `users` runs `scenario` once, at `rate`; the successful calls. */
async function everyUserOnce(
  ctx: Ctx,
  scenario: string,
  users: UserRange,
  rate: number,
  extra: string[] = [],
): Promise<{ successful: number; failed: number }> {
  const csv = join(ctx.workDir, `memory-${scenario}.csv`);
  writeFileSync(csv, injectionCsv(usersOf(users)));
  const result = await runSipp(
    remoteOf(ctx.target),
    [
      '-sf',
      scenarioFile(scenario),
      ...extra,
      '-inf',
      csv,
      '-i',
      '127.0.0.1',
      '-p',
      String(GENERATOR_PORT),
      '-r',
      String(rate),
      '-l',
      String(ctx.options.limit),
      '-m',
      String(users.count),
    ],
    { workDir: ctx.workDir, timeoutMs: (users.count / rate) * 3000 + 30_000 },
  );
  console.error(
    `    ${scenario}: ${result.totals.successful}/${users.count} ok, ${result.totals.failed} failed`,
  );
  return result.totals;
}

/**
 * The uncounted first steps of a rate scenario (calls/s, one step each): ~8,000 calls, as a
 * server that has run a while has seen. Node's JIT optimises Herald's hot paths only after a few
 * thousand requests, and its heap grows to its working size in the first steps; with one 2-second
 * step at 300/s the search measured that cold server (REGISTER 917/s, then 2,800/s held by the same
 * process a minute later). Both servers get the same steps.
 */
const WARM_UP_RATES: readonly number[] = [300, 600, 1000, 1000, 1000];

/** The memory scenario's pace: well under either server's maximum, so that nothing is lost. */
const MEMORY_RATE = 400;
/** After the setup: the first reading, then how long and how often the settled one is sampled. */
const MEMORY_HOLD_MS = 35_000;
const MEMORY_SETTLE_MS = 90_000;
const MEMORY_SAMPLE_MS = 5_000;

const SCENARIOS: readonly SipScenario[] = [
  {
    name: 'register',
    users: RATE_USERS,
    goal: { kind: 'rate', value: 6000 },
    uac: () => ['-sf', scenarioFile('register.xml'), '-auth_uri', SIP_DOMAIN],
  },
  {
    name: 'message',
    users: RATE_USERS,
    goal: { kind: 'rate', value: 6000 },
    prepare: prepareUas('message-uas.xml'),
    uac: () => [
      '-sf',
      scenarioFile('message-uac.xml'),
      '-s',
      String(TARGET_USER),
      '-auth_uri',
      `${TARGET_USER}@${SIP_DOMAIN}`,
    ],
  },
  {
    name: 'call',
    users: RATE_USERS,
    goal: { kind: 'rate', value: 1500 },
    prepare: prepareUas('call-uas.xml'),
    uac: () => [
      '-sf',
      scenarioFile('call-uac.xml'),
      '-s',
      String(TARGET_USER),
      '-auth_uri',
      `${TARGET_USER}@${SIP_DOMAIN}`,
    ],
  },
  {
    // A call: initial PUBLISH (challenged), refresh, removal — three PUBLISH transactions.
    // One presentity with up to -l publications at once: see users.ts, "Presentities".
    name: 'publish',
    users: { first: PUBLISH_USER, count: 1 },
    goal: { kind: 'rate', value: 5000 / 3 },
    uac: () => ['-sf', scenarioFile('publish.xml'), '-auth_uri', `${PUBLISH_USER}@${SIP_DOMAIN}`],
  },
  {
    // A call: SUBSCRIBE (challenged) + NOTIFY, unsubscribe + NOTIFY — two SUBSCRIBE+NOTIFY pairs.
    name: 'subscribe',
    users: RATE_USERS,
    goal: { kind: 'rate', value: 4000 / 2 },
    uac: () => [
      '-sf',
      scenarioFile('subscribe.xml'),
      '-s',
      String(TARGET_USER),
      '-auth_uri',
      `${TARGET_USER}@${SIP_DOMAIN}`,
    ],
  },
  {
    name: 'memory',
    users: MEMORY_USERS,
    goal: { kind: 'rss-mb', value: 150 },
    async measure(ctx, server) {
      const registered = await everyUserOnce(ctx, 'register.xml', MEMORY_USERS, MEMORY_RATE, [
        '-auth_uri',
        SIP_DOMAIN,
      ]);
      let subscribed = 0;
      for (
        let first = MEMORY_USERS.first;
        first < MEMORY_USERS.first + MEMORY_USERS.count;
        first += MEMORY_BLOCK
      ) {
        const owner = memoryOwnerOf(first);
        const block = await everyUserOnce(
          ctx,
          'subscribe-hold.xml',
          { first, count: MEMORY_BLOCK },
          MEMORY_RATE,
          ['-s', String(owner), '-auth_uri', `${owner}@${SIP_DOMAIN}`],
        );
        subscribed += block.successful;
      }
      // Held: the transactions of the setup are gone (Herald's Timer J is 32 s, Kamailio's wt 5 s).
      await new Promise((resolve) => setTimeout(resolve, MEMORY_HOLD_MS));
      const rssHeldBytes = totalPss(server.pids());
      // Then the lowest of a sample every 5 s for 90 s: when V8's memory reducer collects the
      // setup's garbage varies from run to run (measured: 35 s to 70 s after the hold), and with
      // it a single reading (Herald: ~130 MB or ~280 MB at 35 s in runs of one build).
      let rssBytes = rssHeldBytes;
      for (let waited = 0; waited < MEMORY_SETTLE_MS; waited += MEMORY_SAMPLE_MS) {
        await new Promise((resolve) => setTimeout(resolve, MEMORY_SAMPLE_MS));
        rssBytes = Math.min(rssBytes, totalPss(server.pids()));
      }
      const missing = 2 * MEMORY_USERS.count - registered.successful - subscribed;
      return {
        maxRate: Number.NaN,
        confirmRate: Number.NaN,
        confirmFailed: missing,
        rssBytes,
        rssHeldBytes,
      };
    },
  },
];

export const SIP_USAGE = `usage: npm run bench -- sip <${[...SCENARIOS.map((s) => s.name), 'all'].join('|')}> [options]
  --targets LIST     comma-separated, of ${SIP_TARGET_NAMES.join(',')} (default: both)
  --duration S       seconds per rate step (default 2)
  --runs N           runs per target, the median is reported (default 3)
  --limit N          calls in flight, SIPp -l (default 100)
  --rate N           no search: measure the CPU per call at N calls/s (to compare builds)
  --state-dir DIR    provisioned data, logs and SIPp files (default ${join(tmpdir(), 'herald-bench')})
  --out FILE         also write the results as JSON to FILE`;

export class SipUsageError extends Error {}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      targets: { type: 'string' },
      duration: { type: 'string' },
      runs: { type: 'string' },
      limit: { type: 'string' },
      rate: { type: 'string' },
      'state-dir': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const names = positionals.flatMap((p) => (p === 'all' ? SCENARIOS.map((s) => s.name) : p.split(',')));
  if (names.length === 0) throw new SipUsageError(SIP_USAGE);
  const scenarios = names.map((name) => {
    const found = SCENARIOS.find((s) => s.name === name);
    if (!found) throw new SipUsageError(`unknown SIP scenario ${JSON.stringify(name)}\n${SIP_USAGE}`);
    return found;
  });
  const num = (key: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new SipUsageError(`--${key} must be a positive number`);
    return n;
  };
  const targets = (values.targets ?? SIP_TARGET_NAMES.join(',')).split(',').map((t) => {
    if (!(SIP_TARGET_NAMES as readonly string[]).includes(t))
      throw new SipUsageError(`unknown SIP target ${JSON.stringify(t)}`);
    return t as SipTargetName;
  });
  const options: SipBenchOptions = {
    runs: num('runs', values.runs, 3),
    duration: num('duration', values.duration, 2),
    limit: num('limit', values.limit, 100),
    targets,
    stateDir: values['state-dir'] ?? join(tmpdir(), 'herald-bench'),
    ...(values.rate === undefined ? {} : { rate: num('rate', values.rate, 0) }),
  };
  return { scenarios, options, out: values.out };
}

async function rateStep(ctx: Ctx, scenario: SipScenario, rate: number) {
  const calls = Math.max(1, Math.round(rate * ctx.options.duration));
  const args = [
    ...(scenario.uac?.(ctx) ?? []),
    ...common(ctx),
    '-r',
    String(rate),
    '-l',
    String(ctx.options.limit),
    '-m',
    String(calls),
  ];
  const result = await runSipp(remoteOf(ctx.target), args, {
    workDir: ctx.workDir,
    timeoutMs: (ctx.options.duration * 4 + 15) * 1000,
  });
  const passed = stepPassed(result.totals, calls, rate, result.wallSeconds);
  console.error(
    `    ${rate}/s: ${result.totals.successful}/${calls} ok, ${result.totals.failed} failed, ${result.wallSeconds.toFixed(1)} s${passed ? '' : ' ✗'}`,
  );
  return { passed, detail: result.totals };
}

async function once(
  target: SipTarget,
  scenario: SipScenario,
  options: SipBenchOptions,
): Promise<SipRunResult> {
  const workDir = join(options.stateDir, 'sipp');
  mkdirSync(workDir, { recursive: true });
  const csv = join(workDir, `${scenario.name}-users.csv`);
  writeFileSync(csv, injectionCsv(usersOf(scenario.users)));
  const ctx: Ctx = { target, options, workDir, csv };
  const server = await target.start();
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (scenario.measure) return await scenario.measure(ctx, server);
    const teardown = scenario.prepare ? await scenario.prepare(ctx) : async () => {};
    try {
      // Warm-up steps, not counted: the search's first step (1,000/s) would otherwise also measure
      // a cold server (Node's JIT, first queries), and a failed first step is never tried again.
      console.error(`    warm-up at ${WARM_UP_RATES.join(', ')}/s:`);
      for (const rate of WARM_UP_RATES) await rateStep(ctx, scenario, rate);
      const maxRate =
        options.rate === undefined
          ? (
              await searchMaxRate({ start: 1000, factor: 2, refinements: 3, max: 40_000, min: 50 }, (rate) =>
                rateStep(ctx, scenario, rate),
              )
            ).best
          : Number.NaN;
      const confirmRate = options.rate ?? Math.round(maxRate * 0.8);
      let confirmFailed = Number.NaN;
      let cpuUsPerCall = Number.NaN;
      if (confirmRate > 0) {
        console.error(options.rate === undefined ? '    confirmation at 80 %:' : `    at ${confirmRate}/s:`);
        // The server's CPU time per call, which other load on the machine changes far less than
        // the rates (a busy neighbour takes the server's core away; it does not add work to it).
        const cpuBefore = totalCpu(server.pids());
        const confirm = await rateStep(ctx, scenario, confirmRate);
        const cpu = totalCpu(server.pids()) - cpuBefore;
        if (confirm.detail.successful > 0) cpuUsPerCall = (cpu * 1e6) / confirm.detail.successful;
        confirmFailed =
          confirm.detail.failed +
          Math.max(
            0,
            Math.round(confirmRate * options.duration) - confirm.detail.successful - confirm.detail.failed,
          );
      }
      return {
        maxRate,
        confirmRate,
        confirmFailed,
        cpuUsPerCall,
        rssBytes: totalPss(server.pids()),
      };
    } finally {
      await teardown();
    }
  } finally {
    await server.stop();
  }
}

export async function runSipBench(argv: readonly string[]): Promise<number> {
  const { scenarios, options, out } = parse(argv);
  stopAllOnSignal();
  await run('taskset', ['-a', '-p', '-c', GENERATOR_CPU, String(process.pid)]);
  mkdirSync(options.stateDir, { recursive: true });
  const targets = options.targets.map((name) =>
    name === 'herald' ? heraldSipTarget(options.stateDir) : kamailioTarget(options.stateDir),
  );
  const failed = new Map<SipTargetName, string>();
  const users = [...new Set(scenarios.flatMap((s) => usersOf(s.users)))];
  if (!users.includes(TARGET_USER)) users.push(TARGET_USER);
  for (const target of targets)
    await target.provision(users).catch((e: Error) => failed.set(target.name, `provisioning: ${e.message}`));
  const started = new Date();
  const reports: SipScenarioReport[] = [];
  for (const scenario of scenarios) {
    const runs = new Map<SipTargetName, SipRunResult[]>(targets.map((t) => [t.name, []]));
    const errors = new Map(failed);
    for (let r = 1; r <= options.runs; r++)
      for (const target of targets) {
        if (errors.has(target.name)) continue;
        console.error(`${scenario.name} run ${r}/${options.runs}: ${target.name}`);
        try {
          const result = await once(target, scenario, options);
          runs.get(target.name)?.push(result);
          console.error(`  ${JSON.stringify(result)}`);
        } catch (error) {
          errors.set(target.name, (error as Error).message);
          console.error(`  ${target.name}: ${(error as Error).message}`);
        }
      }
    const perTarget: SipTargetRuns[] = targets.map((t) => ({
      target: t.name,
      version: t.version(),
      runs: runs.get(t.name) ?? [],
      ...(errors.has(t.name) ? { error: errors.get(t.name) } : {}),
    }));
    reports.push({ scenario: scenario.name, goal: scenario.goal, targets: perTarget });
  }
  const machine = `${hostname()}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`;
  console.log(`\nSIP benchmark, ${started.toISOString().slice(0, 16)} UTC, ${machine}`);
  for (const t of targets) console.log(`  ${t.name}: ${t.version()}`);
  console.log(`  options: ${JSON.stringify({ ...options, stateDir: undefined })}\n`);
  console.log(sipMarkdownTable(reports));
  for (const report of reports)
    for (const t of report.targets)
      if (t.error) console.log(`- ${report.scenario} / ${t.target}: ${t.error}`);
  const file =
    out ?? join(options.stateDir, `sip-results-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ started: started.toISOString(), machine, options, reports }, null, 2)}\n`,
  );
  console.error(`\nresults: ${file}`);
  return 0;
}
