/**
 * ArchiveService: each user's message archive (SPEC M5; XEP-0313 Message Archive Management,
 * https://xmpp.org/extensions/xep-0313.html), paged with Result Set Management (XEP-0059,
 * https://xmpp.org/extensions/xep-0059.html). The archive is the source of truth for history: a
 * message is archived once per user archive (the sender's and the recipient's), whatever number
 * of copies were delivered; the id it gets is the XEP-0359 stanza-id clients dedupe by.
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { invalid } from '../../kernel/errors.js';
import type { ArchivedMessageRecord, ArchiveFilter, Store, UserId } from '../ports.js';
import { checkFilter, type Page, type PageRequest, pageArchive } from './rsm-paging.js';

/** XEP-0059 §2.6 / XEP-0313 §4.3: a page of a user's archive. */
export type ArchivePage = Page<ArchivedMessageRecord>;
export type { PageRequest };

export interface ArchiveServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Messages older than this are pruned; 0 keeps them for ever. */
  readonly retentionDays?: number;
  /** The page size when the client asks none; default 50. */
  readonly defaultPageSize?: number;
  /** The largest page served (XEP-0059 §2.1: a server MAY return fewer); default 250. */
  readonly maxPageSize?: number;
  /** Appends under way (track) beyond which the caller waits for its own; default 5,000. */
  readonly maxInFlight?: number;
  /** How often pruning runs; default hourly. */
  readonly pruneEveryMs?: number;
  readonly onPruneError?: (error: unknown) => void;
}

const DAY_MS = 86_400_000;

export class ArchiveService {
  readonly #o: ArchiveServiceOptions;
  readonly #defaultPage: number;
  readonly #maxPage: number;
  readonly #maxInFlight: number;
  #timer: TimerHandle | null = null;
  /** Appends under way that nobody waits for (track); every read waits for them first. */
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: ArchiveServiceOptions) {
    this.#o = options;
    this.#maxPage = options.maxPageSize ?? 250;
    this.#maxInFlight = options.maxInFlight ?? 5000;
    if (!Number.isSafeInteger(this.#maxInFlight) || this.#maxInFlight < 0)
      throw invalid('maxInFlight must be a non-negative integer', 'maxInFlight');
    this.#defaultPage = Math.min(options.defaultPageSize ?? 50, this.#maxPage);
    const days = options.retentionDays ?? 0;
    if (!Number.isFinite(days) || days < 0) throw invalid('retentionDays must be >= 0', 'retentionDays');
  }

  get maxPageSize(): number {
    return this.#maxPage;
  }

  /** Stores one user's copy of a message. */
  async append(record: ArchivedMessageRecord): Promise<void> {
    await this.#o.store.archive.append(record);
  }

  /**
   * Archiving the caller does not wait for (ADR 0012: MessageService answers the sender before
   * its copies commit). Until `work` settles, every read of the archive waits for it, so a message
   * is in the archive for whoever asks after it was sent; stop() waits for it too. `work` handles
   * its own errors.
   */
  track(work: Promise<void>): Promise<void> {
    const settled = work.catch(() => undefined).finally(() => this.#inFlight.delete(settled));
    this.#inFlight.add(settled);
    // Backpressure: when the store falls this far behind, the caller waits for its own copies,
    // as it did before ADR 0012, instead of piling up appends in memory.
    return this.#inFlight.size > this.#maxInFlight ? settled : Promise.resolve();
  }

  /** Resolves once the appends under way when called have settled. */
  #settled(): Promise<unknown> | undefined {
    return this.#inFlight.size === 0 ? undefined : Promise.all(this.#inFlight);
  }

  /** A record by its stanza-id, or undefined. */
  async get(userId: UserId, id: string): Promise<ArchivedMessageRecord | undefined> {
    await this.#settled();
    return this.#o.store.archive.get(userId, id);
  }

  /**
   * XEP-0313 §4 with XEP-0059 paging: without `before`, pages forward from `after` (or the
   * start); with `before`, the page just before it (or the last page). Items are oldest first.
   * An unknown after/before id fails with HERALD_ERR_NOT_FOUND (XEP-0313 §4.3.2: item-not-found).
   */
  async query(userId: UserId, filter: ArchiveFilter, page: PageRequest = {}): Promise<ArchivePage> {
    checkFilter(filter);
    await this.#settled();
    const archive = this.#o.store.archive;
    return pageArchive(
      {
        get: (id) => archive.get(userId, id),
        count: () => archive.count(userId, filter),
        list: (cursor) => archive.list(userId, filter, cursor),
      },
      page,
      { defaultPage: this.#defaultPage, maxPage: this.#maxPage },
    );
  }

  /** The user's conversations: each peer with their newest message, newest first. */
  async conversations(userId: UserId, limit: number): Promise<ArchivedMessageRecord[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > this.#maxPage)
      throw invalid(`limit must be an integer in 1..${this.#maxPage}`, 'limit');
    await this.#settled();
    return this.#o.store.archive.conversations(userId, limit);
  }

  /** Removes what is older than the retention; returns how many went (0 without retention). */
  async prune(): Promise<number> {
    const days = this.#o.retentionDays ?? 0;
    if (days === 0) return 0;
    await this.#settled();
    return this.#o.store.archive.prune(this.#o.clock.now() - days * DAY_MS);
  }

  /** Starts the pruning timer (no-op without retention). */
  start(): void {
    if ((this.#o.retentionDays ?? 0) === 0 || this.#timer) return;
    this.#timer = this.#o.clock.setInterval(() => {
      this.prune().catch((error: unknown) => this.#o.onPruneError?.(error));
    }, this.#o.pruneEveryMs ?? 3_600_000);
  }

  /** Stops pruning; resolves once the tracked appends have settled. */
  async stop(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = null;
    await this.#settled();
  }
}
