/**
 * The two Kysely dialects of the SQL store. SQLite: one better-sqlite3 connection on a file, in
 * WAL mode (https://sqlite.org/wal.html) so readers do not block the writer. PostgreSQL: a pg.Pool.
 */
import BetterSqlite3 from 'better-sqlite3';
import { type Dialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { SqlKind } from './sql-schema.js';
import { FifoSqliteDialect } from './sqlite-fifo-dialect.js';
import { SqliteStatementCache } from './sqlite-statement-cache.js';
import {
  DEFAULT_WAL_CHECKPOINTS,
  startWalCheckpoints,
  type WalCheckpointOptions,
} from './sqlite-wal-checkpoints.js';

export interface SqlConnection {
  readonly kind: SqlKind;
  readonly dialect: Dialect;
  /** SQLite only: the open database, for the writes that skip Kysely (sql-runner.ts `direct`). */
  readonly sqlite?: SqliteHandle;
}

/**
 * Synchronous access to SQLite's one connection, for the hottest write (the archive's appends:
 * two rows per chat message). Through Kysely each insert took a dozen promise hops, a connection
 * hand-over and a statement-cache look-up; here a group of them is one synchronous transaction
 * (ADR 0014). Only used while holding Kysely's connection (SqlRunner.direct), so nothing of
 * Kysely's runs in between.
 */
export interface DirectSqlite {
  /** Runs a statement, prepared once per SQL text, with positional parameters. */
  run(sql: string, parameters: readonly unknown[]): void;
  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  transaction(work: () => void): void;
}

/** Where the SQLite connection is once Kysely opened it (and nothing after it closed). */
export interface SqliteHandle {
  readonly current: DirectSqlite | undefined;
}

export interface SqliteOptions {
  /** How long a write waits for another process's lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
  /** When the write-ahead log is checkpointed (sqlite-wal-checkpoints.ts). */
  readonly walCheckpoints?: WalCheckpointOptions;
}

/** Opened lazily by Kysely, so that open errors surface (and are coded) when migrations run. */
export function sqliteConnection(file: string, options: SqliteOptions = {}): SqlConnection {
  const handle: { current: DirectSqlite | undefined } = { current: undefined };
  return {
    kind: 'sqlite',
    sqlite: handle,
    dialect: new FifoSqliteDialect({
      database: async () => {
        const database = new BetterSqlite3(file);
        database.pragma('journal_mode = WAL');
        // Off by default in SQLite; the store's references rely on it (https://sqlite.org/foreignkeys.html).
        database.pragma('foreign_keys = ON');
        database.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
        // Durable at each checkpoint (within a second: sqlite-wal-checkpoints.ts); in WAL mode NORMAL
        // cannot corrupt the database.
        database.pragma('synchronous = NORMAL');
        const stopCheckpoints = startWalCheckpoints(
          database,
          options.walCheckpoints ?? DEFAULT_WAL_CHECKPOINTS,
        );
        const statements = new SqliteStatementCache({
          prepare: (sql) => database.prepare(sql),
          close: () => {
            handle.current = undefined;
            stopCheckpoints();
            database.close();
          },
        });
        // better-sqlite3's transaction: BEGIN, the work, COMMIT; ROLLBACK if the work throws.
        const inTransaction = database.transaction((work: () => void) => work());
        handle.current = {
          run: (sql, parameters) => {
            statements.prepare(sql).run(parameters);
          },
          transaction: (work) => inTransaction(work),
        };
        return statements;
      },
    }),
  };
}

export interface PostgresOptions {
  readonly poolSize: number;
  readonly connectTimeoutMs?: number;
}

/** int8 (bigint: times in ms, counts) as a JavaScript number; node-postgres gives strings by default. */
function postgresTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  return types;
}

export function postgresConnection(url: string, options: PostgresOptions): SqlConnection {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types: postgresTypes(),
  });
  // An idle client whose server went away emits 'error' on the pool; unheard, it would end the
  // process. The next query fails with a coded error and health() reports it.
  pool.on('error', () => undefined);
  return { kind: 'postgres', dialect: new PostgresDialect({ pool }) };
}
