/**
 * Migration 0010: core/ports.ts `RoomStore` — XEP-0045 persistent rooms (§10.1.3) with their
 * configuration (JSON) and subject, their affiliations (§5.2, going with the room), and the
 * rooms' own message archive (XEP-0313 §5), which has no owning user and so no FK to users.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlKind } from '../sql-schema.js';

export function rooms(kind: SqlKind): Migration {
  const key = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('rooms')
        .addColumn('jid', key, (c) => c.primaryKey())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('subject_text', 'text')
        .addColumn('subject_nick', 'text')
        .addColumn('created_by', key, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('room_affiliations')
        .addColumn('room_jid', key, (c) => c.notNull().references('rooms.jid').onDelete('cascade'))
        .addColumn('jid', key, (c) => c.notNull())
        .addColumn('affiliation', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addPrimaryKeyConstraint('room_affiliations_pk', ['room_jid', 'jid'])
        .execute();
      await db.schema
        .createTable('room_archive')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('room_jid', key, (c) => c.notNull())
        .addColumn('nick', 'text', (c) => c.notNull())
        .addColumn('sender', key, (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('body', 'text')
        .addColumn('body_folded', 'text')
        .addColumn('payload_format', 'text', (c) => c.notNull())
        .addColumn('payload_content', 'text', (c) => c.notNull())
        .execute();
      // Paging a room's archive in (at, id) order.
      await db.schema
        .createIndex('room_archive_room_idx')
        .on('room_archive')
        .columns(['room_jid', 'at', 'id'])
        .execute();
    },
  };
}
