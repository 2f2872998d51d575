/**
 * Kysely's SQLite dialect with a first-come-first-served gate in front of its one connection.
 *
 * Kysely's SqliteDriver lets one query at a time use the connection through a mutex whose waiters
 * all await the same promise and all wake at each release (`while (locked) await locked`): with
 * n queries queued, a release costs n wake-ups, so a burst costs O(n²). Under the SIP bench's
 * PUBLISH load hundreds of queries queue and that loop took over a third of the server's time
 * (docs/performance.md, "SIP"). Here waiters queue in order and a release wakes only the next,
 * which then finds Kysely's own mutex free. Everything else is Kysely's driver, unchanged.
 */
import {
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  SqliteDialect,
  type TransactionSettings,
} from 'kysely';

/** A mutex that hands itself to the longest waiter. */
export class FifoMutex {
  #isLocked = false;
  readonly #waiters: (() => void)[] = [];

  get waiting(): number {
    return this.#waiters.length;
  }

  lock(): Promise<void> {
    if (!this.#isLocked) {
      this.#isLocked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#isLocked = false;
  }
}

class FifoGatedDriver implements Driver {
  readonly #inner: Driver;
  readonly #gate = new FifoMutex();

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#gate.lock();
    try {
      return await this.#inner.acquireConnection();
    } catch (error) {
      this.#gate.unlock();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.#inner.releaseConnection(connection);
    } finally {
      this.#gate.unlock();
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#inner.savepoint?.(connection, name, compileQuery);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#inner.rollbackToSavepoint?.(connection, name, compileQuery);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#inner.releaseSavepoint?.(connection, name, compileQuery);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}

export class FifoSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return new FifoGatedDriver(super.createDriver());
  }
}
