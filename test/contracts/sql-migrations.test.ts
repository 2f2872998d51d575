/**
 * The SQL store's migrations and driver-error mapping, on SQLite always and on PostgreSQL when
 * its server answers (always under CI=true): applied once, and a failing run changes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';
import {
  MIGRATION_TABLE,
  MIGRATIONS,
  migrateToLatest,
  type NumberedMigration,
  postgresConnection,
  type SqlConnection,
  sqliteConnection,
} from '../../src/infra/store/index.js';
import { toStoreError } from '../../src/infra/store/sql/sql-errors.js';
import type { Database } from '../../src/infra/store/sql/sql-schema.js';
import { HeraldError } from '../../src/kernel/errors.js';
import { postgresSkipReason, postgresTestDatabase } from '../support/postgres.js';

interface Target {
  readonly name: string;
  readonly skip?: string;
  open(): Promise<{ connect: () => SqlConnection; cleanup: () => Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'herald-migrate-'));
      return {
        connect: () => sqliteConnection(join(dir, 'herald.db')),
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: await postgresSkipReason(),
    async open() {
      const database = await postgresTestDatabase();
      return { connect: () => postgresConnection(database.url, { poolSize: 2 }), cleanup: database.drop };
    },
  },
];

/** Runs `test` with a Kysely over a fresh database; destroys and removes it after. */
async function withDatabase(
  target: Target,
  test: (db: Kysely<Database>, kind: SqlConnection['kind']) => Promise<void>,
) {
  const { connect, cleanup } = await target.open();
  const connection = connect();
  const db = new Kysely<Database>({ dialect: connection.dialect });
  try {
    await test(db, connection.kind);
  } finally {
    await db.destroy();
    await cleanup();
  }
}

async function tableNames(db: Kysely<Database>): Promise<string[]> {
  return (await db.introspection.getTables()).map((table) => table.name).sort();
}

async function appliedNames(db: Kysely<Database>): Promise<string[]> {
  const tables = (await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name);
  if (!tables.includes(MIGRATION_TABLE)) return [];
  const { rows } = await sql<{
    name: string;
  }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(db);
  return rows.map((row) => row.name);
}

function offlineRow(userId: string) {
  return {
    id: `m-${userId}`,
    user_id: userId,
    from_address: 'romeo@montague.example',
    stored_at: 1,
    payload_format: 'xmpp',
    payload_content: '<message/>',
    payload_body: null,
  };
}

/** One row of each table of migration 0002 for the user. */
async function seedUserRows(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .insertInto('roster_items')
    .values({
      user_id: userId,
      contact: 'bob@example.com',
      name: null,
      groups: '[]',
      subscription: 'none',
      pending_out: 0,
      pending_in: 0,
      pre_approved: 0,
      listed: 1,
      updated_at: 1,
    })
    .execute();
  await db.insertInto('roster_versions').values({ user_id: userId, version: 1 }).execute();
  await db.insertInto('block_list').values({ user_id: userId, address: 'x@y' }).execute();
  await db.insertInto('offline_messages').values(offlineRow(userId)).execute();
  await db
    .insertInto('pep_nodes')
    .values({
      user_id: userId,
      node: 'urn:xmpp:bookmarks:1',
      access_model: 'whitelist',
      max_items: 10,
      send_last_item: 'never',
      created_at: 1,
    })
    .execute();
  await db.insertInto('pep_items').values(pepItemRow(userId)).execute();
}

function pepItemRow(userId: string) {
  return {
    user_id: userId,
    node: 'urn:xmpp:bookmarks:1',
    item_id: 'room@muc.example.com',
    payload: '<conference/>',
    publisher: 'alice@example.com/laptop',
    published_at: 1,
  };
}

const probe = (name: string, fails: boolean): NumberedMigration => ({
  name,
  build: () => ({
    async up(db: Kysely<unknown>) {
      await db.schema.createTable(name.replace(/-/g, '_')).addColumn('id', 'text').execute();
      if (fails) throw new Error(`${name} fails on purpose`);
    },
  }),
});

// Named to sort after every real migration, as a next one would.
const FAILING_RUN = [...MIGRATIONS, probe('9000-probe-ok', false), probe('9001-probe-fails', true)];
const ALL = MIGRATIONS.map((migration) => migration.name);
const TABLES = [
  'users',
  'roster_items',
  'roster_versions',
  'block_list',
  'offline_messages',
  'pep_nodes',
  'pep_items',
  'last_logouts',
  'manual_statuses',
  'calendar_sources',
  'rooms',
  'room_affiliations',
  'room_archive',
];

for (const target of targets) {
  describe(`SQL migrations on ${target.name}`, { skip: target.skip }, () => {
    it('applies every migration once; running again applies none', () =>
      withDatabase(target, async (db, kind) => {
        assert.deepEqual(ALL, [
          '0001-accounts-and-directory',
          '0002-roster-blocks-offline',
          '0003-pep',
          '0004-sip-location',
          '0005-last-activity',
          '0006-pep-roster-groups',
          '0008-archive',
          '0009-presence',
          '0010-rooms',
        ]);
        assert.deepEqual(await migrateToLatest(db, kind), ALL);
        assert.deepEqual(await migrateToLatest(db, kind), []);
        assert.deepEqual(await appliedNames(db), ALL);
        const tables = await tableNames(db);
        for (const table of TABLES) assert.ok(tables.includes(table), table);
      }));

    it('upgrades a database at 0001 keeping its rows; the new rows go with their user', () =>
      withDatabase(target, async (db, kind) => {
        assert.deepEqual(await migrateToLatest(db, kind, MIGRATIONS.slice(0, 1)), [ALL[0]]);
        const person = {
          display_name: 'A',
          display_name_folded: 'a',
          email: null,
          is_admin: 0,
          created_at: 1,
        };
        await db
          .insertInto('users')
          .values({ id: 'u1', username: 'alice', ...person })
          .execute();
        assert.deepEqual(await migrateToLatest(db, kind), ALL.slice(1));
        assert.deepEqual(await appliedNames(db), ALL);
        await seedUserRows(db, 'u1');
        // 0006: a node written without roster groups allows none.
        const groups = await sql<{ roster_groups: string }>`select roster_groups from pep_nodes`.execute(db);
        assert.deepEqual(groups.rows, [{ roster_groups: '[]' }]);
        await db.deleteFrom('users').where('id', '=', 'u1').execute();
        const owned = [
          'roster_items',
          'roster_versions',
          'block_list',
          'offline_messages',
          'pep_nodes',
        ] as const;
        for (const table of [...owned, 'pep_items'] as const) {
          const left = await db.selectFrom(table).select('user_id').execute();
          assert.deepEqual(left, [], `${table}: ON DELETE CASCADE`);
        }
      }));

    it('a failing run leaves a fresh database empty and throws HERALD_ERR_INTERNAL naming the migration', () =>
      withDatabase(target, async (db, kind) => {
        await assert.rejects(migrateToLatest(db, kind, FAILING_RUN), (error) => {
          assert.ok(error instanceof HeraldError);
          assert.equal(error.code, 'HERALD_ERR_INTERNAL');
          assert.equal(error.field, '9001-probe-fails');
          assert.match(error.message, /fails on purpose/);
          return true;
        });
        const left = (await tableNames(db)).filter((name) => !name.startsWith(MIGRATION_TABLE));
        assert.deepEqual(left, []);
        assert.deepEqual(await appliedNames(db), []);
      }));

    it('a failing run keeps what earlier runs applied, and nothing of its own', () =>
      withDatabase(target, async (db, kind) => {
        await migrateToLatest(db, kind);
        const before = await tableNames(db);
        await assert.rejects(migrateToLatest(db, kind, FAILING_RUN), HeraldError);
        assert.deepEqual(await tableNames(db), before);
        assert.deepEqual(await appliedNames(db), ALL);
      }));

    it('maps the real driver errors to coded errors naming the field', () =>
      withDatabase(target, async (db, kind) => {
        await migrateToLatest(db, kind);
        const user = { display_name: 'A', display_name_folded: 'a', email: null, is_admin: 0, created_at: 1 };
        await db
          .insertInto('users')
          .values({ id: 'u1', username: 'alice', ...user })
          .execute();
        await db.insertInto('partitions').values({ name: 'pt', description: '' }).execute();
        const line = { partition_name: 'pt', description: '', created_at: 1 };
        await db
          .insertInto('lines')
          .values({ id: 'l1', number: '1000', ...line })
          .execute();
        await seedUserRows(db, 'u1');
        const attempts = [
          {
            run: () =>
              db
                .insertInto('users')
                .values({ id: 'u2', username: 'alice', ...user })
                .execute(),
            code: 'HERALD_ERR_CONFLICT',
            field: 'username',
          },
          {
            run: () =>
              db
                .insertInto('users')
                .values({ id: 'u1', username: 'bob', ...user })
                .execute(),
            code: 'HERALD_ERR_CONFLICT',
            field: 'id',
          },
          {
            run: () =>
              db
                .insertInto('lines')
                .values({ id: 'l2', number: '1000', ...line })
                .execute(),
            code: 'HERALD_ERR_CONFLICT',
            field: 'number',
          },
          {
            run: () => seedUserRows(db, 'u1'),
            code: 'HERALD_ERR_CONFLICT',
            field: 'contact',
          },
          {
            run: () => db.insertInto('block_list').values({ user_id: 'u1', address: 'x@y' }).execute(),
            code: 'HERALD_ERR_CONFLICT',
            field: 'address',
          },
          {
            run: () =>
              db
                .insertInto('offline_messages')
                .values({ ...offlineRow('u1'), user_id: 'u1' })
                .execute(),
            code: 'HERALD_ERR_CONFLICT',
            field: 'id',
          },
          {
            run: () => db.insertInto('block_list').values({ user_id: 'nobody', address: 'x@y' }).execute(),
            code: 'HERALD_ERR_NOT_FOUND',
            field: kind === 'postgres' ? 'userId' : undefined,
          },
          {
            run: () => db.insertInto('pep_items').values(pepItemRow('u1')).execute(),
            code: 'HERALD_ERR_CONFLICT',
            field: 'id',
          },
          // SQLite's foreign-key error names no key, hence the explicit checks in the stores.
          {
            run: () =>
              db
                .insertInto('lines')
                .values({ id: 'l3', number: '1', ...line, partition_name: 'nope' })
                .execute(),
            code: 'HERALD_ERR_NOT_FOUND',
            field: kind === 'postgres' ? 'partition' : undefined,
          },
        ];
        for (const { run, code, field } of attempts) {
          const error = toStoreError(
            await run().then(
              () => undefined,
              (e: unknown) => e,
            ),
          );
          assert.ok(error instanceof HeraldError, String(error));
          assert.equal(error.code, code, error.message);
          assert.equal(error.field, field, error.message);
        }
        const deleting = await db
          .deleteFrom('partitions')
          .where('name', '=', 'pt')
          .execute()
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        const referenced = new HeraldError('HERALD_ERR_CONFLICT', 'still used', 'name');
        assert.equal(toStoreError(deleting, { onForeignKey: () => referenced }), referenced);
      }));
  });
}
