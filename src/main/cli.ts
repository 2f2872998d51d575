#!/usr/bin/env node
/**
 * The herald command (SPEC, Operator interface): `herald serve [--config FILE] [--demo]` and the
 * admin verbs. Exit codes: 0 done, 1 the operation failed, 2 bad configuration or arguments
 * (one line naming the key or argument).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../kernel/config.js';
import { isHeraldError } from '../kernel/errors.js';
import { createLogger } from '../kernel/log.js';
import { moduleOptionSchemas } from '../kernel/module-loader.js';
import { openAdminContext } from './admin-context.js';
import { adminVerbs } from './cli-admin.js';
import { argumentError, parse } from './cli-args.js';
import { consoleOutput, type Output } from './cli-output.js';
import { allModules } from './modules.js';
import { heraldVersion, startServer } from './server.js';

type Env = Readonly<Record<string, string | undefined>>;

const SERVE_USAGE = 'herald serve [--config FILE] [--demo]';

function mainHelp(): string {
  const lines = [
    `herald ${heraldVersion()} — unified presence, messaging and calls`,
    '',
    'usage: herald [--config FILE] COMMAND ...',
    '',
    `  ${SERVE_USAGE.padEnd(40)} run the server (--demo: create the demo data)`,
  ];
  for (const [noun, verbs] of Object.entries(adminVerbs))
    lines.push(`  ${`herald ${noun} ${Object.keys(verbs).join('|')}`.padEnd(40)} manage ${noun}s`);
  lines.push(
    '',
    'Every command takes --help. Config: --config FILE or HERALD_CONFIG; HERALD_* variables override it.',
  );
  return lines.join('\n');
}

/** Takes `--config FILE` / `--config=FILE` out of the arguments wherever it stands. */
function extractConfig(argv: readonly string[], env: Env): { file: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let file = env.HERALD_CONFIG || undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--config') {
      file = argv[++i];
      if (!file) throw argumentError('--config needs a file name', '--config');
    } else if (arg.startsWith('--config=')) file = arg.slice('--config='.length);
    else rest.push(arg);
  }
  return { file, rest };
}

export async function runCli(
  argv: readonly string[],
  env: Env = process.env,
  out: Output = consoleOutput,
): Promise<number> {
  try {
    const { file, rest } = extractConfig(argv, env);
    const [command, ...args] = rest;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out.line(mainHelp());
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      out.line(heraldVersion());
      return 0;
    }
    const config = () => loadConfig({ file, env, modules: moduleOptionSchemas(allModules) });
    if (command === 'serve') return await serve(args, config, env, out);
    const verbs = adminVerbs[command];
    if (!verbs)
      throw argumentError(`unknown command ${JSON.stringify(command)} (see herald --help)`, command);
    const [verbName, ...verbArgs] = args;
    if (verbName === undefined || verbName === '--help' || verbName === '-h') {
      for (const verb of Object.values(verbs)) out.line(`${verb.usage.padEnd(60)} ${verb.summary}`);
      return verbName === undefined ? 2 : 0;
    }
    const verb = verbs[verbName];
    if (!verb)
      throw argumentError(
        `unknown command ${JSON.stringify(`${command} ${verbName}`)} (see herald ${command} --help)`,
        verbName,
      );
    const parsed = parse(verbArgs, verb.options, verb.positionals, verb.usage);
    if (parsed.values.help) {
      out.line(`usage: ${verb.usage}\n${verb.summary}`);
      return 0;
    }
    const ctx = await openAdminContext(config());
    try {
      await verb.run(ctx, parsed, out);
    } finally {
      await ctx.close();
    }
    return 0;
  } catch (error) {
    if (isHeraldError(error, 'HERALD_ERR_CONFIG') || isHeraldError(error, 'HERALD_ERR_ARGUMENT')) {
      out.error(`herald: ${error.message}`);
      return 2;
    }
    if (isHeraldError(error)) {
      out.error(`herald: ${error.message}`);
      return 1;
    }
    out.error(`herald: unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}

async function serve(
  args: string[],
  config: () => ReturnType<typeof loadConfig>,
  env: Env,
  out: Output,
): Promise<number> {
  const parsed = parse(args, { demo: { type: 'boolean' } }, { min: 0, max: 0 }, SERVE_USAGE);
  if (parsed.values.help) {
    out.line(`usage: ${SERVE_USAGE}`);
    return 0;
  }
  const loaded = config();
  const log = createLogger({ level: loaded.log.level });
  const demoPassword = env.HERALD_DEMO_PASSWORD || undefined;
  const server = await startServer({
    config: loaded,
    log,
    ...(parsed.values.demo ? { demo: { password: demoPassword } } : {}),
  });
  if (server.demo?.generatedPassword)
    out.line(
      `\nDemo users alice, bob, carol, dave and admin were created with the password: ${server.demo.generatedPassword}\n` +
        '(shown once; set HERALD_DEMO_PASSWORD to choose it, or change it with herald user passwd)\n',
    );
  const where = [
    server.ports.http ? `http://localhost:${server.ports.http}/` : null,
    server.ports.https ? `https://localhost:${server.ports.https}/` : null,
  ].filter(Boolean);
  out.line(
    `Herald ${heraldVersion()} serves ${loaded.domain} on ${where.join(' and ') || 'no HTTP port'}; stop with Ctrl-C`,
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting at once');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'stopping');
      void server.stop().then(() => {
        log.info('stopped');
        log.flush?.();
        resolve(0);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

const invokedDirectly = (() => {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  // Exit explicitly: a pool or timer someone forgot must not keep a finished command alive.
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
