/**
 * `npm run bench -- xmpp <scenario>`: runs scenarios against Herald, Prosody and ejabberd side
 * by side. Each run gets a freshly started server pinned to CPU 1 while this generator stays on
 * CPU 0; runs alternate between targets (so that the shared machine's noise hits all alike), and
 * the report gives the median of the runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuBusySeconds, totalCpu } from './proc-stats.js';
import { markdownTable, notesOf, type ScenarioReport, type TargetRuns } from './report.js';
import type { BenchOptions, RunResult, Scenario } from './scenario.js';
import { sleep } from './scenario.js';
import { chatScenario } from './scenarios/chat.js';
import { idleScenario } from './scenarios/idle.js';
import { loginScenario } from './scenarios/login.js';
import { presenceScenario } from './scenarios/presence.js';
import { soakScenario } from './scenarios/soak.js';
import { ejabberdTarget } from './targets/ejabberd-target.js';
import { heraldTarget } from './targets/herald-target.js';
import { run, SERVER_CPU, stopAllOnSignal } from './targets/process-control.js';
import { prosodyTarget } from './targets/prosody-target.js';
import { type Provisioning, TARGET_NAMES, type Target, type TargetName } from './targets/target.js';

export const SCENARIOS: readonly Scenario[] = [
  loginScenario,
  idleScenario,
  chatScenario,
  presenceScenario,
  soakScenario,
];
/** What `all` runs (soak takes ten minutes per target; ask for it by name). */
const ALL = ['login', 'idle', 'chat', 'presence'];
const GENERATOR_CPU = process.env.GENERATOR_CPU ?? '0';

export const USAGE = `usage: npm run bench -- xmpp <${[...SCENARIOS.map((s) => s.name), 'all'].join('|')}> [options]
  --targets LIST     comma-separated, of ${TARGET_NAMES.join(',')} (default: all three)
  --sessions N       sessions (login, idle, soak), sessions in pairs (chat), ring members (presence)
  --contacts R       contacts per user in the presence ring (default 50)
  --duration S       seconds per rate step (chat, presence; default 2) or hold time (soak; default 600)
  --runs N           runs per target, the median is reported (default 3)
  --concurrency N    logins in flight (default 50)
  --p99-ms MS        latency objective for chat and presence steps (default 100)
  --state-dir DIR    provisioned data and logs (default ${join(tmpdir(), 'herald-bench')})
  --out FILE         also write the results as JSON to FILE`;

/** A bad command line (exit code 2), as opposed to a failed benchmark (exit code 1). */
export class UsageError extends Error {}

function parse(argv: readonly string[]): { scenarios: Scenario[]; options: BenchOptions; out?: string } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      targets: { type: 'string' },
      sessions: { type: 'string' },
      contacts: { type: 'string' },
      duration: { type: 'string' },
      runs: { type: 'string' },
      concurrency: { type: 'string' },
      'p99-ms': { type: 'string' },
      'state-dir': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const names = positionals.flatMap((p) => (p === 'all' ? ALL : p.split(',')));
  if (names.length === 0) throw new UsageError(USAGE);
  const scenarios = names.map((name) => {
    const found = SCENARIOS.find((s) => s.name === name);
    if (!found) throw new UsageError(`unknown scenario ${JSON.stringify(name)}\n${USAGE}`);
    return found;
  });
  const num = (key: string, value: string | undefined, fallback: number | undefined) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${key} must be a positive number`);
    return n;
  };
  const targets = (values.targets ?? TARGET_NAMES.join(',')).split(',').map((t) => {
    if (!(TARGET_NAMES as readonly string[]).includes(t))
      throw new UsageError(`unknown target ${JSON.stringify(t)}`);
    return t as TargetName;
  });
  const options: BenchOptions = {
    sessions: num('sessions', values.sessions, undefined),
    contacts: num('contacts', values.contacts, 50) as number,
    duration: num('duration', values.duration, undefined),
    runs: num('runs', values.runs, 3) as number,
    concurrency: num('concurrency', values.concurrency, 50) as number,
    p99Ms: num('p99-ms', values['p99-ms'], 100) as number,
    targets,
    stateDir: values['state-dir'] ?? join(tmpdir(), 'herald-bench'),
  };
  return { scenarios, options, ...(values.out ? { out: values.out } : {}) };
}

function makeTarget(name: TargetName, stateDir: string): Target {
  switch (name) {
    case 'herald':
      return heraldTarget(stateDir);
    case 'prosody':
      return prosodyTarget(stateDir);
    case 'ejabberd':
      return ejabberdTarget(stateDir);
    default: {
      const never: never = name;
      return never;
    }
  }
}

/** One provisioning covering every scenario asked for. */
function union(needs: readonly Provisioning[]): Provisioning {
  return {
    users: Math.max(0, ...needs.map((n) => n.users)),
    ring: needs.find((n) => n.ring !== null)?.ring ?? null,
  };
}

async function once(target: Target, scenario: Scenario, options: BenchOptions): Promise<RunResult> {
  const server = await target.start();
  try {
    await sleep(1000);
    const wall = performance.now();
    const core = cpuBusySeconds(SERVER_CPU);
    const own = totalCpu(server.pids());
    const result = await scenario.run(target, server, options);
    // The machine is shared: say how much of the server's core went to other processes.
    const seconds = (performance.now() - wall) / 1000;
    const others = (cpuBusySeconds(SERVER_CPU) - core - (totalCpu(server.pids()) - own)) / seconds;
    if (others > 0.05)
      return {
        ...result,
        notes: [...result.notes, `other processes took ${Math.round(others * 100)} % of CPU ${SERVER_CPU}`],
      };
    return result;
  } finally {
    await server.stop();
  }
}

export async function runXmppBench(argv: readonly string[]): Promise<number> {
  const { scenarios, options, out } = parse(argv);
  stopAllOnSignal();
  // The generator keeps to its own core (every thread of this process).
  await run('taskset', ['-a', '-p', '-c', GENERATOR_CPU, String(process.pid)]);
  mkdirSync(options.stateDir, { recursive: true });
  const targets = options.targets.map((name) => makeTarget(name, options.stateDir));
  const failed = new Map<TargetName, string>();
  for (const target of targets) {
    try {
      await target.provision(union(scenarios.map((s) => s.provisioning(options))));
    } catch (error) {
      failed.set(target.name, `provisioning failed: ${(error as Error).message}`);
    }
  }
  const reports: ScenarioReport[] = [];
  const started = new Date();
  for (const scenario of scenarios) {
    const runs = new Map<TargetName, RunResult[]>(targets.map((t) => [t.name, []]));
    const errors = new Map<TargetName, string>(failed);
    for (const target of targets) {
      if (!scenario.warmUp || errors.has(target.name)) continue;
      const server = await target.start().catch((e: Error) => {
        errors.set(target.name, e.message);
        return null;
      });
      if (!server) continue;
      try {
        await scenario.warmUp(target, server, options);
      } catch (error) {
        errors.set(target.name, `warm-up: ${(error as Error).message}`);
      } finally {
        await server.stop();
      }
    }
    for (let r = 1; r <= options.runs; r++) {
      for (const target of targets) {
        if (errors.has(target.name)) continue;
        console.error(`${scenario.name} run ${r}/${options.runs}: ${target.name}`);
        try {
          const result = await once(target, scenario, options);
          runs.get(target.name)?.push(result);
          console.error(
            `  ${JSON.stringify(result.values)}${result.notes.length ? ` ${result.notes.join('; ')}` : ''}`,
          );
        } catch (error) {
          errors.set(target.name, (error as Error).message);
          console.error(`  ${target.name}: ${(error as Error).message}`);
        }
      }
    }
    const perTarget: TargetRuns[] = targets.map((t) => ({
      target: t.name,
      version: t.version(),
      runs: runs.get(t.name) ?? [],
      ...(errors.has(t.name) ? { error: errors.get(t.name) } : {}),
    }));
    reports.push({ scenario: scenario.name, metrics: scenario.metrics, targets: perTarget });
  }
  const machine = `${hostname()}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`;
  console.log(`\nXMPP benchmark, ${started.toISOString().slice(0, 16)} UTC, ${machine}`);
  for (const t of targets) console.log(`  ${t.name}: ${t.version()}`);
  console.log(`  options: ${JSON.stringify({ ...options, stateDir: undefined })}\n`);
  console.log(markdownTable(reports));
  const notes = notesOf(reports);
  if (notes.length > 0) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
  const json = { started: started.toISOString(), machine, options, reports };
  const file = out ?? join(options.stateDir, `results-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.error(`\nresults: ${file}`);
  return 0;
}
