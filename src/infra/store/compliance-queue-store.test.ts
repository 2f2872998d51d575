import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { postgresSkipReason, postgresTestDatabase } from '../../../test/support/postgres.js';
import type { ComplianceQueueStore, QueuedComplianceRecord, Store } from '../../core/ports.js';
import { isHeraldError } from '../../kernel/errors.js';
import { MemoryStore } from './memory/memory-store.js';
import { openStore } from './open-store.js';

const entry = (id: string, nextAttemptAt: number): QueuedComplianceRecord => ({
  id,
  queuedAt: 1,
  attempts: 1,
  nextAttemptAt,
  record: {
    id,
    at: 1,
    protocol: 'xmpp',
    sender: 'a@x',
    recipients: ['b@x'],
    room: null,
    body: `body ${id} ☃`,
    original: '<message/>',
  },
});

async function behaves(queue: ComplianceQueueStore): Promise<void> {
  assert.equal(await queue.nextAttemptAt(), null);
  await queue.enqueue(entry('b', 200));
  await queue.enqueue(entry('a', 200));
  await queue.enqueue(entry('c', 100));
  await queue.enqueue({ ...entry('c', 999), attempts: 9 }); // the same id again: ignored
  assert.equal(await queue.count(), 3);
  assert.equal(await queue.nextAttemptAt(), 100);
  assert.deepEqual(await queue.due(99, 10), []);
  assert.deepEqual(await queue.due(200, 10), [entry('c', 100), entry('a', 200), entry('b', 200)]);
  assert.deepEqual(await queue.due(200, 1), [entry('c', 100)]);
  await queue.reschedule('c', 2, 500);
  assert.deepEqual((await queue.due(500, 10)).at(-1), { ...entry('c', 500), attempts: 2 });
  assert.equal(await queue.remove('a'), true);
  assert.equal(await queue.remove('a'), false);
  assert.equal(await queue.count(), 2);
  await assert.rejects(queue.due(0, 0), (error) => isHeraldError(error, 'HERALD_ERR_VALIDATION'));
}

async function withStore(open: () => Promise<Store>, run: (store: Store) => Promise<void>): Promise<void> {
  const store = await open();
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

describe('ComplianceQueueStore (SPEC M7)', async () => {
  const pgSkip = await postgresSkipReason();

  it('memory', () => behaves(new MemoryStore().complianceQueue));

  it('SQLite, durable across a reopen', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-cq-'));
    try {
      const open = () => openStore({ databaseUrl: '', dataDir, poolSize: 1 });
      await withStore(open, (store) => behaves(store.complianceQueue));
      await withStore(open, async (store) => assert.equal(await store.complianceQueue.count(), 2));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL', { skip: pgSkip }, async () => {
    const database = await postgresTestDatabase();
    try {
      await withStore(
        () => openStore({ databaseUrl: database.url, dataDir: tmpdir(), poolSize: 2 }),
        (store) => behaves(store.complianceQueue),
      );
    } finally {
      await database.drop();
    }
  });
});
