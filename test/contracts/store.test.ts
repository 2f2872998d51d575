/**
 * Runs the store contract against every adapter: memory and SQLite always, PostgreSQL when its
 * server answers (always under CI=true, where an unreachable server fails the run).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/core/ports.js';
import { MemoryStore, openStore } from '../../src/infra/store/index.js';
import { postgresSkipReason, postgresTestDatabase } from '../support/postgres.js';
import { describeStoreContract, type StoreFixture } from './store-contract.js';

/** A fixture over `reopen`, closing every store it opened at cleanup. */
async function persistentFixture(
  openOne: () => Promise<Store>,
  remove: () => Promise<void>,
): Promise<StoreFixture> {
  const opened: Store[] = [];
  const reopen = async () => {
    const store = await openOne();
    opened.push(store);
    return store;
  };
  try {
    return {
      store: await reopen(),
      reopen,
      cleanup: async () => {
        for (const store of opened) await store.close();
        await remove();
      },
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

describeStoreContract('MemoryStore', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

describeStoreContract('SqlStore on SQLite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-store-'));
  return persistentFixture(
    () => openStore({ databaseUrl: '', dataDir, poolSize: 1 }),
    () => rm(dataDir, { recursive: true, force: true }),
  );
});

const postgresSkip = await postgresSkipReason();
describeStoreContract(
  'SqlStore on PostgreSQL',
  async () => {
    const database = await postgresTestDatabase();
    const fixture = await persistentFixture(
      () => openStore({ databaseUrl: database.url, dataDir: '', poolSize: 4 }),
      () => database.drop(),
    );
    return { ...fixture, sever: () => database.drop() };
  },
  { skip: postgresSkip },
);
