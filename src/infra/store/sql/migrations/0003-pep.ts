/**
 * Migration 0003: the nodes and items of every user's personal eventing service (XEP-0163 over
 * XEP-0060) of core/ports.ts `PepStore`. A node goes with its user, an item with its node
 * (ON DELETE CASCADE). Items carry a store-made sequence number: "newest" is the order of
 * publication, which two publications in one millisecond would make ambiguous by time.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlKind } from '../sql-schema.js';

export function pep(kind: SqlKind): Migration {
  // Code-point order for what lists are ordered by, as in 0002.
  const key = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const schema = db.schema;
      await schema
        .createTable('pep_nodes')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('node', key, (c) => c.notNull())
        .addColumn('access_model', 'text', (c) => c.notNull())
        .addColumn('max_items', 'integer', (c) => c.notNull())
        .addColumn('send_last_item', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // Also serves listNodes, ordered by node.
        .addPrimaryKeyConstraint('pep_nodes_pkey', ['user_id', 'node'])
        .execute();

      await schema
        .createTable('pep_items')
        .$call((table) =>
          kind === 'postgres'
            ? table.addColumn('seq', 'bigserial', (c) => c.primaryKey())
            : table.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement()),
        )
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('node', key, (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('publisher', 'text', (c) => c.notNull())
        .addColumn('published_at', 'bigint', (c) => c.notNull())
        .addForeignKeyConstraint(
          'pep_items_node_fkey',
          ['user_id', 'node'],
          'pep_nodes',
          ['user_id', 'node'],
          (fk) => fk.onDelete('cascade'),
        )
        .addUniqueConstraint('pep_items_item_key', ['user_id', 'node', 'item_id'])
        .execute();
      // The node's items newest first (getItems, trimming).
      await schema
        .createIndex('pep_items_order_idx')
        .on('pep_items')
        .columns(['user_id', 'node', 'seq'])
        .execute();
    },
  };
}
