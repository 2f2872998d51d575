/**
 * Migration 0004: the SIP location service of core/ports.ts `LocationStore` (RFC 3261 §10.3):
 * one row per binding of a user to a contact, going with the user (ON DELETE CASCADE). q is kept
 * in thousandths (a qvalue has at most three decimals, §25.1), so it comes back exactly.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlKind } from '../sql-schema.js';

export function sipLocation(kind: SqlKind): Migration {
  // Code-point order for what lists are ordered by, as in 0002.
  const key = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sip_bindings')
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('contact', key, (c) => c.notNull())
        .addColumn('flow_id', 'text')
        .addColumn('transport', 'text', (c) => c.notNull())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('cseq', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('q_milli', 'integer')
        .addColumn('instance_id', 'text')
        .addColumn('reg_id', 'integer')
        .addColumn('user_agent', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('sip_bindings_pkey', ['user_id', 'contact'])
        .execute();
      // purgeExpired and the live filter.
      await db.schema
        .createIndex('sip_bindings_expiry_idx')
        .on('sip_bindings')
        .column('expires_at')
        .execute();
    },
  };
}
