/**
 * Store (core/ports.ts) kept in memory, for tests and single-process trials. It keeps exactly the
 * SQL adapter's rules. Writes are serialised; a transaction works on a snapshot of the tables and
 * swaps it in when `work` resolves, so a failed transaction leaves nothing behind.
 */
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
import { MemoryAccountStore } from './memory-account-store.js';
import { MemoryArchiveStore } from './memory-archive-store.js';
import { MemoryBlockListStore } from './memory-block-list-store.js';
import { MemoryComplianceQueueStore } from './memory-compliance-queue-store.js';
import { MemoryDirectoryStore } from './memory-directory-store.js';
import { MemoryLastActivityStore } from './memory-last-activity-store.js';
import { MemoryLocationStore } from './memory-location-store.js';
import { MemoryOfflineStore } from './memory-offline-store.js';
import { MemoryPepStore } from './memory-pep-store.js';
import { MemoryPresenceStore } from './memory-presence-store.js';
import { MemoryRoomStore } from './memory-room-store.js';
import { MemoryRosterStore } from './memory-roster-store.js';
import { emptyTables, type MemoryTables, snapshotTables } from './memory-tables.js';

/** One writer at a time: each task starts when the previous one has settled. */
class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** Routes every call of `target` through the queue, so it waits for a running transaction. */
function serialised<T extends object>(target: T, queue: SerialQueue): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): Promise<unknown> =>
        queue.run(async () => Reflect.apply(value, object, args) as unknown);
    },
  });
}

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
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
  #committed: MemoryTables = emptyTables();
  readonly #queue = new SerialQueue();
  readonly #guard = new StoreGuard();

  constructor() {
    const committed = (): MemoryTables => this.#committed;
    this.accounts = this.#guard.outer(serialised(new MemoryAccountStore(committed), this.#queue));
    this.directory = this.#guard.outer(serialised(new MemoryDirectoryStore(committed), this.#queue));
    this.roster = this.#guard.outer(serialised(new MemoryRosterStore(committed), this.#queue));
    this.blocks = this.#guard.outer(serialised(new MemoryBlockListStore(committed), this.#queue));
    this.offline = this.#guard.outer(serialised(new MemoryOfflineStore(committed), this.#queue));
    this.archive = this.#guard.outer(serialised(new MemoryArchiveStore(committed), this.#queue));
    this.pep = this.#guard.outer(serialised(new MemoryPepStore(committed), this.#queue));
    this.location = this.#guard.outer(serialised(new MemoryLocationStore(committed), this.#queue));
    this.lastActivity = this.#guard.outer(serialised(new MemoryLastActivityStore(committed), this.#queue));
    this.presence = this.#guard.outer(serialised(new MemoryPresenceStore(committed), this.#queue));
    this.rooms = this.#guard.outer(serialised(new MemoryRoomStore(committed), this.#queue));
    this.complianceQueue = this.#guard.outer(serialised(new MemoryComplianceQueueStore(), this.#queue));
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.#guard.transaction((bind) =>
      this.#queue.run(async () => {
        const draft = snapshotTables(this.#committed);
        const tables = (): MemoryTables => draft;
        const result = await work({
          accounts: bind(new MemoryAccountStore(tables)),
          directory: bind(new MemoryDirectoryStore(tables)),
          roster: bind(new MemoryRosterStore(tables)),
          blocks: bind(new MemoryBlockListStore(tables)),
          offline: bind(new MemoryOfflineStore(tables)),
          archive: bind(new MemoryArchiveStore(tables)),
          pep: bind(new MemoryPepStore(tables)),
          location: bind(new MemoryLocationStore(tables)),
          lastActivity: bind(new MemoryLastActivityStore(tables)),
          presence: bind(new MemoryPresenceStore(tables)),
          rooms: bind(new MemoryRoomStore(tables)),
        });
        this.#committed = draft;
        return result;
      }),
    );
  }

  async health(): Promise<StoreHealth> {
    if (this.#guard.isClosed) return { ok: false, kind: this.kind, detail: 'the store is closed' };
    this.#guard.checkOutside();
    return { ok: true, kind: this.kind };
  }

  async close(): Promise<void> {
    if (this.#guard.isClosed) return;
    this.#guard.checkOutside();
    this.#guard.close();
  }
}
