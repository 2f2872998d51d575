/**
 * Group commit: writes that arrive together (in one turn of the event loop, or while the previous
 * group commits) share one transaction, instead of a BEGIN … COMMIT each. Under load a SIP
 * REGISTER rewrites its bindings and a MESSAGE archives twice; SQLite's commit was most of what
 * those writes cost (docs/performance.md, "SIP").
 *
 * Each write still resolves only once its own transaction committed, and still succeeds or fails
 * on its own: when a group fails, its writes are run again one transaction each, so one refused
 * write (say, for a user removed meanwhile) fails alone with its own error, as without grouping.
 * Inside a caller's Store.transaction nothing is grouped (the write joins that transaction).
 */
import type { Kysely } from 'kysely';
import type { SqlRunner } from './sql-runner.js';
import type { Database } from './sql-schema.js';

interface Pending {
  readonly work: (db: Kysely<Database>) => Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Writes grouped at most this many to a transaction. */
export const MAX_GROUP = 256;

export class SqlWriteBatch {
  readonly #runner: SqlRunner;
  #queue: Pending[] = [];
  #isRunning = false;

  constructor(runner: SqlRunner) {
    this.#runner = runner;
  }

  /** Runs `work` in a transaction, possibly shared with other writes of this batch. */
  write(work: (db: Kysely<Database>) => Promise<void>): Promise<void> {
    if (this.#runner.db.isTransaction) return this.#runner.write(work);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ work, resolve, reject });
      if (!this.#isRunning) {
        this.#isRunning = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue.splice(0, MAX_GROUP);
      await this.#commit(group);
    }
    this.#isRunning = false;
  }

  async #commit(group: readonly Pending[]): Promise<void> {
    if (group.length > 1) {
      try {
        await this.#runner.write(async (db) => {
          for (const pending of group) await pending.work(db);
        });
        for (const pending of group) pending.resolve();
        return;
      } catch {
        // Which write was refused is not known: each goes again on its own.
      }
    }
    for (const pending of group) {
      try {
        await this.#runner.write(pending.work);
        pending.resolve();
      } catch (error) {
        pending.reject(error);
      }
    }
  }
}
