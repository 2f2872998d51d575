import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { isHeraldError } from '../../../kernel/errors.js';
import type { DirectSqlite } from './dialects.js';
import { SqlRunner } from './sql-runner.js';
import type { Database } from './sql-schema.js';
import { MAX_GROUP, SqlWriteBatch } from './sql-write-batch.js';

async function setup() {
  const raw = new BetterSqlite3(':memory:');
  let begins = 0;
  const database = {
    close: () => raw.close(),
    prepare: (text: string) => {
      if (/^begin/i.test(text)) begins++;
      return raw.prepare(text);
    },
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await sql`create table t (k integer primary key, v text not null)`.execute(db);
  const insert = (k: number, v: string | null) => async (d: Kysely<Database>) => {
    await sql`insert into t (k, v) values (${k}, ${v})`.execute(d);
  };
  const rows = async () =>
    (await sql<{ k: number }>`select k from t order by k`.execute(db)).rows.map((r) => r.k);
  return { db, runner: new SqlRunner(db), insert, rows, begins: () => begins };
}

describe('SqlWriteBatch (group commit)', () => {
  it('commits writes that arrive together in one transaction, each resolving after it', async () => {
    const { db, runner, insert, rows, begins } = await setup();
    const batch = new SqlWriteBatch(runner);
    await Promise.all([1, 2, 3, 4].map((k) => batch.write(insert(k, `v${k}`))));
    assert.deepEqual(await rows(), [1, 2, 3, 4]);
    assert.equal(begins(), 1);
    await batch.write(insert(5, 'v5'));
    assert.equal(begins(), 2);
    await db.destroy();
  });

  it('fails a refused write alone: the others of its group still commit', async () => {
    const { db, runner, insert, rows } = await setup();
    const batch = new SqlWriteBatch(runner);
    const results = await Promise.allSettled([
      batch.write(insert(1, 'a')),
      batch.write(insert(2, null)), // NOT NULL
      batch.write(insert(3, 'c')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(await rows(), [1, 3]);
    await db.destroy();
  });

  it('joins the caller’s transaction instead of grouping', async () => {
    const { db, insert, rows, begins } = await setup();
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await new SqlWriteBatch(new SqlRunner(trx)).write(insert(9, 'x'));
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual(await rows(), []);
    assert.equal(begins(), 1);
    await db.destroy();
  });

  it('with a delay, groups writes of different turns; flush commits them without waiting it out', async () => {
    const { db, runner, insert, rows, begins } = await setup();
    const batch = new SqlWriteBatch(runner, { maxDelayMs: 60_000 });
    const first = batch.write(insert(1, 'a'));
    await new Promise((resolve) => setImmediate(resolve));
    const second = batch.write(insert(2, 'b'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await rows(), [], 'nothing commits before the delay or a flush');
    await batch.flush();
    await Promise.all([first, second]);
    assert.deepEqual(await rows(), [1, 2]);
    assert.equal(begins(), 1, 'one transaction for both');
    await batch.flush(); // nothing waiting: resolves at once
    await db.destroy();
  });

  it('with a delay, commits when the delay is over, and a full group at once', async () => {
    const { db, runner, insert, rows, begins } = await setup();
    const batch = new SqlWriteBatch(runner, { maxDelayMs: 20 });
    await Promise.all([batch.write(insert(1, 'a')), batch.write(insert(2, 'b'))]);
    assert.deepEqual(await rows(), [1, 2]);
    assert.equal(begins(), 1);
    const slow = new SqlWriteBatch(runner, { maxDelayMs: 60_000 });
    const keys = Array.from({ length: MAX_GROUP }, (_, i) => 100 + i);
    await Promise.all(keys.map((k) => slow.write(insert(k, 'v'))));
    assert.equal((await rows()).length, 2 + MAX_GROUP);
    assert.equal(begins(), 2, 'the full group went in one transaction, before its delay');
    assert.throws(() => new SqlWriteBatch(runner, { maxDelayMs: -1 }), RangeError);
    await db.destroy();
  });
});

/** A Kysely store on one SQLite connection and the direct handle to the same (dialects.ts). */
async function directSetup() {
  const raw = new BetterSqlite3(':memory:');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  await sql`create table t (k integer primary key, v text not null)`.execute(db);
  let transactions = 0;
  const inTransaction = raw.transaction((work: () => void) => work());
  const sqlite: DirectSqlite = {
    run: (text, parameters) => {
      raw.prepare(text).run(parameters);
    },
    transaction: (work) => {
      transactions++;
      inTransaction(work);
    },
  };
  const handle: { current: DirectSqlite | undefined } = { current: sqlite };
  const kyselyInserts: number[] = [];
  /** The write both ways: through Kysely (recorded, so a test sees which way it went) and direct. */
  const insert = (k: number, v: string | null) =>
    [
      async (d: Kysely<Database>) => {
        kyselyInserts.push(k);
        await sql`insert into t (k, v) values (${k}, ${v})`.execute(d);
      },
      (direct: DirectSqlite) => direct.run('insert into t (k, v) values (?, ?)', [k, v]),
    ] as const;
  const rows = async () =>
    (await sql<{ k: number }>`select k from t order by k`.execute(db)).rows.map((r) => r.k);
  return {
    db,
    handle,
    runner: new SqlRunner(db, handle),
    insert,
    rows,
    kyselyInserts,
    transactions: () => transactions,
  };
}

describe('SqlWriteBatch on SQLite’s connection directly (ADR 0014)', () => {
  it('commits a group of direct writes in one transaction, without Kysely', async () => {
    const { db, runner, insert, rows, kyselyInserts, transactions } = await directSetup();
    const batch = new SqlWriteBatch(runner);
    await Promise.all([1, 2, 3, 4].map((k) => batch.write(...insert(k, `v${k}`))));
    assert.deepEqual(await rows(), [1, 2, 3, 4]);
    assert.equal(transactions(), 1);
    assert.deepEqual(kyselyInserts, []);
    await db.destroy();
  });

  it('fails a refused write alone, with its coded error; the others of its group commit', async () => {
    const { db, runner, insert, rows } = await directSetup();
    await new SqlWriteBatch(runner).write(...insert(2, 'first'));
    const batch = new SqlWriteBatch(runner);
    const results = await Promise.allSettled([
      batch.write(...insert(1, 'a')),
      batch.write(...insert(2, 'again')), // primary key
      batch.write(...insert(3, 'c')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const refused = results[1];
    assert.ok(refused?.status === 'rejected' && isHeraldError(refused.reason, 'HERALD_ERR_CONFLICT'));
    assert.deepEqual(await rows(), [1, 2, 3]);
    await db.destroy();
  });

  it('waits for a Kysely transaction that holds the connection across turns of the event loop', async () => {
    const { db, runner, insert, rows } = await directSetup();
    const batch = new SqlWriteBatch(runner);
    const order: string[] = [];
    const transaction = db.transaction().execute(async (trx) => {
      await sql`insert into t (k, v) values (1, 'a')`.execute(trx);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await sql`insert into t (k, v) values (2, 'b')`.execute(trx);
      order.push('transaction');
    });
    await new Promise((resolve) => setImmediate(resolve));
    const direct = batch.write(...insert(3, 'c')).then(() => order.push('direct'));
    await Promise.all([transaction, direct]);
    assert.deepEqual(order, ['transaction', 'direct']);
    assert.deepEqual(await rows(), [1, 2, 3]);
    await db.destroy();
  });

  it('goes through Kysely when a write of the group has no direct form, and inside a transaction', async () => {
    const { db, runner, insert, rows, kyselyInserts } = await directSetup();
    const batch = new SqlWriteBatch(runner);
    const [work] = insert(2, 'b');
    await Promise.all([batch.write(...insert(1, 'a')), batch.write(work)]);
    assert.deepEqual(kyselyInserts, [1, 2]);
    await db.transaction().execute(async (trx) => {
      const inside = new SqlRunner(trx, { current: undefined });
      assert.equal(inside.hasDirect, false);
      await new SqlWriteBatch(inside).write(...insert(3, 'c'));
    });
    assert.deepEqual(kyselyInserts, [1, 2, 3]);
    assert.deepEqual(await rows(), [1, 2, 3]);
    await db.destroy();
  });

  it('rejects every write of the group when the connection is gone', async () => {
    const { db, handle, runner, insert } = await directSetup();
    handle.current = undefined;
    const batch = new SqlWriteBatch(runner);
    const results = await Promise.allSettled([
      batch.write(...insert(1, 'a')),
      batch.write(...insert(2, 'b')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    await db.destroy();
  });
});
