/**
 * When SQLite's write-ahead log is copied back into the database file (a checkpoint,
 * https://sqlite.org/wal.html#checkpointing). With `synchronous = NORMAL` a commit is safe from a
 * crash of the process at once, and from a loss of power once a checkpoint synced it.
 *
 * SQLite's default checkpoints whenever the log reaches 1,000 pages, inside the commit that got
 * there: under the SIP bench's MESSAGE load (two archive rows per message, on random pages of four
 * B-trees) that was a checkpoint, with its two fsyncs, every dozen commits — a third of SQLite's
 * time (docs/performance.md, "SIP"). Here the log may grow to `maxWalPages` between checkpoints,
 * and a timer checkpoints whatever was written every `intervalMs`: fewer checkpoints under load,
 * and at low load a commit is on disk within a second or so instead of waiting for 1,000 pages.
 */

/** The part of a better-sqlite3 Database this uses. */
export interface CheckpointingDatabase {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  readonly inTransaction: boolean;
  readonly open: boolean;
}

export interface WalCheckpointOptions {
  /** How often the log is checkpointed (PASSIVE: never waits for readers or writers). */
  readonly intervalMs: number;
  /** The log size at which SQLite checkpoints in the commit itself (`wal_autocheckpoint`). */
  readonly maxWalPages: number;
}

export const DEFAULT_WAL_CHECKPOINTS: WalCheckpointOptions = { intervalMs: 1000, maxWalPages: 10_000 };

/** Sets the log bound and starts the timer; returns the function that stops it (before close). */
export function startWalCheckpoints(
  database: CheckpointingDatabase,
  options: WalCheckpointOptions = DEFAULT_WAL_CHECKPOINTS,
): () => void {
  if (!Number.isInteger(options.maxWalPages) || options.maxWalPages < 1)
    throw new RangeError('maxWalPages must be a positive integer');
  if (!(options.intervalMs > 0)) throw new RangeError('intervalMs must be positive');
  database.pragma(`wal_autocheckpoint = ${options.maxWalPages}`);
  const timer = setInterval(() => {
    // A transaction of this connection may be open across the event loop (Kysely's are async);
    // it is checkpointed at the next tick instead.
    if (!database.open || database.inTransaction) return;
    try {
      database.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // SQLITE_BUSY from another process's checkpoint: that one does the work.
    }
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
