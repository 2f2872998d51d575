/**
 * A bounded cache of better-sqlite3 prepared statements, by SQL text, under Kysely's SQLite
 * driver: Kysely prepares a statement for every query it runs, and compiling the same SQL again
 * was ~10 % of the server's time under the SIP bench (docs/performance.md, "SIP"). A statement is
 * reusable once `all`/`run` returned (SQLite resets it), and SQLite re-prepares a cached one
 * itself after a schema change (sqlite3_prepare_v2, https://sqlite.org/c3ref/prepare.html).
 * Kysely runs one query at a time on its single connection; `iterate` still gets its own
 * statement, since an open iterator keeps a statement busy.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { BoundedMap } from '../../../kernel/bounded-map.js';

/** The part of a better-sqlite3 Database the cache uses. */
export interface PreparingDatabase {
  close(): unknown;
  prepare(sql: string): SqliteStatement;
}

export const DEFAULT_CACHED_STATEMENTS = 500;

export class SqliteStatementCache implements SqliteDatabase {
  readonly #db: PreparingDatabase;
  /** Least recently used first (a hit moves to the end); beyond the limit the oldest goes. */
  readonly #statements: BoundedMap<string, SqliteStatement>;

  constructor(db: PreparingDatabase, maxStatements: number = DEFAULT_CACHED_STATEMENTS) {
    if (!Number.isInteger(maxStatements) || maxStatements < 1)
      throw new RangeError('maxStatements must be a positive integer');
    this.#db = db;
    this.#statements = new BoundedMap(maxStatements);
  }

  get size(): number {
    return this.#statements.size;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached) {
      this.#statements.renew(sql, cached);
      return cached;
    }
    const statement = this.#db.prepare(sql);
    const db = this.#db;
    const reusable: SqliteStatement = {
      reader: statement.reader,
      all: (parameters) => statement.all(parameters),
      run: (parameters) => statement.run(parameters),
      iterate: (parameters) => db.prepare(sql).iterate(parameters),
    };
    // Beyond the limit the oldest is dropped, nothing more (better-sqlite3 frees it when collected).
    this.#statements.set(sql, reusable);
    return reusable;
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }
}
