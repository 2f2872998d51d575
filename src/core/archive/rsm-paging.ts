/**
 * One way to page an archive — a user's or a room's — with Result Set Management (XEP-0059,
 * https://xmpp.org/extensions/xep-0059.html) as XEP-0313 §4 uses it: without `before`, forward
 * from `after` (or the start); with `before`, the page just before it (or the last page). Items
 * come oldest first. An unknown after/before id fails with HERALD_ERR_NOT_FOUND (XEP-0313 §4.3.2:
 * item-not-found).
 */
import { invalid, notFound } from '../../kernel/errors.js';
import type { ArchiveCursor, ArchiveFilter } from '../ports.js';

/** XEP-0059 §2.1: the client's page request. `before: true` = the last page (an empty <before/>). */
export interface PageRequest {
  readonly max?: number;
  readonly after?: string;
  readonly before?: string | true;
}

/** XEP-0059 §2.6 / XEP-0313 §4.3: the page, oldest first, and what the <fin/> says. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly first: string | null;
  readonly last: string | null;
  readonly count: number;
  /** XEP-0313 §4.3.1: true when this page reaches the end of the result set in its direction. */
  readonly complete: boolean;
}

/** What paging needs of an archive, already narrowed to one owner and one filter. */
export interface PagedArchive<T extends ArchiveCursor> {
  get(id: string): Promise<T | undefined>;
  count(): Promise<number>;
  list(page: {
    readonly after?: ArchiveCursor | undefined;
    readonly before?: ArchiveCursor | undefined;
    readonly order: 'asc' | 'desc';
    readonly limit: number;
  }): Promise<T[]>;
}

/** The longest full-text query accepted. */
export const MAX_SEARCH_TEXT = 200;

export function checkFilter(filter: ArchiveFilter): void {
  if (filter.start !== undefined && !Number.isFinite(filter.start)) throw invalid('bad start', 'start');
  if (filter.end !== undefined && !Number.isFinite(filter.end)) throw invalid('bad end', 'end');
  if (filter.text !== undefined && (filter.text.length === 0 || filter.text.length > MAX_SEARCH_TEXT))
    throw invalid(`the search text must have 1..${MAX_SEARCH_TEXT} characters`, 'text');
}

export async function pageArchive<T extends ArchiveCursor>(
  archive: PagedArchive<T>,
  page: PageRequest,
  sizes: { readonly defaultPage: number; readonly maxPage: number },
): Promise<Page<T>> {
  const max = page.max ?? sizes.defaultPage;
  if (!Number.isSafeInteger(max) || max < 0) throw invalid('max must be a non-negative integer', 'max');
  const limit = Math.min(max, sizes.maxPage);
  const cursor = async (id: string, field: string) => {
    const found = await archive.get(id);
    if (!found) throw notFound(`no archived message ${id}`, field);
    return { at: found.at, id: found.id };
  };
  const after = page.after !== undefined ? await cursor(page.after, 'after') : undefined;
  const before = typeof page.before === 'string' ? await cursor(page.before, 'before') : undefined;
  const count = await archive.count();
  if (limit === 0) return { items: [], first: null, last: null, count, complete: count === 0 };
  const backwards = page.before !== undefined;
  // One more than asked tells whether the set goes on (XEP-0313 §4.3.1 'complete').
  const fetched = await archive.list({ after, before, order: backwards ? 'desc' : 'asc', limit: limit + 1 });
  const complete = fetched.length <= limit;
  const items = fetched.slice(0, limit);
  if (backwards) items.reverse();
  return { items, first: items[0]?.id ?? null, last: items[items.length - 1]?.id ?? null, count, complete };
}
