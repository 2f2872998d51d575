/**
 * The archive's SQL adapter on SQLite and PostgreSQL (skipped locally without PostgreSQL, always
 * run under CI=true): keyset pages in (at, id) order both ways, filters, the LIKE search with its
 * wildcards escaped, conversations, ids unique across users, retention, and user deletion taking
 * the archive along. The memory store answers the same, so both are checked against it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ArchivedMessageRecord, asUserId, type Store } from '../../src/core/ports.js';
import { MemoryStore } from '../../src/infra/store/memory/memory-store.js';
import { openStore } from '../../src/infra/store/open-store.js';
import { isHeraldError } from '../../src/kernel/errors.js';
import { postgresSkipReason, postgresTestDatabase } from '../support/postgres.js';

async function addUser(store: Store, name: string) {
  const keys = { iterations: 4096, salt: 's', storedKey: 'k', serverKey: 'k' };
  await store.accounts.insertUser(
    {
      id: asUserId(`u-${name}`),
      username: name,
      displayName: name,
      email: null,
      isAdmin: false,
      createdAt: 0,
    },
    {
      scramSha1: keys,
      scramSha256: keys,
      digestRealm: 'x',
      ha1Md5: 'x',
      ha1Sha256: 'x',
      passwordHash: 'x',
      updatedAt: 0,
    },
  );
  return asUserId(`u-${name}`);
}

const record = (
  userId: ReturnType<typeof asUserId>,
  i: number,
  extra: Partial<ArchivedMessageRecord> = {},
) => ({
  id: `${userId}-${String(i).padStart(3, '0')}`,
  userId,
  peer: i % 2 === 0 ? 'bob@x' : 'carol@x',
  direction: 'in' as const,
  // Pairs share a time, so the id breaks ties.
  at: 1_000_000 + Math.floor(i / 2) * 1000,
  originId: null,
  body: i === 7 ? '100% sure_thing' : `Hello ${i}`,
  payload: { format: 'xmpp', content: `<message><body>${i}</body></message>` },
  ...extra,
});

function archiveContract(
  name: string,
  open: () => Promise<{ store: Store; cleanup: () => Promise<void>; reopen?: () => Promise<Store> }>,
  skip?: string,
) {
  describe(name, { skip }, () => {
    it('commits, when it closes, the appends still waiting for their group (ADR 0012)', async (t) => {
      const { store, cleanup, reopen } = await open();
      if (!reopen) {
        await cleanup();
        return t.skip('this adapter keeps nothing after close');
      }
      try {
        const alice = await addUser(store, 'alice');
        // Not awaited: the SQL archive holds appends up to 10 ms for others to join.
        const appends = [0, 1, 2].map((i) => store.archive.append(record(alice, i)));
        await store.close();
        await Promise.all(appends);
        const again = await reopen();
        assert.equal(await again.archive.count(alice, {}), 3);
        await again.close();
      } finally {
        await cleanup();
      }
    });

    it('appends that arrive together commit together, and a refused one fails alone', async () => {
      const { store, cleanup } = await open();
      try {
        const alice = await addUser(store, 'alice');
        // 150 at once: the SQL archive commits them in groups (SqlWriteBatch, ADR 0012).
        const many = Array.from({ length: 150 }, (_, i) => store.archive.append(record(alice, i)));
        const refused = [
          store.archive.append(record(asUserId('u-nobody'), 0)),
          store.archive.append({ ...record(alice, 200), id: record(alice, 3).id }),
        ];
        const results = await Promise.allSettled([...many, ...refused]);
        assert.deepEqual(
          results.slice(0, 150).filter((r) => r.status === 'rejected'),
          [],
        );
        const [nobody, taken] = results.slice(150);
        assert.ok(nobody?.status === 'rejected' && isHeraldError(nobody.reason, 'HERALD_ERR_NOT_FOUND'));
        assert.ok(taken?.status === 'rejected' && isHeraldError(taken.reason, 'HERALD_ERR_CONFLICT'));
        assert.equal(await store.archive.count(alice, {}), 150);
        assert.deepEqual(await store.archive.get(alice, record(alice, 149).id), record(alice, 149));
      } finally {
        await cleanup();
      }
    });

    it('keeps the archive rules', async () => {
      const { store, cleanup } = await open();
      try {
        const alice = await addUser(store, 'alice');
        const dave = await addUser(store, 'dave');
        for (let i = 0; i < 20; i++) await store.archive.append(record(alice, i));
        await store.archive.append(record(dave, 0));
        await assert.rejects(store.archive.append({ ...record(dave, 1), id: record(alice, 0).id }), (e) =>
          isHeraldError(e, 'HERALD_ERR_CONFLICT'),
        );
        await assert.rejects(store.archive.append(record(asUserId('u-nobody'), 0)), (e) =>
          isHeraldError(e, 'HERALD_ERR_NOT_FOUND'),
        );
        const first = await store.archive.list(alice, {}, { order: 'asc', limit: 3 });
        assert.deepEqual(
          first.map((r) => r.id),
          [0, 1, 2].map((i) => record(alice, i).id),
        );
        const cursor = { at: first[2]?.at ?? 0, id: first[2]?.id ?? '' };
        const next = await store.archive.list(alice, {}, { order: 'asc', limit: 2, after: cursor });
        assert.deepEqual(
          next.map((r) => r.id),
          [3, 4].map((i) => record(alice, i).id),
        );
        const back = await store.archive.list(alice, {}, { order: 'desc', limit: 2, before: cursor });
        assert.deepEqual(
          back.map((r) => r.id),
          [1, 0].map((i) => record(alice, i).id),
        );
        assert.equal(await store.archive.count(alice, { peer: 'bob@x' }), 10);
        assert.equal(await store.archive.count(alice, { start: 1_002_000, end: 1_003_000 }), 4);
        assert.equal(await store.archive.count(alice, { text: 'HELLO 1' }), 11); // 1 and 10..19
        assert.equal(await store.archive.count(alice, { text: '0% s' }), 1);
        assert.equal(
          await store.archive.count(alice, { text: '%' }),
          1,
          'a % is a character, not a wildcard',
        );
        assert.equal(
          await store.archive.count(alice, { text: 'o_1' }),
          0,
          'an _ is a character, not any one',
        );
        const got = await store.archive.get(alice, record(alice, 7).id);
        assert.deepEqual(got, record(alice, 7));
        assert.equal(await store.archive.get(dave, record(alice, 7).id), undefined);
        const conversations = await store.archive.conversations(alice, 10);
        assert.deepEqual(
          conversations.map((r) => [r.peer, r.id]),
          [
            ['carol@x', record(alice, 19).id],
            ['bob@x', record(alice, 18).id],
          ],
        );
        await store.accounts.deleteUser(dave);
        assert.equal(await store.archive.count(dave, {}), 0);
        // The deleted user's ids are free again.
        await addUser(store, 'dave');
        await store.archive.append(record(dave, 0));
        assert.equal(await store.archive.prune(1_002_000), 5);
        assert.equal(await store.archive.count(alice, {}), 16);
      } finally {
        await cleanup();
      }
    });
  });
}

archiveContract('archive on the memory store', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

archiveContract('archive on SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-archive-'));
  const store = await openStore({ databaseUrl: '', dataDir, poolSize: 1 });
  return {
    store,
    reopen: () => openStore({ databaseUrl: '', dataDir, poolSize: 1 }),
    cleanup: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

const postgresSkip = await postgresSkipReason();
archiveContract(
  'archive on PostgreSQL',
  async () => {
    const database = await postgresTestDatabase();
    const store = await openStore({ databaseUrl: database.url, dataDir: '', poolSize: 2 });
    return {
      store,
      reopen: () => openStore({ databaseUrl: database.url, dataDir: '', poolSize: 2 }),
      cleanup: async () => {
        await store.close();
        await database.drop();
      },
    };
  },
  postgresSkip,
);
