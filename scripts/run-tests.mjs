#!/usr/bin/env node
// Runs Node's test runner over every *.test.ts under the given roots, or the given test files
// (Node 20's --test has no globs).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const roots = args.filter((a) => !a.startsWith('--'));
const files = roots.flatMap((root) =>
  root.endsWith('.test.ts')
    ? [root]
    : readdirSync(root, { recursive: true, withFileTypes: false })
        .map(String)
        .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'))
        .map((f) => join(root, f)),
);
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
files.sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...flags, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
