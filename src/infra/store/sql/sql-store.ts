/**
 * Store (core/ports.ts) on SQL: one implementation for SQLite and PostgreSQL through Kysely.
 * Migrations are applied at open; `transaction()` hands out stores bound to a Kysely transaction
 * (SQLite: one connection, so transactions run one at a time; PostgreSQL: the pool, concurrently,
 * at its default READ COMMITTED isolation).
 */
import { Kysely, sql } from 'kysely';
import type {
  AccountStore,
  ArchiveStore,
  BlockListStore,
  ComplianceQueueStore,
  DirectoryStore,
  LastActivityStore,
  LocationStore,
  OfflineStore,
  PepStore,
  PresenceStore,
  RoomStore,
  RosterStore,
  Store,
  StoreHealth,
  StoreTransaction,
} from '../../../core/ports.js';
import { StoreGuard } from '../store-guard.js';
import type { SqlConnection, SqliteHandle } from './dialects.js';
import { migrateToLatest } from './migrate.js';
import { SqlAccountStore } from './sql-account-store.js';
import { SqlArchiveStore } from './sql-archive-store.js';
import { SqlBlockListStore } from './sql-block-list-store.js';
import { SqlComplianceQueueStore } from './sql-compliance-queue-store.js';
import { SqlDirectoryStore } from './sql-directory-store.js';
import { toStoreError } from './sql-errors.js';
import { SqlLastActivityStore } from './sql-last-activity-store.js';
import { SqlLocationStore } from './sql-location-store.js';
import { SqlOfflineStore } from './sql-offline-store.js';
import { SqlPepStore } from './sql-pep-store.js';
import { SqlPresenceStore } from './sql-presence-store.js';
import { SqlRoomStore } from './sql-room-store.js';
import { SqlRosterStore } from './sql-roster-store.js';
import { SqlRunner } from './sql-runner.js';
import type { Database, SqlKind } from './sql-schema.js';

export class SqlStore implements Store {
  readonly accounts: AccountStore;
  readonly directory: DirectoryStore;
  readonly roster: RosterStore;
  readonly blocks: BlockListStore;
  readonly offline: OfflineStore;
  readonly archive: ArchiveStore;
  readonly pep: PepStore;
  readonly location: LocationStore;
  readonly lastActivity: LastActivityStore;
  readonly presence: PresenceStore;
  readonly rooms: RoomStore;
  readonly complianceQueue: ComplianceQueueStore;
  readonly #db: Kysely<Database>;
  readonly #guard = new StoreGuard();
  /** The stores that group their writes: what they hold is committed before the store closes. */
  readonly #batched: readonly { flush(): Promise<void> }[];

  /** Connects and applies pending migrations; on failure nothing stays open. */
  static async open(connection: SqlConnection): Promise<SqlStore> {
    const db = new Kysely<Database>({ dialect: connection.dialect });
    try {
      await migrateToLatest(db, connection.kind);
    } catch (error) {
      await db.destroy().catch(() => undefined);
      throw error;
    }
    return new SqlStore(db, connection.kind, connection.sqlite);
  }

  private constructor(
    db: Kysely<Database>,
    readonly kind: SqlKind,
    sqlite: SqliteHandle | undefined,
  ) {
    this.#db = db;
    const runner = new SqlRunner(db, sqlite);
    this.accounts = this.#guard.outer(new SqlAccountStore(runner));
    this.directory = this.#guard.outer(new SqlDirectoryStore(runner));
    this.roster = this.#guard.outer(new SqlRosterStore(runner));
    this.blocks = this.#guard.outer(new SqlBlockListStore(runner));
    this.offline = this.#guard.outer(new SqlOfflineStore(runner, kind));
    const archive = new SqlArchiveStore(runner);
    this.archive = this.#guard.outer(archive);
    this.pep = this.#guard.outer(new SqlPepStore(runner, kind));
    const location = new SqlLocationStore(runner);
    this.location = this.#guard.outer(location);
    this.lastActivity = this.#guard.outer(new SqlLastActivityStore(runner));
    this.presence = this.#guard.outer(new SqlPresenceStore(runner));
    this.rooms = this.#guard.outer(new SqlRoomStore(runner));
    this.complianceQueue = this.#guard.outer(new SqlComplianceQueueStore(runner));
    this.#batched = [archive, location];
  }

  async transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    let isWorkError = false;
    try {
      return await this.#guard.transaction((bind) =>
        this.#db.transaction().execute(async (trx) => {
          const runner = new SqlRunner(trx);
          try {
            return await work({
              accounts: bind(new SqlAccountStore(runner)),
              directory: bind(new SqlDirectoryStore(runner)),
              roster: bind(new SqlRosterStore(runner)),
              blocks: bind(new SqlBlockListStore(runner)),
              offline: bind(new SqlOfflineStore(runner, this.kind)),
              archive: bind(new SqlArchiveStore(runner)),
              pep: bind(new SqlPepStore(runner, this.kind)),
              location: bind(new SqlLocationStore(runner)),
              lastActivity: bind(new SqlLastActivityStore(runner)),
              presence: bind(new SqlPresenceStore(runner)),
              rooms: bind(new SqlRoomStore(runner)),
            });
          } catch (error) {
            isWorkError = true;
            throw error;
          }
        }),
      );
    } catch (error) {
      // The work's own error passes through as thrown; BEGIN/COMMIT failures get a code.
      throw isWorkError ? error : toStoreError(error);
    }
  }

  async health(): Promise<StoreHealth> {
    if (this.#guard.isClosed) return { ok: false, kind: this.kind, detail: 'the store is closed' };
    this.#guard.checkOutside();
    try {
      await sql`select 1`.execute(this.#db);
      return { ok: true, kind: this.kind };
    } catch (error) {
      return { ok: false, kind: this.kind, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    if (this.#guard.isClosed) return;
    this.#guard.checkOutside();
    this.#guard.close();
    await Promise.all(this.#batched.map((store) => store.flush()));
    await this.#db.destroy();
  }
}
