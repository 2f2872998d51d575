import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteStatementCache } from './sqlite-statement-cache.js';

function counting() {
  const db = new BetterSqlite3(':memory:');
  let prepared = 0;
  const source = {
    prepare: (sql: string) => {
      prepared++;
      return db.prepare(sql);
    },
    close: () => db.close(),
  };
  return { db, source, prepared: () => prepared };
}

describe('SqliteStatementCache', () => {
  it('prepares each SQL text once and reuses the statement with new parameters', () => {
    const { source, prepared } = counting();
    const cache = new SqliteStatementCache(source, 10);
    cache.prepare('create table t (k integer primary key, v text)').run([]);
    const insert = 'insert into t (k, v) values (?, ?)';
    cache.prepare(insert).run([1, 'one']);
    cache.prepare(insert).run([2, 'two']);
    const select = 'select v from t where k = ?';
    assert.deepEqual(cache.prepare(select).all([2]), [{ v: 'two' }]);
    assert.deepEqual(cache.prepare(select).all([1]), [{ v: 'one' }]);
    assert.equal(prepared(), 3);
    assert.equal(cache.prepare(select).reader, true);
    assert.equal(cache.prepare(insert).reader, false);
    cache.close();
  });

  it('holds at most its limit, dropping the least recently used', () => {
    const { source, prepared } = counting();
    const cache = new SqliteStatementCache(source, 2);
    cache.prepare('select 1').all([]);
    cache.prepare('select 2').all([]);
    cache.prepare('select 1').all([]); // a hit: "select 2" is now the oldest
    cache.prepare('select 3').all([]);
    assert.equal(cache.size, 2);
    assert.equal(prepared(), 3);
    cache.prepare('select 1').all([]);
    assert.equal(prepared(), 3, '"select 1" stayed');
    cache.prepare('select 2').all([]);
    assert.equal(prepared(), 4, '"select 2" was dropped');
    cache.close();
  });

  it('gives each iteration its own statement, so a cached one is never left busy', () => {
    const { source } = counting();
    const cache = new SqliteStatementCache(source);
    cache.prepare('create table t (k integer)').run([]);
    for (const k of [1, 2, 3]) cache.prepare('insert into t values (?)').run([k]);
    const sql = 'select k from t order by k';
    const seen: unknown[] = [];
    for (const row of cache.prepare(sql).iterate([])) {
      seen.push(row);
      assert.equal(cache.prepare(sql).all([]).length, 3);
    }
    assert.equal(seen.length, 3);
    cache.close();
  });

  it('sees rows written after a statement was cached, and survives a schema change', () => {
    const { source } = counting();
    const cache = new SqliteStatementCache(source);
    cache.prepare('create table t (k integer)').run([]);
    const count = 'select count(*) as n from t';
    assert.deepEqual(cache.prepare(count).all([]), [{ n: 0 }]);
    cache.prepare('insert into t values (?)').run([7]);
    cache.prepare('alter table t add column v text').run([]);
    assert.deepEqual(cache.prepare(count).all([]), [{ n: 1 }]);
    assert.throws(() => new SqliteStatementCache(source, 0), RangeError);
    cache.close();
  });
});
