/**
 * Migration 0005: core/ports.ts `LastActivityStore` (XEP-0012 §4, https://xmpp.org/extensions/xep-0012.html#offline):
 * one row per user, their last logout, going with the user (ON DELETE CASCADE).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlKind } from '../sql-schema.js';

export function lastActivity(kind: SqlKind): Migration {
  // The same key type as users.id (0002's code-point order on PostgreSQL).
  const key = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('last_logouts')
        .addColumn('user_id', key, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('logged_out_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text')
        .execute();
    },
  };
}
