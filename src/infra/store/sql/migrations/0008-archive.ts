/**
 * Migration 0008: core/ports.ts `ArchiveStore` (XEP-0313, https://xmpp.org/extensions/xep-0313.html)
 * — one row per message per user archive, going with the user (ON DELETE CASCADE) — and the
 * compliance retry queue (SPEC M7: messages accepted while the sink was down, until it drains).
 * Full-text search is a LIKE over `body_folded` (the body in lower case) on both dialects.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlKind } from '../sql-schema.js';

export function archive(kind: SqlKind): Migration {
  const key = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('archive_messages')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('peer', key, (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('origin_id', 'text')
        .addColumn('body', 'text')
        .addColumn('body_folded', 'text')
        .addColumn('payload_format', 'text', (c) => c.notNull())
        .addColumn('payload_content', 'text', (c) => c.notNull())
        .execute();
      // Paging a user's archive in (at, id) order, and by peer.
      await db.schema
        .createIndex('archive_messages_user_idx')
        .on('archive_messages')
        .columns(['user_id', 'at', 'id'])
        .execute();
      await db.schema
        .createIndex('archive_messages_peer_idx')
        .on('archive_messages')
        .columns(['user_id', 'peer', 'at', 'id'])
        .execute();
      // Retention prunes by time across users.
      await db.schema.createIndex('archive_messages_at_idx').on('archive_messages').column('at').execute();

      await db.schema
        .createTable('compliance_queue')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('queued_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('compliance_queue_due_idx')
        .on('compliance_queue')
        .columns(['next_attempt_at', 'id'])
        .execute();
    },
  };
}
