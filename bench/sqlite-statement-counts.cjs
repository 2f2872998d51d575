/**
 * Counts and times the SQLite statements a Herald server runs, for a benchmark run:
 *   HERALD_BENCH_NODE_ARGS="--require $PWD/bench/sqlite-statement-counts.cjs" \
 *   SQLITE_COUNTS_OUT=/tmp/counts.txt npm run bench -- sip message --runs 1 --targets herald
 * Preloaded into the server (CommonJS, so --require works under Herald's ESM), it wraps
 * better-sqlite3's prepare, run, all, get and pragma; when the server exits (the bench stops it
 * with SIGTERM) it writes one line per statement: how many times it ran, the total time in it,
 * and the first 90 characters of its SQL. Used for ADR 0012's figures.
 */
const { createRequire } = require('node:module');
const { writeFileSync } = require('node:fs');

const Database = createRequire(__filename)('better-sqlite3');
const counts = new Map();

function timed(key, work) {
  const start = process.hrtime.bigint();
  try {
    return work();
  } finally {
    const entry = counts.get(key) ?? { calls: 0, ns: 0n };
    entry.calls++;
    entry.ns += process.hrtime.bigint() - start;
    counts.set(key, entry);
  }
}

let isPatched = false;
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql) {
  const statement = prepare.call(this, sql);
  if (!isPatched) {
    isPatched = true;
    const proto = Object.getPrototypeOf(statement);
    for (const name of ['run', 'all', 'get']) {
      const original = proto[name];
      proto[name] = function (...args) {
        return timed(`${name} ${this.source.slice(0, 90)}`, () => original.apply(this, args));
      };
    }
  }
  return statement;
};
const pragma = Database.prototype.pragma;
Database.prototype.pragma = function (source, options) {
  return timed(`pragma ${source}`, () => pragma.call(this, source, options));
};

let isWritten = false;
function write() {
  if (isWritten) return;
  isWritten = true;
  const lines = [...counts]
    .sort((a, b) => b[1].calls - a[1].calls)
    .map(
      ([key, { calls, ns }]) =>
        `${String(calls).padStart(9)} ${(Number(ns) / 1e6).toFixed(0).padStart(8)} ms  ${key}`,
    );
  writeFileSync(process.env.SQLITE_COUNTS_OUT ?? `sqlite-counts-${process.pid}.txt`, `${lines.join('\n')}\n`);
}
process.prependListener('SIGTERM', write);
process.on('exit', write);
