/**
 * Summarises V8 heap snapshots (`node --heapsnapshot-signal=SIGUSR2`, or a DevTools export): self
 * size and count per node type and constructor name, largest first, so that a memory figure can be
 * traced to what holds it. Self sizes only (no dominator tree): a Map's entries show under
 * "array (object elements)" / "(system)" rather than under the Map.
 *
 *   npx tsx bench/heap-snapshot-summary.ts FILE.heapsnapshot [--top N] [--strings N] [--retainers TEXT]
 *
 * `--retainers TEXT` prints, for a few objects whose constructor is TEXT or strings that start with
 * TEXT, one chain of retainers (strong edges) up to a GC root: what keeps them alive.
 * `--holders N` prints the N objects holding the most, by the size of their subtree in a
 * breadth-first spanning tree from the roots (an approximation of V8's retained size that needs no
 * dominator tree: a node shared by two holders counts for the nearer one).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Where a snapshot's node and edge fields are (the layout is in its meta). */
function layoutOf(snap: Snapshot) {
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  return {
    width,
    nodeTypes: snap.snapshot.meta.node_types[0],
    edgeTypes: snap.snapshot.meta.edge_types[0],
    edgeWidth: snap.snapshot.meta.edge_fields.length,
    typeAt: fields.indexOf('type'),
    nameAt: fields.indexOf('name'),
    countAt: fields.indexOf('edge_count'),
    sizeAt: fields.indexOf('self_size'),
    nodeCount: snap.nodes.length / width,
    field: (node: number, at: number) => snap.nodes[node * width + at] ?? 0,
  };
}

/** Prints one retainer chain for each of the first `samples` nodes named `text`. */
function retainers(snap: Snapshot, text: string, samples: number): void {
  const { width, nodeTypes, edgeTypes, edgeWidth, typeAt, nameAt, countAt, nodeCount, field } =
    layoutOf(snap);
  const label = (node: number) =>
    `${nodeTypes[field(node, typeAt)]} ${(snap.strings[field(node, nameAt)] ?? '').slice(0, 50).replace(/\s+/g, ' ')}`;
  // The first retainer of each node over a strong edge (not weak, not shortcut).
  const retainer = new Int32Array(nodeCount).fill(-1);
  const via = new Array<string>(nodeCount);
  let edge = 0;
  for (let node = 0; node < nodeCount; node++) {
    const count = field(node, countAt);
    for (let k = 0; k < count; k++, edge += edgeWidth) {
      const kind = edgeTypes[snap.edges[edge] ?? 0];
      if (kind === 'weak' || kind === 'shortcut') continue;
      const to = (snap.edges[edge + 2] ?? 0) / width;
      if (retainer[to] !== -1) continue;
      retainer[to] = node;
      const name = snap.edges[edge + 1] ?? 0;
      via[to] = kind === 'element' || kind === 'hidden' ? `[${name}]` : `.${snap.strings[name]}`;
    }
  }
  const matches: number[] = [];
  for (let node = 0; node < nodeCount; node++) {
    const name = snap.strings[field(node, nameAt)] ?? '';
    const type = nodeTypes[field(node, typeAt)];
    const isString = type === 'string' || type === 'sliced string' || type === 'concatenated string';
    if (isString ? name.startsWith(text) : name === text || type === text) matches.push(node);
  }
  console.log(`${matches.length} nodes match ${JSON.stringify(text)}`);
  // Spread over the matches: the first few are often the module-loading ones.
  for (let i = 0; i < samples && i < matches.length; i++) {
    const node = matches[Math.floor(((i + 0.5) * matches.length) / samples)] ?? 0;
    const chain: string[] = [];
    for (let at = node, depth = 0; at > 0 && depth < 14; depth++) {
      chain.push(`${via[at] ?? ''} ← ${label(at)}`);
      at = retainer[at] ?? -1;
    }
    console.log(`retained: ${chain.join('\n    ')}`);
  }
}

/** The objects with the largest breadth-first subtrees (see the header). */
function holders(snap: Snapshot, count: number): void {
  const { width, nodeTypes, edgeTypes, edgeWidth, typeAt, nameAt, countAt, sizeAt, nodeCount, field } =
    layoutOf(snap);
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let node = 0; node < nodeCount; node++) {
    firstEdge[node + 1] = (firstEdge[node] ?? 0) + field(node, countAt) * edgeWidth;
  }
  const parent = new Int32Array(nodeCount).fill(-1);
  const edgeName = new Array<string>(nodeCount);
  const order = new Int32Array(nodeCount);
  let head = 0;
  let tail = 0;
  order[tail++] = 0;
  parent[0] = 0;
  while (head < tail) {
    const node = order[head++] ?? 0;
    for (let edge = firstEdge[node] ?? 0; edge < (firstEdge[node + 1] ?? 0); edge += edgeWidth) {
      const kind = edgeTypes[snap.edges[edge] ?? 0];
      if (kind === 'weak' || kind === 'shortcut') continue;
      const to = (snap.edges[edge + 2] ?? 0) / width;
      if (parent[to] !== -1) continue;
      parent[to] = node;
      const name = snap.edges[edge + 1] ?? 0;
      edgeName[to] = kind === 'element' || kind === 'hidden' ? `[${name}]` : `.${snap.strings[name]}`;
      order[tail++] = to;
    }
  }
  const subtree = new Float64Array(nodeCount);
  for (let i = tail - 1; i > 0; i--) {
    const node = order[i] ?? 0;
    subtree[node] = (subtree[node] ?? 0) + field(node, sizeAt);
    const up = parent[node] ?? 0;
    subtree[up] = (subtree[up] ?? 0) + (subtree[node] ?? 0);
  }
  const label = (node: number) =>
    `${nodeTypes[field(node, typeAt)]} ${(snap.strings[field(node, nameAt)] ?? '').slice(0, 40).replace(/\s+/g, ' ')}`;
  const candidates = [...order.subarray(1, tail)]
    .filter((node) => nodeTypes[field(node, typeAt)] === 'object')
    .sort((a, b) => (subtree[b] ?? 0) - (subtree[a] ?? 0))
    .slice(0, count);
  console.log('largest breadth-first subtrees (MB, holder ← its parent):');
  for (const node of candidates) {
    const up = parent[node] ?? 0;
    console.log(
      `${((subtree[node] ?? 0) / 1048576).toFixed(2).padStart(8)}  ${edgeName[node]} of ${label(up)} → ${label(node)}`,
    );
  }
}

function summarise(file: string, top: number, strings: number): void {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, { count: number; bytes: number }>();
  const stringSamples = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?';
    const name = snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '';
    const size = snap.nodes[i + sizeAt] ?? 0;
    total += size;
    const isString = type === 'string' || type === 'concatenated string' || type === 'sliced string';
    const key = isString ? `${type}` : `${type} ${name.slice(0, 60)}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += size;
    groups.set(key, group);
    if (isString && strings > 0) {
      const sample = name.slice(0, 50).replace(/\s+/g, ' ');
      const entry = stringSamples.get(sample) ?? { count: 0, bytes: 0 };
      entry.count += 1;
      entry.bytes += size;
      stringSamples.set(sample, entry);
    }
  }
  const mb = (bytes: number) => (bytes / 1048576).toFixed(2).padStart(8);
  console.log(`${file}: ${mb(total)} MB in ${snap.nodes.length / width} nodes`);
  for (const [key, group] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top)) {
    console.log(`${mb(group.bytes)} MB ${String(group.count).padStart(9)}  ${key}`);
  }
  if (strings > 0) {
    console.log('strings by first 50 characters:');
    for (const [key, entry] of [...stringSamples].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, strings)) {
      console.log(`${mb(entry.bytes)} MB ${String(entry.count).padStart(9)}  ${JSON.stringify(key)}`);
    }
  }
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args.splice(at, 2)[1]);
  return Number.isFinite(value) ? value : fallback;
};
const top = option('--top', 40);
const strings = option('--strings', 0);
const holderCount = option('--holders', 0);
const retainerAt = args.indexOf('--retainers');
const retainerText = retainerAt >= 0 ? args.splice(retainerAt, 2)[1] : undefined;
for (const file of args) {
  summarise(file, top, strings);
  if (retainerText !== undefined) {
    retainers(JSON.parse(readFileSync(file, 'utf8')) as Snapshot, retainerText, 3);
  }
  if (holderCount > 0) holders(JSON.parse(readFileSync(file, 'utf8')) as Snapshot, holderCount);
}
