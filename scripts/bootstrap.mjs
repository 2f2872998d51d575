#!/usr/bin/env node
// `npm start` and `npm test` on a fresh clone: install what is missing, build, then run.
// Plain Node with no dependencies, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
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
  const { runCli } = await import(pathToFileURL(join(root, 'dist', 'main', 'cli.js')).href);
  const extra = process.argv.slice(3);
  process.exit(await runCli(['serve', '--demo', ...extra]));
} else if (mode === 'test') {
  run('npm', ['run', '--silent', 'build']);
  run('npm', ['run', '--silent', 'check']);
  run('npm', ['run', '--silent', 'scenarios']);
} else {
  console.error('usage: node scripts/bootstrap.mjs start|test');
  process.exit(2);
}
