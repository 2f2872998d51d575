/**
 * Driver errors of better-sqlite3 (SQLite result codes, https://sqlite.org/rescode.html) and
 * node-postgres (PostgreSQL SQLSTATE, https://www.postgresql.org/docs/current/errcodes-appendix.html)
 * turned into the coded errors core/ports.ts documents. Anything else is a bug and passes through.
 */
import { HeraldError } from '../../../kernel/errors.js';

/** `table(columns)` of a unique key or a foreign key → the record field the port names. */
const FIELDS: Readonly<Record<string, string>> = {
  'users(id)': 'id',
  'users(username)': 'username',
  'user_credentials(user_id)': 'id',
  'partitions(name)': 'name',
  'calling_search_spaces(name)': 'name',
  'css_partitions(css_name)': 'name',
  'css_partitions(partition_name)': 'partitions',
  'css_partitions(css_name,position)': 'partitions',
  'lines(id)': 'id',
  'lines(number,partition_name)': 'number',
  'lines(partition_name)': 'partition',
  'devices(id)': 'id',
  'devices(name)': 'name',
  'devices(mac)': 'mac',
  'devices(css_name)': 'callingSearchSpace',
  'device_lines(device_id)': 'id',
  'device_lines(line_id)': 'lineIds',
  'device_lines(device_id,position)': 'lineIds',
  'user_devices(user_id)': 'userId',
  'user_devices(device_id)': 'deviceId',
  'canned_messages(id)': 'id',
  'roster_items(user_id)': 'userId',
  'roster_items(user_id,contact)': 'contact',
  'roster_versions(user_id)': 'userId',
  'block_list(user_id)': 'userId',
  'block_list(user_id,address)': 'address',
  'offline_messages(id)': 'id',
  'offline_messages(user_id)': 'userId',
  'pep_nodes(user_id)': 'userId',
  'pep_nodes(user_id,node)': 'node',
  'pep_items(user_id,node)': 'node',
  'pep_items(user_id,node,item_id)': 'id',
};

const UNAVAILABLE_SQLITE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|NOTADB|CORRUPT)/;
/** Class 08 connection exception, 3D000 no such database, 53 insufficient resources, 57P0x shutdown. */
const UNAVAILABLE_POSTGRES = /^(08|3D000|53|57P0[1-3])/;
const UNAVAILABLE_NODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const UNAVAILABLE_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|not queryable|database connection is not open/i;

interface DriverError {
  readonly code: string;
  readonly message: string;
  readonly table?: string;
  readonly detail?: string;
}

function asDriverError(error: unknown): DriverError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, table, detail } = error as Error & Record<string, unknown>;
  return {
    code: typeof code === 'string' ? code : '',
    message: error.message,
    ...(typeof table === 'string' && { table }),
    ...(typeof detail === 'string' && { detail }),
  };
}

/** The constrained table and columns: SQLite names them in the message, PostgreSQL in `detail`. */
export function constrainedKey(error: DriverError): string | undefined {
  const sqlite = /constraint failed: (.+)$/.exec(error.message)?.[1];
  if (sqlite) {
    const columns = sqlite.split(',').map((part) => part.trim().split('.'));
    const table = columns[0]?.[0];
    return table && `${table}(${columns.map((c) => c[1]).join(',')})`;
  }
  const postgres = /^Key \((.+?)\)=/.exec(error.detail ?? '')?.[1];
  return postgres && error.table && `${error.table}(${postgres.replace(/\s+/g, '')})`;
}

function fieldOf(error: DriverError): string | undefined {
  const key = constrainedKey(error);
  return key === undefined ? undefined : (FIELDS[key] ?? key);
}

function isUnique(error: DriverError): boolean {
  return ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505'].includes(error.code);
}

function isForeignKey(error: DriverError): boolean {
  // SQLite enforces ON DELETE RESTRICT with a trigger: SQLITE_CONSTRAINT_TRIGGER, same message.
  const isRestrict = error.code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/.test(error.message);
  return isRestrict || error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || error.code === '23503';
}

export function isUnavailable(error: DriverError): boolean {
  return (
    UNAVAILABLE_SQLITE.test(error.code) ||
    (/^[0-9A-Z]{5}$/.test(error.code) && UNAVAILABLE_POSTGRES.test(error.code)) ||
    UNAVAILABLE_NODE.has(error.code) ||
    UNAVAILABLE_MESSAGE.test(error.message)
  );
}

export interface ForeignKeyContext {
  /**
   * The error for a foreign-key violation: a write naming a missing reference is
   * HERALD_ERR_NOT_FOUND (the default), a delete of a referenced row HERALD_ERR_CONFLICT.
   */
  readonly onForeignKey?: (field: string | undefined) => HeraldError;
}

/** Maps a driver error to a coded error; returns anything it does not recognise unchanged. */
export function toStoreError(error: unknown, context: ForeignKeyContext = {}): unknown {
  if (error instanceof HeraldError) return error;
  const driver = asDriverError(error);
  if (!driver) return error;
  const field = fieldOf(driver);
  const options = { cause: error };
  if (isUnique(driver)) {
    return new HeraldError('HERALD_ERR_CONFLICT', `${field ?? 'a unique key'} is taken`, field, options);
  }
  if (isForeignKey(driver)) {
    if (context.onForeignKey) return context.onForeignKey(field);
    return new HeraldError(
      'HERALD_ERR_NOT_FOUND',
      `${field ?? 'a reference'} does not exist`,
      field,
      options,
    );
  }
  if (isUnavailable(driver)) {
    return new HeraldError(
      'HERALD_ERR_UNAVAILABLE',
      `the database is unavailable: ${driver.message}`,
      undefined,
      options,
    );
  }
  return error;
}
