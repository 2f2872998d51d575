#!/usr/bin/env -S node --max-semi-space-size=8
// The herald command: runs the built server (npm run build, or npm start, builds it).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error('herald: not built yet; run `npm run build` (or `npm start`) first');
  process.exit(2);
}
const { runCli } = await import(pathToFileURL(cli).href);
process.exit(await runCli(process.argv.slice(2)));
