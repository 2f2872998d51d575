/**
 * ArchiveStore (core/ports.ts; XEP-0313 Message Archive Management,
 * https://xmpp.org/extensions/xep-0313.html) over the memory tables, with the SQL adapter's rules:
 * the user must exist, ids are unique across users, each archive is ordered by (at, id), `text`
 * matches a case-insensitive substring of the body.
 */
import type {
  ArchiveCursor,
  ArchivedMessageRecord,
  ArchiveFilter,
  ArchiveStore,
  UserId,
} from '../../../core/ports.js';
import { conflict } from '../../../kernel/errors.js';
import { checkArchiveLimit } from '../archive-limits.js';
import { compareBinary } from './binary-order.js';
import { copy, requireUser, type TablesProvider } from './memory-tables.js';

const compare = (a: ArchiveCursor, b: ArchiveCursor): number =>
  a.at !== b.at ? a.at - b.at : compareBinary(a.id, b.id);

function matches(record: ArchivedMessageRecord, filter: ArchiveFilter): boolean {
  if (filter.peer !== undefined && record.peer !== filter.peer) return false;
  if (filter.start !== undefined && record.at < filter.start) return false;
  if (filter.end !== undefined && record.at > filter.end) return false;
  if (filter.text !== undefined) {
    if (record.body === null || !record.body.toLowerCase().includes(filter.text.toLowerCase())) return false;
  }
  return true;
}

export class MemoryArchiveStore implements ArchiveStore {
  constructor(private readonly tables: TablesProvider) {}

  async append(record: ArchivedMessageRecord): Promise<void> {
    const tables = this.tables();
    requireUser(tables, record.userId);
    if (tables.archiveIds.has(record.id)) throw conflict(`archive id ${record.id} is taken`, 'id');
    const current = tables.archives.get(record.userId) ?? [];
    // Binary search for the insertion point: most appends land at the end.
    let low = 0;
    let high = current.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(current[mid] as ArchiveCursor, record) <= 0) low = mid + 1;
      else high = mid;
    }
    const next = current.slice();
    next.splice(low, 0, copy(record));
    tables.archives.set(record.userId, next);
    tables.archiveIds.set(record.id, record.userId);
  }

  async get(userId: UserId, id: string): Promise<ArchivedMessageRecord | undefined> {
    if (this.tables().archiveIds.get(id) !== userId) return undefined;
    const found = this.tables()
      .archives.get(userId)
      ?.find((record) => record.id === id);
    return found ? copy(found) : undefined;
  }

  async list(
    userId: UserId,
    filter: ArchiveFilter,
    page: { after?: ArchiveCursor; before?: ArchiveCursor; order: 'asc' | 'desc'; limit: number },
  ): Promise<ArchivedMessageRecord[]> {
    checkArchiveLimit(page.limit);
    const all = this.tables().archives.get(userId) ?? [];
    const out: ArchivedMessageRecord[] = [];
    const fits = (record: ArchivedMessageRecord): boolean =>
      (page.after === undefined || compare(record, page.after) > 0) &&
      (page.before === undefined || compare(record, page.before) < 0) &&
      matches(record, filter);
    if (page.order === 'asc') {
      for (let i = 0; i < all.length && out.length < page.limit; i++) {
        const record = all[i] as ArchivedMessageRecord;
        if (fits(record)) out.push(copy(record));
      }
    } else {
      for (let i = all.length - 1; i >= 0 && out.length < page.limit; i--) {
        const record = all[i] as ArchivedMessageRecord;
        if (fits(record)) out.push(copy(record));
      }
    }
    return out;
  }

  async count(userId: UserId, filter: ArchiveFilter): Promise<number> {
    return (this.tables().archives.get(userId) ?? []).filter((record) => matches(record, filter)).length;
  }

  async conversations(userId: UserId, limit: number): Promise<ArchivedMessageRecord[]> {
    checkArchiveLimit(limit);
    const newest = new Map<string, ArchivedMessageRecord>();
    for (const record of this.tables().archives.get(userId) ?? []) newest.set(record.peer, record);
    return [...newest.values()]
      .sort((a, b) => compare(b, a))
      .slice(0, limit)
      .map(copy);
  }

  async prune(before: number): Promise<number> {
    const tables = this.tables();
    let removed = 0;
    for (const [userId, records] of tables.archives) {
      const kept = records.filter((record) => record.at >= before);
      if (kept.length === records.length) continue;
      for (const record of records) if (record.at < before) tables.archiveIds.delete(record.id);
      removed += records.length - kept.length;
      if (kept.length === 0) tables.archives.delete(userId);
      else tables.archives.set(userId, kept);
    }
    return removed;
  }
}
