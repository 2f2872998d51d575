/**
 * Queries built and compiled by Kysely once, then run many times with new parameters: for the
 * store's hottest statements (a SIP REGISTER, MESSAGE or SUBSCRIBE reads and writes a few rows
 * each). Building and compiling a Kysely query and running it through the builder's execute path
 * cost ~30–60 µs a query where SQLite itself takes ~5 µs (docs/performance.md, "SIP").
 *
 * The query is built with stand-ins for its parameters; compiling it gives the SQL text and the
 * parameter list, in which the stand-ins are found again by identity, so each run only fills
 * those positions. The SQL depends on the dialect only, so one compiled query serves the store's
 * Kysely instance and any of its transactions.
 */
import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './sql-schema.js';

/** A stand-in for parameter `name`: a string no real value is, so found again by identity. */
type StandIns<P> = { readonly [K in keyof P]: P[K] };

export class PrecompiledQuery<P extends object, R> {
  readonly #sql: string;
  readonly #query: CompiledQuery<R>['query'];
  /** Per compiled parameter: the name of ours it is, or the constant Kysely put there. */
  readonly #slots: readonly ({ readonly name: keyof P } | { readonly constant: unknown })[];

  constructor(
    db: Kysely<Database>,
    names: readonly (keyof P & string)[],
    build: (db: Kysely<Database>, params: StandIns<P>) => Compilable<R>,
  ) {
    const standIns = new Map<unknown, keyof P>();
    const params: Record<string, unknown> = {};
    for (const name of names) {
      const standIn = `\u0000herald-parameter:${name}\u0000`;
      standIns.set(standIn, name);
      params[name] = standIn;
    }
    const compiled = build(db, params as StandIns<P>).compile();
    this.#sql = compiled.sql;
    this.#query = compiled.query;
    this.#slots = compiled.parameters.map((value) => {
      const name = standIns.get(value);
      return name === undefined ? { constant: value } : { name };
    });
    const used = new Set(this.#slots.flatMap((slot) => ('name' in slot ? [slot.name] : [])));
    const unused = names.filter((name) => !used.has(name));
    if (unused.length > 0) throw new Error(`precompiled query without parameter(s) ${unused.join(', ')}`);
  }

  /** Runs the query on `db` (the store's Kysely or a transaction of it) with `params`. */
  run(db: Kysely<Database>, params: P): Promise<QueryResult<R>> {
    const parameters = this.parameters(params);
    // The operation tree it was compiled from goes along, as with a query Kysely compiled itself.
    const compiled: CompiledQuery<R> = { ...CompiledQuery.raw(this.#sql, parameters), query: this.#query };
    return db.executeQuery(compiled);
  }

  /** The positional parameters of a run with `params`, in the order of `sql`. */
  parameters(params: P): unknown[] {
    return this.#slots.map((slot) => ('name' in slot ? params[slot.name] : slot.constant));
  }

  /** The rows of a run. */
  async rows(db: Kysely<Database>, params: P): Promise<R[]> {
    return (await this.run(db, params)).rows;
  }

  /** The SQL text. */
  get sql(): string {
    return this.#sql;
  }
}

/** Per dialect (Kysely's adapter, the same object in the store's Kysely and its transactions). */
const compiledPerDialect = new WeakMap<object, Map<string, unknown>>();

/**
 * The queries `make` compiles, once per dialect and `name`: a store made for each transaction
 * (SqlStore.transaction) finds them compiled already.
 */
export function precompiledOnce<T>(db: Kysely<Database>, name: string, make: (db: Kysely<Database>) => T): T {
  const adapter = db.getExecutor().adapter;
  let byName = compiledPerDialect.get(adapter);
  if (!byName) {
    byName = new Map();
    compiledPerDialect.set(adapter, byName);
  }
  if (!byName.has(name)) byName.set(name, make(db));
  return byName.get(name) as T;
}
