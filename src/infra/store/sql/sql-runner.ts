/**
 * How the SQL stores run statements. Each write is atomic on its own: outside a transaction it
 * gets one; inside `Store.transaction` it runs under a savepoint, so a refused write (a unique
 * violation, say) leaves nothing and the transaction can go on, as with the memory store.
 * Without the savepoint PostgreSQL would abort the whole transaction at the first error.
 */
import { type DeleteResult, type Kysely, sql } from 'kysely';
import type { DirectSqlite, SqliteHandle } from './dialects.js';
import { type ForeignKeyContext, toStoreError } from './sql-errors.js';
import type { Database } from './sql-schema.js';

export class SqlRunner {
  readonly #sqlite: SqliteHandle | undefined;

  /** `sqlite`: the store's SQLite connection, outside a transaction only (for `direct`). */
  constructor(
    readonly db: Kysely<Database>,
    sqlite?: SqliteHandle,
  ) {
    this.#sqlite = db.isTransaction ? undefined : sqlite;
  }

  /** Whether `direct` can run: SQLite, outside a Store.transaction. */
  get hasDirect(): boolean {
    return this.#sqlite !== undefined;
  }

  /**
   * Runs `work` on SQLite's connection synchronously, while holding Kysely's (its one connection,
   * through the FIFO gate): no query of Kysely's runs in between (ADR 0014). Errors are thrown
   * as the driver's; the caller codes them (toStoreError), as it decides which write failed.
   */
  async direct<T>(work: (sqlite: DirectSqlite) => T): Promise<T> {
    const handle = this.#sqlite;
    if (handle === undefined) throw new Error('direct SQLite access on a store that has none');
    return this.db.connection().execute(async () => {
      const sqlite = handle.current;
      if (sqlite === undefined) throw new Error('the SQLite connection is closed');
      return work(sqlite);
    });
  }

  async read<T>(query: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await query(this.db);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async write<T>(work: (db: Kysely<Database>) => Promise<T>, context: ForeignKeyContext = {}): Promise<T> {
    try {
      return await this.#atomically(work);
    } catch (error) {
      throw toStoreError(error, context);
    }
  }

  /** A delete as a write; true when it removed a row. */
  async remove(
    work: (db: Kysely<Database>) => Promise<DeleteResult>,
    context: ForeignKeyContext = {},
  ): Promise<boolean> {
    const result = await this.write(work, context);
    return result.numDeletedRows > 0n;
  }

  async #atomically<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const { db } = this;
    if (!db.isTransaction) return db.transaction().execute(work);
    await sql`savepoint herald_write`.execute(db);
    let result: T;
    try {
      result = await work(db);
    } catch (error) {
      // If this fails too the connection is gone; the caller's transaction fails with it.
      await sql`rollback to savepoint herald_write`
        .execute(db)
        .then(() => sql`release savepoint herald_write`.execute(db))
        .catch(() => undefined);
      throw error;
    }
    await sql`release savepoint herald_write`.execute(db);
    return result;
  }
}
