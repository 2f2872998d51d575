/**
 * Chooses the store from `database.url` (DESIGN.md, Config and Scale-out): no URL is SQLite under
 * the data directory, a postgres:// URL is PostgreSQL.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../core/ports.js';
import { HeraldError } from '../../kernel/errors.js';
import { postgresConnection, sqliteConnection } from './sql/dialects.js';
import { SqlStore } from './sql/sql-store.js';

export interface OpenStoreOptions {
  /** Empty for SQLite at `<dataDir>/herald.db`; `postgres://` or `postgresql://` for PostgreSQL. */
  readonly databaseUrl: string;
  readonly dataDir: string;
  /** PostgreSQL connections at most. */
  readonly poolSize: number;
}

export const SQLITE_FILE = 'herald.db';

/** Opens and migrates the store; fails with HERALD_ERR_CONFIG naming `database.url` for an unknown scheme. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const url = options.databaseUrl.trim();
  if (url === '') {
    await mkdir(options.dataDir, { recursive: true });
    return SqlStore.open(sqliteConnection(join(options.dataDir, SQLITE_FILE)));
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    if (!Number.isSafeInteger(options.poolSize) || options.poolSize < 1) {
      throw new HeraldError(
        'HERALD_ERR_CONFIG',
        'database.poolSize must be a positive integer',
        'database.poolSize',
      );
    }
    return SqlStore.open(postgresConnection(url, { poolSize: options.poolSize }));
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1] ?? url;
  throw new HeraldError(
    'HERALD_ERR_CONFIG',
    `database.url: unsupported database "${scheme}"; leave it empty for SQLite or use postgres://`,
    'database.url',
  );
}
