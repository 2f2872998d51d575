import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { PrecompiledQuery, precompiledOnce } from './sql-precompiled.js';
import type { Database } from './sql-schema.js';

async function memoryDb(): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
  });
  await sql`create table users (id text primary key, username text not null, display_name text,
    email text, is_admin integer not null, created_at integer not null)`.execute(db);
  for (const [id, name, admin] of [
    ['u1', 'alice', 0],
    ['u2', 'bob', 1],
    ['u3', 'carol', 0],
  ] as const)
    await sql`insert into users values (${id}, ${name}, ${name}, null, ${admin}, 0)`.execute(db);
  return db;
}

describe('PrecompiledQuery', () => {
  it('runs one compiled query with new parameters, constants of the query kept in place', async () => {
    const db = await memoryDb();
    const query = new PrecompiledQuery<{ admin: number; after: string }, { username: string }>(
      db,
      ['after', 'admin'],
      (db, p) =>
        db
          .selectFrom('users')
          .select('username')
          .where('is_admin', '=', p.admin)
          .where('username', '>', p.after)
          .where('created_at', '=', 0)
          .orderBy('username')
          .limit(10),
    );
    assert.deepEqual(await query.rows(db, { admin: 0, after: 'a' }), [
      { username: 'alice' },
      { username: 'carol' },
    ]);
    assert.deepEqual(await query.rows(db, { admin: 0, after: 'b' }), [{ username: 'carol' }]);
    assert.deepEqual(await query.rows(db, { admin: 1, after: '' }), [{ username: 'bob' }]);
    assert.match(query.sql, /limit \?/);
    await db.transaction().execute(async (trx) => {
      assert.deepEqual(await query.rows(trx, { admin: 1, after: '' }), [{ username: 'bob' }]);
    });
    await db.destroy();
  });

  it('writes, and reports the rows a write changed', async () => {
    const db = await memoryDb();
    const rename = new PrecompiledQuery<{ id: string; name: string }, never>(db, ['id', 'name'], (db, p) =>
      db.updateTable('users').set({ display_name: p.name }).where('id', '=', p.id),
    );
    const result = await rename.run(db, { id: 'u3', name: 'Carol C.' });
    assert.equal(result.numAffectedRows, 1n);
    const row = await db.selectFrom('users').select('display_name').where('id', '=', 'u3').executeTakeFirst();
    assert.equal(row?.display_name, 'Carol C.');
    await db.destroy();
  });

  it('refuses a parameter the query does not use, and compiles once per dialect', async () => {
    const db = await memoryDb();
    assert.throws(
      () =>
        new PrecompiledQuery<{ id: string; unused: string }, never>(db, ['id', 'unused'], (db, p) =>
          db.selectFrom('users').selectAll().where('id', '=', p.id),
        ),
      /unused/,
    );
    let made = 0;
    const make = () => ++made;
    assert.equal(precompiledOnce(db, 'test', make), 1);
    await db.transaction().execute(async (trx) => {
      assert.equal(precompiledOnce(trx, 'test', make), 1, 'a transaction shares its dialect');
    });
    assert.equal(made, 1);
    await db.destroy();
  });
});
