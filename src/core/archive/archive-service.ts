/**
 * ArchiveService: each user's message archive (SPEC M5; XEP-0313 Message Archive Management,
 * https://xmpp.org/extensions/xep-0313.html), paged with Result Set Management (XEP-0059,
 * https://xmpp.org/extensions/xep-0059.html). The archive is the source of truth for history: a
 * message is archived once per user archive (the sender's and the recipient's), whatever number
 * of copies were delivered; the id it gets is the XEP-0359 stanza-id clients dedupe by.
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { invalid, notFound } from '../../kernel/errors.js';
import type { ArchivedMessageRecord, ArchiveFilter, Store, UserId } from '../ports.js';

/** XEP-0059 §2.1: the client's page request. `before: true` = the last page (an empty <before/>). */
export interface PageRequest {
  readonly max?: number;
  readonly after?: string;
  readonly before?: string | true;
}

/** XEP-0059 §2.6 / XEP-0313 §4.3: the page, oldest first, and what the <fin/> says. */
export interface ArchivePage {
  readonly items: readonly ArchivedMessageRecord[];
  readonly first: string | null;
  readonly last: string | null;
  readonly count: number;
  /** XEP-0313 §4.3.1: true when this page reaches the end of the result set in its direction. */
  readonly complete: boolean;
}

export interface ArchiveServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Messages older than this are pruned; 0 keeps them for ever. */
  readonly retentionDays?: number;
  /** The page size when the client asks none; default 50. */
  readonly defaultPageSize?: number;
  /** The largest page served (XEP-0059 §2.1: a server MAY return fewer); default 250. */
  readonly maxPageSize?: number;
  /** How often pruning runs; default hourly. */
  readonly pruneEveryMs?: number;
  readonly onPruneError?: (error: unknown) => void;
}

const DAY_MS = 86_400_000;
/** The longest full-text query accepted. */
export const MAX_SEARCH_TEXT = 200;

export class ArchiveService {
  readonly #o: ArchiveServiceOptions;
  readonly #defaultPage: number;
  readonly #maxPage: number;
  #timer: TimerHandle | null = null;

  constructor(options: ArchiveServiceOptions) {
    this.#o = options;
    this.#maxPage = options.maxPageSize ?? 250;
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

  /** A record by its stanza-id, or undefined. */
  get(userId: UserId, id: string): Promise<ArchivedMessageRecord | undefined> {
    return this.#o.store.archive.get(userId, id);
  }

  /**
   * XEP-0313 §4 with XEP-0059 paging: without `before`, pages forward from `after` (or the
   * start); with `before`, the page just before it (or the last page). Items are oldest first.
   * An unknown after/before id fails with HERALD_ERR_NOT_FOUND (XEP-0313 §4.3.2: item-not-found).
   */
  async query(userId: UserId, filter: ArchiveFilter, page: PageRequest = {}): Promise<ArchivePage> {
    checkFilter(filter);
    const max = page.max ?? this.#defaultPage;
    if (!Number.isSafeInteger(max) || max < 0) throw invalid('max must be a non-negative integer', 'max');
    const limit = Math.min(max, this.#maxPage);
    const archive = this.#o.store.archive;
    const cursor = async (id: string, field: string) => {
      const found = await archive.get(userId, id);
      if (!found) throw notFound(`no archived message ${id}`, field);
      return { at: found.at, id: found.id };
    };
    const after = page.after !== undefined ? await cursor(page.after, 'after') : undefined;
    const before = typeof page.before === 'string' ? await cursor(page.before, 'before') : undefined;
    const count = await archive.count(userId, filter);
    if (limit === 0) return { items: [], first: null, last: null, count, complete: count === 0 };
    const backwards = page.before !== undefined;
    // One more than asked tells whether the set goes on (XEP-0313 §4.3.1 'complete').
    const fetched = await archive.list(userId, filter, {
      after,
      before,
      order: backwards ? 'desc' : 'asc',
      limit: limit + 1,
    });
    const complete = fetched.length <= limit;
    const items = fetched.slice(0, limit);
    if (backwards) items.reverse();
    return {
      items,
      first: items[0]?.id ?? null,
      last: items[items.length - 1]?.id ?? null,
      count,
      complete,
    };
  }

  /** The user's conversations: each peer with their newest message, newest first. */
  conversations(userId: UserId, limit: number): Promise<ArchivedMessageRecord[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > this.#maxPage)
      throw invalid(`limit must be an integer in 1..${this.#maxPage}`, 'limit');
    return this.#o.store.archive.conversations(userId, limit);
  }

  /** Removes what is older than the retention; returns how many went (0 without retention). */
  async prune(): Promise<number> {
    const days = this.#o.retentionDays ?? 0;
    if (days === 0) return 0;
    return this.#o.store.archive.prune(this.#o.clock.now() - days * DAY_MS);
  }

  /** Starts the pruning timer (no-op without retention). */
  start(): void {
    if ((this.#o.retentionDays ?? 0) === 0 || this.#timer) return;
    this.#timer = this.#o.clock.setInterval(() => {
      this.prune().catch((error: unknown) => this.#o.onPruneError?.(error));
    }, this.#o.pruneEveryMs ?? 3_600_000);
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }
}

function checkFilter(filter: ArchiveFilter): void {
  if (filter.start !== undefined && !Number.isFinite(filter.start)) throw invalid('bad start', 'start');
  if (filter.end !== undefined && !Number.isFinite(filter.end)) throw invalid('bad end', 'end');
  if (filter.text !== undefined && (filter.text.length === 0 || filter.text.length > MAX_SEARCH_TEXT))
    throw invalid(`the search text must have 1..${MAX_SEARCH_TEXT} characters`, 'text');
}
