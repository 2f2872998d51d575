/**
 * Migration 0002: rosters and roster versions (RFC 6121 §2, §2.6), block lists (XEP-0191) and
 * offline messages (XEP-0160) of core/ports.ts. Every row belongs to a user and goes with them
 * (ON DELETE CASCADE), as AccountStore.deleteUser promises. Keys that lists are ordered by use
 * the binary collation of 0001 (PostgreSQL "C", SQLite's default BINARY): code-point order.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlKind } from '../sql-schema.js';

export function rosterBlocksOffline(kind: SqlKind): Migration {
  const key = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const schema = db.schema;
      await schema
        .createTable('roster_items')
        // Binary too, unlike the other user_id columns: usersWithContact is ordered by it.
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('contact', key, (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('groups', 'text', (c) => c.notNull())
        .addColumn('subscription', 'text', (c) => c.notNull())
        .addColumn('pending_out', 'integer', (c) => c.notNull())
        .addColumn('pending_in', 'integer', (c) => c.notNull())
        .addColumn('pre_approved', 'integer', (c) => c.notNull())
        .addColumn('listed', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        // Also serves getRoster, ordered by contact.
        .addPrimaryKeyConstraint('roster_items_pkey', ['user_id', 'contact'])
        .execute();
      // usersWithContact: every roster holding a contact, by user id.
      await schema
        .createIndex('roster_items_contact_idx')
        .on('roster_items')
        .columns(['contact', 'user_id'])
        .execute();

      await schema
        .createTable('roster_versions')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('version', 'bigint', (c) => c.notNull())
        .execute();

      await schema
        .createTable('block_list')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('address', key, (c) => c.notNull())
        .addPrimaryKeyConstraint('block_list_pkey', ['user_id', 'address'])
        .execute();

      await schema
        .createTable('offline_messages')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('from_address', 'text', (c) => c.notNull())
        .addColumn('stored_at', 'bigint', (c) => c.notNull())
        .addColumn('payload_format', 'text', (c) => c.notNull())
        .addColumn('payload_content', 'text', (c) => c.notNull())
        .addColumn('payload_body', 'text')
        .execute();
      // peek (oldest first) and count, per user.
      await schema
        .createIndex('offline_messages_queue_idx')
        .on('offline_messages')
        .columns(['user_id', 'stored_at', 'id'])
        .execute();
    },
  };
}
