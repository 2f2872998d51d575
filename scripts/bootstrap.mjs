#!/usr/bin/env node
// `npm start` and `npm test` on a fresh clone: install what is missing, build, then run.
// Plain Node with no dependencies, because it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2];

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function needsInstall() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

if (needsInstall()) {
  console.log('Installing dependencies (native modules compile once; this takes a few minutes)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (mode === 'start') {
  run('npm', ['run', '--silent', 'build']);
  // The server runs in its own Node with Herald's heap flags (bin/node-flags.mjs); this process
  // waits for it and hands it Ctrl-C / SIGTERM, so that it stops cleanly.
  const { HERALD_NODE_FLAGS } = await import(pathToFileURL(join(root, 'bin', 'node-flags.mjs')).href);
  const args = [
    ...HERALD_NODE_FLAGS,
    join(root, 'bin', 'herald.mjs'),
    'serve',
    '--demo',
    ...process.argv.slice(3),
  ];
  const server = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: process.env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  server.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else if (mode === 'test') {
  run('npm', ['run', '--silent', 'build']);
  run('npm', ['run', '--silent', 'check']);
  run('npm', ['run', '--silent', 'scenarios']);
} else {
  console.error('usage: node scripts/bootstrap.mjs start|test');
  process.exit(2);
}
