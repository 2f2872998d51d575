/**
 * RoomStore (core/ports.ts) over the memory tables, keeping the SQL adapter's rules: a room
 * replaced whole with its affiliations; each room's archive ordered by (at, id), ids unique.
 */
import type {
  ArchiveCursor,
  ArchiveFilter,
  RoomMessageRecord,
  RoomRecord,
  RoomStore,
} from '../../../core/ports.js';
import { HeraldError } from '../../../kernel/errors.js';
import { checkArchiveLimit } from '../archive-limits.js';
import { copy, type TablesProvider } from './memory-tables.js';

const key = (jid: string): string => jid.toLowerCase();

const compare = (a: { at: number; id: string }, b: { at: number; id: string }): number =>
  a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const matches = (record: RoomMessageRecord, filter: ArchiveFilter): boolean =>
  (filter.start === undefined || record.at >= filter.start) &&
  (filter.end === undefined || record.at <= filter.end) &&
  (filter.text === undefined || record.body?.toLowerCase().includes(filter.text.toLowerCase()) === true);

export class MemoryRoomStore implements RoomStore {
  constructor(private readonly tables: TablesProvider) {}

  async put(room: RoomRecord): Promise<void> {
    this.tables().rooms.set(key(room.jid), copy({ ...room, jid: key(room.jid) }));
  }

  async delete(jid: string): Promise<void> {
    const tables = this.tables();
    tables.rooms.delete(key(jid));
    await this.deleteMessages(jid);
  }

  async list(): Promise<RoomRecord[]> {
    return [...this.tables().rooms.values()].sort((a, b) => (a.jid < b.jid ? -1 : 1)).map(copy);
  }

  async appendMessage(record: RoomMessageRecord): Promise<void> {
    const tables = this.tables();
    if (tables.roomMessageIds.has(record.id))
      throw new HeraldError('HERALD_ERR_CONFLICT', `archive id ${record.id} is taken`, 'id');
    const room = key(record.roomJid);
    const next = [...(tables.roomArchives.get(room) ?? []), copy({ ...record, roomJid: room })];
    next.sort(compare);
    tables.roomArchives.set(room, next);
    tables.roomMessageIds.set(record.id, room);
  }

  async getMessage(roomJid: string, id: string): Promise<RoomMessageRecord | undefined> {
    const found = this.tables()
      .roomArchives.get(key(roomJid))
      ?.find((r) => r.id === id);
    return found && copy(found);
  }

  async listMessages(
    roomJid: string,
    filter: ArchiveFilter,
    page: { after?: ArchiveCursor; before?: ArchiveCursor; order: 'asc' | 'desc'; limit: number },
  ): Promise<RoomMessageRecord[]> {
    checkArchiveLimit(page.limit);
    let rows = (this.tables().roomArchives.get(key(roomJid)) ?? []).filter((r) => matches(r, filter));
    if (page.after) rows = rows.filter((r) => compare(r, page.after!) > 0);
    if (page.before) rows = rows.filter((r) => compare(r, page.before!) < 0);
    if (page.order === 'desc') rows = [...rows].reverse();
    return rows.slice(0, page.limit).map(copy);
  }

  async countMessages(roomJid: string, filter: ArchiveFilter): Promise<number> {
    return (this.tables().roomArchives.get(key(roomJid)) ?? []).filter((r) => matches(r, filter)).length;
  }

  async deleteMessages(roomJid: string): Promise<number> {
    const tables = this.tables();
    const rows = tables.roomArchives.get(key(roomJid)) ?? [];
    for (const r of rows) tables.roomMessageIds.delete(r.id);
    tables.roomArchives.delete(key(roomJid));
    return rows.length;
  }
}
