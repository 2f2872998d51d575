/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`, the Chrome DevTools Profile format,
 * https://chromedevtools.github.io/devtools-protocol/tot/Profiler/#type-Profile): self time by
 * function and by package or source folder, to see what limits the server under a benchmark.
 *
 *   npx tsx bench/cpu-profile-summary.ts FILE.cpuprofile [--top N]
 *
 * Record one with: HERALD_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" npm run bench -- xmpp …
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a frame's code lives: a package, a folder of Herald's dist/, node: internals, or V8. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const dist = /\/dist\/([^/]+(?:\/[^/]+)?)\//.exec(url);
  if (dist) return `herald ${dist[1]}`;
  if (url.startsWith('node:')) return url.split('/')[0] ?? url;
  return url;
}

export interface Row {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

const frameName = (frame: ProfileNode['callFrame']) =>
  `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;

export interface ProfileSummary {
  readonly total: number;
  readonly byFunction: Row[];
  readonly byArea: Row[];
  /** Time with the function anywhere on the stack (each function once per sample). */
  readonly inclusive: Row[];
}

export function summarizeProfile(profile: Profile): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    total += us;
    const name = frameName(frame);
    fn.set(name, (fn.get(name) ?? 0) + us);
    const where = areaOf(frame.url, frame.functionName);
    area.set(where, (area.get(where) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = nodes.get(at);
      if (!node) break;
      const stacked = frameName(node.callFrame);
      if (seen.has(stacked)) continue;
      seen.add(stacked);
      inclusive.set(stacked, (inclusive.get(stacked) ?? 0) + us);
    }
  });
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .map(([name, us]) => ({ name, ms: us / 1000, share: total > 0 ? us / total : 0 }))
      .sort((a, b) => b.ms - a.ms);
  return { total: total / 1000, byFunction: rows(fn), byArea: rows(area), inclusive: rows(inclusive) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, flag, n] = process.argv.slice(2);
  if (!file) {
    console.error('usage: cpu-profile-summary.ts FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  const top = flag === '--top' ? Number(n) : 25;
  const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const print = (title: string, rows: readonly Row[]) => {
    console.log(`\n${title}`);
    for (const r of rows.slice(0, top))
      console.log(
        `${(r.share * 100).toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`,
      );
  };
  console.log(`sampled ${summary.total.toFixed(0)} ms`);
  print('self time by area', summary.byArea);
  print('self time by function', summary.byFunction);
  print('inclusive time by function', summary.inclusive);
}
