/**
 * Reads a .heapprofile (bench/allocation-profile.cjs, or Chrome's) and prints the share of the
 * sampled bytes allocated in each function and in each file:
 *   node bench/allocation-profile-summary.mjs FILE [TOP]
 */
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byFn = new Map();
const byFile = new Map();
let total = 0;
(function walk(n) {
  const s = n.selfSize;
  total += s;
  const cf = n.callFrame;
  const f = cf.url.split('/').slice(-2).join('/');
  const k = `${cf.functionName || '(anon)'} ${f}:${cf.lineNumber}`;
  byFn.set(k, (byFn.get(k) ?? 0) + s);
  byFile.set(f, (byFile.get(f) ?? 0) + s);
  for (const c of n.children) walk(c);
})(prof.head);
console.log('total MB', (total / 1e6).toFixed(1));
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(((100 * v) / total).toFixed(1).padStart(5), '%', k);
console.log('--- by file');
for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(((100 * v) / total).toFixed(1).padStart(5), '%', k);
