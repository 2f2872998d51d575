/**
 * Migration 0009: core/ports.ts `PresenceStore` (docs/presence.md, SPEC I1): one manual status
 * and one calendar source per user, going with the user (ON DELETE CASCADE).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlKind } from '../sql-schema.js';

export function presence(kind: SqlKind): Migration {
  // The same key type as users.id (0002's code-point order on PostgreSQL).
  const key = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('manual_statuses')
        .addColumn('user_id', key, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('availability', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('until_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('calendar_sources')
        .addColumn('user_id', key, (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('username', 'text')
        .addColumn('password', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
