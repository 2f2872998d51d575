import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { HeraldError } from '../../kernel/errors.js';
import { openStore, SQLITE_FILE } from './open-store.js';

async function rejectsWith(promise: Promise<unknown>, code: string, field?: string): Promise<HeraldError> {
  let caught: unknown;
  await assert.rejects(promise, (error) => {
    caught = error;
    return (
      error instanceof HeraldError && error.code === code && (field === undefined || error.field === field)
    );
  });
  return caught as HeraldError;
}

describe('openStore', () => {
  const unsupported = [
    'mysql://herald:secret@db/herald',
    'sqlite:herald.db',
    'file:///var/herald.db',
    'herald.db',
  ];
  for (const databaseUrl of unsupported) {
    it(`refuses ${databaseUrl} with HERALD_ERR_CONFIG naming database.url`, async () => {
      const error = await rejectsWith(
        openStore({ databaseUrl, dataDir: '/nonexistent', poolSize: 1 }),
        'HERALD_ERR_CONFIG',
        'database.url',
      );
      assert.match(error.message, /database\.url/);
      assert.doesNotMatch(error.message, /secret/);
    });
  }

  it('refuses a PostgreSQL pool size below one with HERALD_ERR_CONFIG', async () => {
    await rejectsWith(
      openStore({ databaseUrl: 'postgres://127.0.0.1:1/x', dataDir: '', poolSize: 0 }),
      'HERALD_ERR_CONFIG',
      'database.poolSize',
    );
  });

  it('opens SQLite in WAL mode at <dataDir>/herald.db, creating the directory', async () => {
    const root = await mkdtemp(join(tmpdir(), 'herald-open-'));
    try {
      const dataDir = join(root, 'nested', 'data');
      const store = await openStore({ databaseUrl: '', dataDir, poolSize: 1 });
      assert.equal(store.kind, 'sqlite');
      assert.deepEqual(await store.health(), { ok: true, kind: 'sqlite' });
      await store.close();
      const file = join(dataDir, SQLITE_FILE);
      assert.ok(existsSync(file));
      const raw = new BetterSqlite3(file, { readonly: true });
      try {
        assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        raw.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('fails with HERALD_ERR_UNAVAILABLE when the PostgreSQL server does not answer', async () => {
    await rejectsWith(
      openStore({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/herald', dataDir: '', poolSize: 1 }),
      'HERALD_ERR_UNAVAILABLE',
    );
  });
});
