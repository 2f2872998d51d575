import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { startWalCheckpoints, type WalCheckpointOptions } from './sqlite-wal-checkpoints.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-wal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A WAL database with one table; the first checkpoint happens here, so the table is in the file. */
function walDatabase(name: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table t (v text)');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return db;
}

/** The rows the database file itself holds: a copy without its -wal file sees nothing else. */
function rowsInTheFile(name: string): number {
  const copy = join(dir, `${name}.copy`);
  copyFileSync(join(dir, name), copy);
  const db = new BetterSqlite3(copy, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from t').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await sleep(10);
  }
  return check();
}

/** Runs `body` on a fresh WAL database with checkpoints started; stops them and closes it after. */
async function checkpointing(
  name: string,
  options: WalCheckpointOptions,
  body: (db: ReturnType<typeof walDatabase>) => void | Promise<void>,
): Promise<void> {
  const db = walDatabase(name);
  const stop = startWalCheckpoints(db, options);
  try {
    await body(db);
  } finally {
    stop();
    db.close();
  }
}

describe('startWalCheckpoints', () => {
  it('sets wal_autocheckpoint, so that commits alone leave the rows in the log', async () => {
    await checkpointing('bound.db', { intervalMs: 60_000, maxWalPages: 5000 }, async (db) => {
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 5000);
      for (let i = 0; i < 200; i++) db.prepare('insert into t (v) values (?)').run(`row ${i}`);
      assert.equal(rowsInTheFile('bound.db'), 0);
    });
  });

  it('copies what was committed into the database file on its timer', async () => {
    await checkpointing('timer.db', { intervalMs: 20, maxWalPages: 10_000 }, async (db) => {
      db.prepare('insert into t (v) values (?)').run('one');
      assert.ok(await eventually(() => rowsInTheFile('timer.db') === 1), 'the row reached the file');
    });
  });

  it('leaves an open transaction alone and checkpoints after it committed', async () => {
    await checkpointing('open.db', { intervalMs: 10, maxWalPages: 10_000 }, async (db) => {
      db.exec('begin');
      db.prepare('insert into t (v) values (?)').run('pending');
      await sleep(60);
      assert.equal(db.inTransaction, true);
      db.exec('commit');
      assert.ok(await eventually(() => rowsInTheFile('open.db') === 1));
    });
  });

  it('stops: nothing is checkpointed after the stop function ran', async () => {
    const db = walDatabase('stopped.db');
    const stop = startWalCheckpoints(db, { intervalMs: 10, maxWalPages: 10_000 });
    stop();
    db.prepare('insert into t (v) values (?)').run('late');
    await sleep(60);
    assert.equal(rowsInTheFile('stopped.db'), 0);
    db.close();
  });

  it('refuses bounds that are not positive', () => {
    const db = walDatabase('bad.db');
    assert.throws(() => startWalCheckpoints(db, { intervalMs: 0, maxWalPages: 10 }), RangeError);
    assert.throws(() => startWalCheckpoints(db, { intervalMs: 10, maxWalPages: 0 }), RangeError);
    db.close();
  });
});
