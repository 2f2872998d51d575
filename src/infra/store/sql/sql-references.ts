/**
 * Explicit reference checks of the SQL directory store. SQLite's foreign-key error does not say
 * which key failed, and the port's errors must name the field (core/ports.ts, DirectoryStore), so
 * writes check first; the foreign keys stay as the guarantee.
 */
import type { Kysely } from 'kysely';
import { notFound } from '../../../kernel/errors.js';
import type { Database } from './sql-schema.js';

type KeyedTable = 'partitions' | 'calling_search_spaces' | 'lines' | 'users' | 'devices';

const NOUNS: Readonly<Record<KeyedTable, string>> = {
  partitions: 'partition',
  calling_search_spaces: 'calling search space',
  lines: 'line',
  users: 'user',
  devices: 'device',
};

/** The first of `keys` with no row in `table`, in the caller's order. */
async function firstMissing(
  db: Kysely<Database>,
  table: KeyedTable,
  keys: readonly string[],
): Promise<string | undefined> {
  if (keys.length === 0) return undefined;
  const column = table === 'partitions' || table === 'calling_search_spaces' ? 'name' : 'id';
  const found = await db
    .selectFrom(table)
    .select(`${column} as key`)
    .where(column, 'in', [...new Set(keys)])
    .execute();
  const present = new Set(found.map((row) => row.key));
  return keys.find((key) => !present.has(key));
}

/** Fails with HERALD_ERR_NOT_FOUND naming `field` unless every key has a row in `table`. */
export async function requireRows(
  db: Kysely<Database>,
  table: KeyedTable,
  keys: readonly (string | null | undefined)[],
  field: string,
): Promise<void> {
  const present = keys.filter((key): key is string => key !== null && key !== undefined);
  const missing = await firstMissing(db, table, present);
  if (missing !== undefined) throw notFound(`no ${NOUNS[table]} ${missing}`, field);
}
