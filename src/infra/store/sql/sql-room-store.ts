/**
 * RoomStore (core/ports.ts; XEP-0045 persistent rooms, XEP-0313 §5 room archives) on SQL
 * (migration 0010). A room is replaced whole, with its affiliations, in one transaction; the
 * archive is paged like the user archive: keyset on (at, id) over (room_jid, at, id).
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import {
  type ArchiveCursor,
  type ArchiveFilter,
  asUserId,
  type RoomAffiliationRecord,
  type RoomMessageRecord,
  type RoomRecord,
  type RoomStore,
} from '../../../core/ports.js';
import { checkArchiveLimit } from '../archive-limits.js';
import type { SqlRunner } from './sql-runner.js';
import type { Database, RoomArchiveTable } from './sql-schema.js';

const key = (jid: string): string => jid.toLowerCase();

const AFFILIATIONS = new Set(['owner', 'admin', 'member', 'outcast']);

function configOf(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    // The core validates the configuration on load and skips a room it cannot use.
    return {};
  }
}

function messageOf(row: RoomArchiveTable): RoomMessageRecord {
  return {
    id: row.id,
    roomJid: row.room_jid,
    nick: row.nick,
    sender: row.sender,
    at: Number(row.at),
    body: row.body,
    payload: { format: row.payload_format, content: row.payload_content },
  };
}

const likePattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

type Eb = ExpressionBuilder<Database, 'room_archive'>;

function where(eb: Eb, roomJid: string, filter: ArchiveFilter): Expression<SqlBool>[] {
  const parts: Expression<SqlBool>[] = [eb('room_jid', '=', key(roomJid))];
  if (filter.start !== undefined) parts.push(eb('at', '>=', filter.start));
  if (filter.end !== undefined) parts.push(eb('at', '<=', filter.end));
  if (filter.text !== undefined)
    parts.push(sql<boolean>`body_folded like ${likePattern(filter.text)} escape '\\'`);
  return parts;
}

const beyond = (eb: Eb, cursor: ArchiveCursor, op: '>' | '<') =>
  eb.or([eb('at', op, cursor.at), eb.and([eb('at', '=', cursor.at), eb('id', op, cursor.id)])]);

export class SqlRoomStore implements RoomStore {
  constructor(private readonly runner: SqlRunner) {}

  async put(room: RoomRecord): Promise<void> {
    const jid = key(room.jid);
    const values = {
      config: JSON.stringify(room.config),
      subject_text: room.subject?.text ?? null,
      subject_nick: room.subject?.nick ?? null,
      created_by: room.createdBy,
      created_at: room.createdAt,
    };
    await this.runner.write(async (db) => {
      await db
        .insertInto('rooms')
        .values({ jid, ...values })
        .onConflict((oc) => oc.column('jid').doUpdateSet(values))
        .execute();
      await db.deleteFrom('room_affiliations').where('room_jid', '=', jid).execute();
      if (room.affiliations.length > 0)
        await db
          .insertInto('room_affiliations')
          .values(
            room.affiliations.map((a) => ({
              room_jid: jid,
              jid: a.jid,
              affiliation: a.affiliation,
              reason: a.reason,
            })),
          )
          .execute();
    });
  }

  async delete(jid: string): Promise<void> {
    await this.runner.write(async (db) => {
      await db.deleteFrom('room_affiliations').where('room_jid', '=', key(jid)).execute();
      await db.deleteFrom('rooms').where('jid', '=', key(jid)).execute();
      await db.deleteFrom('room_archive').where('room_jid', '=', key(jid)).execute();
    });
  }

  async list(): Promise<RoomRecord[]> {
    const [rows, affiliations] = await this.runner.read(async (db) => [
      await db.selectFrom('rooms').selectAll().orderBy('jid').execute(),
      await db.selectFrom('room_affiliations').selectAll().orderBy('room_jid').orderBy('jid').execute(),
    ]);
    const byRoom = new Map<string, RoomAffiliationRecord[]>();
    for (const a of affiliations) {
      if (!AFFILIATIONS.has(a.affiliation)) continue;
      const list = byRoom.get(a.room_jid) ?? [];
      list.push({
        jid: a.jid,
        affiliation: a.affiliation as RoomAffiliationRecord['affiliation'],
        reason: a.reason,
      });
      byRoom.set(a.room_jid, list);
    }
    return rows.map((row) => ({
      jid: row.jid,
      config: configOf(row.config),
      subject:
        row.subject_text !== null && row.subject_nick !== null
          ? { text: row.subject_text, nick: row.subject_nick }
          : null,
      createdBy: asUserId(row.created_by),
      createdAt: Number(row.created_at),
      affiliations: byRoom.get(row.jid) ?? [],
    }));
  }

  async appendMessage(record: RoomMessageRecord): Promise<void> {
    await this.runner.write((db) =>
      db
        .insertInto('room_archive')
        .values({
          id: record.id,
          room_jid: key(record.roomJid),
          nick: record.nick,
          sender: record.sender,
          at: record.at,
          body: record.body,
          body_folded: record.body === null ? null : record.body.toLowerCase(),
          payload_format: record.payload.format,
          payload_content: record.payload.content,
        })
        .execute(),
    );
  }

  async getMessage(roomJid: string, id: string): Promise<RoomMessageRecord | undefined> {
    const row = await this.runner.read((db) =>
      db
        .selectFrom('room_archive')
        .selectAll()
        .where('room_jid', '=', key(roomJid))
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    return row ? messageOf(row) : undefined;
  }

  async listMessages(
    roomJid: string,
    filter: ArchiveFilter,
    page: { after?: ArchiveCursor; before?: ArchiveCursor; order: 'asc' | 'desc'; limit: number },
  ): Promise<RoomMessageRecord[]> {
    checkArchiveLimit(page.limit);
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('room_archive')
        .selectAll()
        .where((eb) => {
          const parts = where(eb, roomJid, filter);
          if (page.after) parts.push(beyond(eb, page.after, '>'));
          if (page.before) parts.push(beyond(eb, page.before, '<'));
          return eb.and(parts);
        })
        .orderBy('at', page.order)
        .orderBy('id', page.order)
        .limit(page.limit)
        .execute(),
    );
    return rows.map(messageOf);
  }

  async countMessages(roomJid: string, filter: ArchiveFilter): Promise<number> {
    const { total } = await this.runner.read((db) =>
      db
        .selectFrom('room_archive')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .where((eb) => eb.and(where(eb, roomJid, filter)))
        .executeTakeFirstOrThrow(),
    );
    return Number(total);
  }

  async deleteMessages(roomJid: string): Promise<number> {
    const result = await this.runner.write((db) =>
      db.deleteFrom('room_archive').where('room_jid', '=', key(roomJid)).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}
