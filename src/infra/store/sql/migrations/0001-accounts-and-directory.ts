/**
 * Migration 0001: accounts (SPEC S4) and the directory (SPEC C1, I4, M8) of core/ports.ts.
 * One schema-builder file for both dialects. Keys that lists are ordered by use a binary
 * collation: SQLite's default BINARY, PostgreSQL's "C" (the database default may be linguistic),
 * so every adapter orders text by code point, as the memory store does.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlKind } from '../sql-schema.js';

export function accountsAndDirectory(kind: SqlKind): Migration {
  const key = kind === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const schema = db.schema;
      await schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', key, (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('display_name_folded', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('users_username_key', ['username'])
        .execute();

      let credentials = schema
        .createTable('user_credentials')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'));
      for (const mechanism of ['scram_sha1', 'scram_sha256']) {
        credentials = credentials
          .addColumn(`${mechanism}_iterations`, 'integer', (c) => c.notNull())
          .addColumn(`${mechanism}_salt`, 'text', (c) => c.notNull())
          .addColumn(`${mechanism}_stored_key`, 'text', (c) => c.notNull())
          .addColumn(`${mechanism}_server_key`, 'text', (c) => c.notNull());
      }
      await credentials
        .addColumn('digest_realm', 'text', (c) => c.notNull())
        .addColumn('ha1_md5', 'text', (c) => c.notNull())
        .addColumn('ha1_sha256', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      for (const table of ['partitions', 'calling_search_spaces']) {
        await schema
          .createTable(table)
          .addColumn('name', key, (c) => c.primaryKey())
          .addColumn('description', 'text', (c) => c.notNull())
          .execute();
      }

      await schema
        .createTable('css_partitions')
        .addColumn('css_name', key, (c) =>
          c.notNull().references('calling_search_spaces.name').onDelete('cascade'),
        )
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('partition_name', key, (c) =>
          c.notNull().references('partitions.name').onDelete('restrict'),
        )
        .addPrimaryKeyConstraint('css_partitions_pkey', ['css_name', 'position'])
        .execute();
      // deletePartition asks whether a calling search space still lists the partition.
      await schema
        .createIndex('css_partitions_partition_idx')
        .on('css_partitions')
        .column('partition_name')
        .execute();

      await schema
        .createTable('lines')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', key, (c) => c.notNull())
        .addColumn('partition_name', key, (c) =>
          c.notNull().references('partitions.name').onDelete('restrict'),
        )
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // The same number in two partitions is two lines; this also serves findLine and listLines.
        .addUniqueConstraint('lines_number_partition_key', ['number', 'partition_name'])
        .execute();
      await schema.createIndex('lines_partition_idx').on('lines').column('partition_name').execute();

      await schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', key, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        // NULLs are distinct in a unique constraint in both dialects: "unique when set".
        .addColumn('mac', 'text')
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('css_name', key, (c) => c.references('calling_search_spaces.name').onDelete('restrict'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('devices_name_key', ['name'])
        .addUniqueConstraint('devices_mac_key', ['mac'])
        .execute();
      await schema.createIndex('devices_css_idx').on('devices').column('css_name').execute();

      await schema
        .createTable('device_lines')
        .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('line_id', 'text', (c) => c.notNull().references('lines.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('device_lines_pkey', ['device_id', 'position'])
        .execute();
      await schema.createIndex('device_lines_line_idx').on('device_lines').column('line_id').execute();

      await schema
        .createTable('user_devices')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('user_devices_pkey', ['user_id', 'device_id'])
        .execute();
      await schema.createIndex('user_devices_device_idx').on('user_devices').column('device_id').execute();

      await schema
        .createTable('canned_messages')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await schema
        .createIndex('canned_messages_order_idx')
        .on('canned_messages')
        .columns(['position', 'created_at', 'id'])
        .execute();
    },
  };
}
