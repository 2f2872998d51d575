/**
 * `npm run bench -- mam query [--messages N] [--store sqlite|postgres] [--repeat R]`: issue 6's
 * "MAM query p99 over a 1,000,000-message archive". One user's archive is filled directly through
 * the built store (dist/, like bench/xmpp/targets/herald-provision.ts: batched appends inside
 * transactions, not via XMPP), then the XEP-0313 queries a client makes are timed through the
 * built ArchiveService (the code path the MAM module calls, with RSM paging and its count):
 * the last page (empty <before/>), a page in the middle after an id, a peer's last page, a time
 * range and a full-text search. PostgreSQL gets a dedicated database, dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { ArchiveService, ArchiveServiceOptions } from '../../src/core/archive/archive-service.js';
import type { Store, UserId } from '../../src/core/ports.js';
import type { OpenStoreOptions } from '../../src/infra/store/open-store.js';
import type { Clock } from '../../src/kernel/clock.js';
import { summarize } from '../xmpp/stats.js';
import { type ArchivePlan, messageId, NEEDLE, needleCount, peerOf, syntheticMessage } from './messages.js';

const REPO = resolve(import.meta.dirname, '../..');
const BATCH = 5000;
const USER_ID = 'bench-mam-owner' as UserId;

export class MamUsageError extends Error {}
export const MAM_USAGE = `mam query [--messages 1000000] [--store sqlite|postgres] [--repeat 50]
  PostgreSQL: HERALD_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); the
  bench creates and drops its own database herald_bench_mam.`;

interface Dist {
  openStore(options: OpenStoreOptions): Promise<Store>;
  ArchiveService: new (options: ArchiveServiceOptions) => ArchiveService;
  systemClock: Clock;
}

async function loadDist(): Promise<Dist> {
  const load = async (file: string): Promise<Record<string, unknown>> => {
    try {
      return (await import(pathToFileURL(join(REPO, 'dist', file)).href)) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`Herald is not built (run \`npm run build\`): ${(error as Error).message}`);
    }
  };
  const [store, archive, clock] = await Promise.all([
    load('infra/store/open-store.js'),
    load('core/archive/archive-service.js'),
    load('kernel/clock.js'),
  ]);
  return {
    openStore: store.openStore as Dist['openStore'],
    ArchiveService: archive.ArchiveService as Dist['ArchiveService'],
    systemClock: clock.systemClock as Clock,
  };
}

const PG_DB = 'herald_bench_mam';

async function onPostgresServer(url: string, sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

async function fill(store: Store, plan: ArchivePlan): Promise<number> {
  const started = performance.now();
  const now = Date.now();
  await store.transaction((tx) =>
    tx.accounts.insertUser(
      {
        id: USER_ID,
        username: 'mamowner',
        displayName: 'mamowner',
        email: null,
        isAdmin: false,
        createdAt: now,
      },
      // Never used to log in: this user only owns the archive.
      {
        scramSha1: { salt: 'c2FsdA==', iterations: 4096, storedKey: 'AA==', serverKey: 'AA==' },
        scramSha256: { salt: 'c2FsdA==', iterations: 4096, storedKey: 'AA==', serverKey: 'AA==' },
        passwordHash: '!',
        digestRealm: 'bench.local',
        ha1Md5: '0',
        ha1Sha256: '0',
        updatedAt: now,
      },
    ),
  );
  for (let from = 0; from < plan.count; from += BATCH) {
    await store.transaction(async (tx) => {
      for (let i = from; i < Math.min(plan.count, from + BATCH); i++) {
        const m = syntheticMessage(plan, i);
        await tx.archive.append({
          id: m.id,
          userId: USER_ID,
          peer: m.peer,
          direction: m.direction,
          at: m.at,
          originId: null,
          body: m.body,
          payload: {
            format: 'xmpp',
            content: `<message xmlns="jabber:client" type="chat"><body>${m.body}</body></message>`,
          },
        });
      }
    });
    if ((from / BATCH) % 40 === 39) console.error(`  ${from + BATCH} messages…`);
  }
  return performance.now() - started;
}

interface QueryKind {
  readonly name: string;
  /** Runs at most, for a query that scans (the full-text LIKE). */
  readonly maxRuns?: number;
  run(archive: ArchiveService, rep: number): Promise<number>;
}

function queryKinds(plan: ArchivePlan): QueryKind[] {
  // Spread the parameters over the archive so the cache does not serve one page over and over.
  const spot = (rep: number) => Math.floor((((rep * 7919) % 997) / 997) * (plan.count - 100));
  const hour = 3_600_000;
  return [
    {
      name: 'last page (before="")',
      run: async (a) => (await a.query(USER_ID, {}, { before: true, max: 50 })).items.length,
    },
    {
      name: 'page after an id (middle)',
      run: async (a, rep) =>
        (await a.query(USER_ID, {}, { after: messageId(spot(rep)), max: 50 })).items.length,
    },
    {
      name: 'by peer, last page',
      run: async (a, rep) =>
        (await a.query(USER_ID, { peer: peerOf(plan, rep % plan.peers) }, { before: true, max: 50 })).items
          .length,
    },
    {
      name: 'time range (1 h), first page',
      run: async (a, rep) => {
        const start = plan.startAt + spot(rep) * plan.stepMs;
        return (await a.query(USER_ID, { start, end: start + hour }, { max: 50 })).items.length;
      },
    },
    {
      name: `full-text "${NEEDLE}", last page`,
      maxRuns: 10,
      run: async (a) => (await a.query(USER_ID, { text: NEEDLE }, { before: true, max: 50 })).items.length,
    },
  ];
}

export async function runMamBench(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      messages: { type: 'string', default: '1000000' },
      store: { type: 'string', default: 'sqlite' },
      repeat: { type: 'string', default: '50' },
      peers: { type: 'string', default: '100' },
    },
  });
  if (positionals[0] !== 'query') throw new MamUsageError(MAM_USAGE);
  const count = Number(values.messages);
  const repeat = Number(values.repeat);
  const peers = Number(values.peers);
  for (const [k, v] of [
    ['messages', count],
    ['repeat', repeat],
    ['peers', peers],
  ] as const)
    if (!Number.isSafeInteger(v) || v <= 0) throw new MamUsageError(`--${k} must be a positive integer`);
  if (values.store !== 'sqlite' && values.store !== 'postgres')
    throw new MamUsageError('--store is sqlite or postgres');
  // One message a minute, ending now-ish: 1,000,000 cover about two years.
  const stepMs = 60_000;
  const plan: ArchivePlan = {
    count,
    peers,
    startAt: Date.now() - count * stepMs,
    stepMs,
    needleEvery: 1000,
    domain: 'bench.local',
  };

  const dist = await loadDist();
  const serverUrl = process.env.HERALD_BENCH_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
  let databaseUrl = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-mam-'));
  if (values.store === 'postgres') {
    await onPostgresServer(serverUrl, `drop database if exists ${PG_DB} with (force)`);
    await onPostgresServer(serverUrl, `create database ${PG_DB}`);
    const u = new URL(serverUrl);
    u.pathname = `/${PG_DB}`;
    databaseUrl = u.toString();
  }
  const store = await dist.openStore({ databaseUrl, dataDir, poolSize: 4 });
  try {
    console.error(`mam: filling ${count} messages (${values.store})…`);
    const fillMs = await fill(store, plan);
    console.error(
      `mam: filled in ${(fillMs / 1000).toFixed(1)} s (${Math.round(count / (fillMs / 1000))} msg/s)`,
    );
    // Retention off: nothing may be pruned while measuring.
    const archive = new dist.ArchiveService({ store, clock: dist.systemClock, retentionDays: 0 });
    const rows: string[] = [];
    for (const kind of queryKinds(plan)) {
      await kind.run(archive, 0); // warm-up
      const ms: number[] = [];
      let items = 0;
      for (let rep = 0; rep < Math.min(repeat, kind.maxRuns ?? repeat); rep++) {
        const t = performance.now();
        items = await kind.run(archive, rep);
        ms.push(performance.now() - t);
      }
      const s = summarize(ms);
      rows.push(
        `| ${kind.name} | ${ms.length} | ${items} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.max.toFixed(1)} |`,
      );
      console.error(rows.at(-1));
    }
    const full = await archive.query(USER_ID, { text: NEEDLE }, { max: 1 });
    if (full.count !== needleCount(plan))
      throw new Error(`full-text found ${full.count}, expected ${needleCount(plan)}`);
    console.log(
      `\nMAM query, ${values.store}, ${count} messages in one archive, ${peers} peers, ${repeat} runs (full-text 10)`,
    );
    console.log(
      `fill: ${(fillMs / 1000).toFixed(1)} s; machine: ${cpus().length}× ${cpus()[0]?.model ?? '?'}, Node ${process.versions.node}\n`,
    );
    console.log('| query | runs | items | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
    return 0;
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (values.store === 'postgres')
      await onPostgresServer(serverUrl, `drop database if exists ${PG_DB} with (force)`);
  }
}
