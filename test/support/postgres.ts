/**
 * Throw-away PostgreSQL databases for the store suites (STYLE: "PostgreSQL and Redis when
 * reachable, always under CI"). The server is HERALD_TEST_POSTGRES_URL; each database is
 * herald_test_<random>, dropped by the caller.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_TEST_URL =
  process.env.HERALD_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface PostgresTestDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database, ending its connections (idempotent). */
  drop(): Promise<void>;
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

async function withServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`PostgreSQL is unreachable at ${redacted(POSTGRES_TEST_URL)}: ${reason}`, {
      cause: error,
    });
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database. It asks for a linguistic (ICU en-US) default collation where the
 * server has ICU (PostgreSQL 15+), so that the suites prove the store orders by code point
 * whatever the database default; older servers get the plain default.
 */
export async function postgresTestDatabase(): Promise<PostgresTestDatabase> {
  const name = `herald_test_${randomBytes(6).toString('hex')}`;
  await withServer(async (client) => {
    try {
      await client.query(`create database ${name} template template0 locale_provider icu icu_locale 'en-US'`);
    } catch {
      await client.query(`create database ${name}`);
    }
  });
  const url = new URL(POSTGRES_TEST_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withServer(async (client) => void (await client.query(`drop database if exists ${name} with (force)`))),
  };
}

/**
 * Why to skip the PostgreSQL suites, or undefined to run them. Under CI (CI=true) they always
 * run, so an unreachable server fails the build instead of silently skipping.
 */
export async function postgresSkipReason(): Promise<string | undefined> {
  if (process.env.CI === 'true') return undefined;
  try {
    await withServer((client) => client.query('select 1'));
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `${reason} (set HERALD_TEST_POSTGRES_URL; under CI=true this fails instead)`;
  }
}
