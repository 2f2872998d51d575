import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import type { Database } from './sql-schema.js';
import { FifoMutex, FifoSqliteDialect } from './sqlite-fifo-dialect.js';

describe('FifoMutex', () => {
  it('hands the lock to waiters in the order they came, one at a time', async () => {
    const mutex = new FifoMutex();
    const order: number[] = [];
    await mutex.lock();
    const waiters = [1, 2, 3].map((n) =>
      mutex.lock().then(() => {
        order.push(n);
      }),
    );
    assert.equal(mutex.waiting, 3);
    mutex.unlock();
    await waiters[0];
    assert.deepEqual(order, [1]);
    mutex.unlock();
    mutex.unlock();
    await Promise.all(waiters);
    assert.deepEqual(order, [1, 2, 3]);
    mutex.unlock();
    await mutex.lock(); // free again: taken at once
    assert.equal(mutex.waiting, 0);
  });
});

describe('FifoSqliteDialect', () => {
  it('runs a burst of queries and transactions, keeping each transaction to itself', async () => {
    const db = new Kysely<Database>({
      dialect: new FifoSqliteDialect({ database: new BetterSqlite3(':memory:') }),
    });
    await sql`create table t (k integer primary key)`.execute(db);
    const writes = Array.from({ length: 200 }, (_, k) =>
      db.transaction().execute(async (trx) => {
        await sql`insert into t values (${k})`.execute(trx);
        const { rows } = await sql<{ n: number }>`select count(*) as n from t where k = ${k}`.execute(trx);
        assert.equal(rows[0]?.n, 1);
      }),
    );
    const reads = Array.from({ length: 200 }, () => sql`select count(*) from t`.execute(db));
    await Promise.all([...writes, ...reads]);
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
    assert.equal(rows[0]?.n, 200);
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await sql`insert into t values (1000)`.execute(trx);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    const after = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
    assert.equal(after.rows[0]?.n, 200);
    await db.destroy();
  });
});
