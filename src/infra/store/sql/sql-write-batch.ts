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
 *
 * With `maxDelayMs`, a group waits that long after its first write for others to join (ADR 0012:
 * the archive's appends, which nobody waits for): SQLite's cost per committed message halves
 * between groups of 5 and of 20 messages.
 */
import type { Kysely } from 'kysely';
import type { DirectSqlite } from './dialects.js';
import { toStoreError } from './sql-errors.js';
import type { SqlRunner } from './sql-runner.js';
import type { Database } from './sql-schema.js';

/** The same write without Kysely, run synchronously on SQLite's connection (ADR 0014). */
export type DirectWrite = (sqlite: DirectSqlite) => void;

interface Pending {
  readonly work: (db: Kysely<Database>) => Promise<void>;
  readonly direct: DirectWrite | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Writes grouped at most this many to a transaction; a full group commits without waiting. */
export const MAX_GROUP = 256;

export interface SqlWriteBatchOptions {
  /** How long a group's first write waits for others; 0 (the default): the next turn of the event loop. */
  readonly maxDelayMs?: number;
}

export class SqlWriteBatch {
  readonly #runner: SqlRunner;
  readonly #delayMs: number;
  #queue: Pending[] = [];
  /** The drain under way, if any. */
  #draining: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;

  constructor(runner: SqlRunner, options: SqlWriteBatchOptions = {}) {
    const delay = options.maxDelayMs ?? 0;
    if (!Number.isFinite(delay) || delay < 0)
      throw new RangeError('maxDelayMs must be a non-negative number');
    this.#runner = runner;
    this.#delayMs = delay;
  }

  /**
   * Runs `work` in a transaction, possibly shared with other writes of this batch. `direct`, the
   * same write for SQLite's connection, is what runs there when every write of the group has one.
   */
  write(work: (db: Kysely<Database>) => Promise<void>, direct?: DirectWrite): Promise<void> {
    if (this.#runner.db.isTransaction) return this.#runner.write(work);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ work, direct: this.#runner.hasDirect ? direct : undefined, resolve, reject });
      this.#schedule();
    });
  }

  /** Commits what is waiting now, without its delay; resolves once nothing is left. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#draining !== undefined) {
      if (this.#draining === undefined) this.#startDrain();
      await this.#draining;
    }
  }

  #schedule(): void {
    if (this.#draining !== undefined) return; // the drain takes it when it is done
    if (this.#queue.length >= MAX_GROUP) {
      this.#startDrain();
      return;
    }
    if (this.#timer !== undefined || this.#immediate !== undefined) return;
    if (this.#delayMs === 0) this.#immediate = setImmediate(() => this.#startDrain());
    else this.#timer = setTimeout(() => this.#startDrain(), this.#delayMs);
  }

  #startDrain(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    if (this.#draining !== undefined || this.#queue.length === 0) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      // Writes that came during the commit form the next group, on its own delay.
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  async #drain(): Promise<void> {
    // Without a delay, writes that come while a group commits join the next one at once (as they
    // always did); with one, only what was queued when the drain began goes now.
    let budget = this.#delayMs === 0 ? Number.POSITIVE_INFINITY : this.#queue.length;
    while (this.#queue.length > 0 && budget > 0) {
      const group = this.#queue.splice(0, Math.min(MAX_GROUP, budget));
      budget -= group.length;
      await this.#commit(group);
    }
  }

  async #commit(group: readonly Pending[]): Promise<void> {
    if (group.every((pending) => pending.direct !== undefined)) return this.#commitDirect(group);
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

  /**
   * #commit on SQLite's connection, in one hold of it: the group in one transaction; when that
   * fails (which write was refused is not known), each write again in its own.
   */
  async #commitDirect(group: readonly Pending[]): Promise<void> {
    const runOne = (sqlite: DirectSqlite, pending: Pending): { readonly error: unknown } | undefined => {
      try {
        sqlite.transaction(() => (pending.direct as DirectWrite)(sqlite));
        return undefined;
      } catch (error) {
        return { error: toStoreError(error) };
      }
    };
    let failures: readonly ({ readonly error: unknown } | undefined)[];
    try {
      failures = await this.#runner.direct((sqlite) => {
        if (group.length > 1) {
          try {
            sqlite.transaction(() => {
              for (const pending of group) (pending.direct as DirectWrite)(sqlite);
            });
            return [];
          } catch {
            // each goes again on its own, below
          }
        }
        return group.map((pending) => runOne(sqlite, pending));
      });
    } catch (error) {
      // The connection itself failed (closed under the batch): nothing of the group was written.
      for (const pending of group) pending.reject(toStoreError(error));
      return;
    }
    group.forEach((pending, i) => {
      const failed = failures[i];
      if (failed === undefined) pending.resolve();
      else pending.reject(failed.error);
    });
  }
}
