/**
 * ComplianceSink (core/ports.ts, SPEC M7) in an external PostgreSQL database, in its own
 * versioned schema `herald_compliance` (docs/compliance.md): `schema_version` lists the applied
 * versions, `messages` one row per message. The adapter creates and migrates the schema the first
 * time it writes (and again after a failure), so that a database that is down at start does not
 * stop the server: the policy decides what happens to messages meanwhile.
 */
import pg from 'pg';
import type { ComplianceRecord, ComplianceSink, ComplianceSinkHealth } from '../../core/ports.js';

export const COMPLIANCE_SCHEMA = 'herald_compliance';

/** Each version once, in order, in one transaction under an advisory lock (several nodes may start). */
const MIGRATIONS: readonly { readonly version: number; readonly statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `create table if not exists ${COMPLIANCE_SCHEMA}.messages (
        id text primary key,
        at timestamptz not null,
        protocol text not null check (protocol in ('xmpp', 'sip', 'web')),
        sender text not null,
        recipients text[] not null,
        room text,
        body text,
        original text not null,
        recorded_at timestamptz not null default now()
      )`,
      `create index if not exists messages_at_idx on ${COMPLIANCE_SCHEMA}.messages (at)`,
      `create index if not exists messages_sender_idx on ${COMPLIANCE_SCHEMA}.messages (sender, at)`,
    ],
  },
];

export const COMPLIANCE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export interface PostgresComplianceSinkOptions {
  readonly url: string;
  /** Connecting and each statement; default 5000 ms. */
  readonly timeoutMs?: number;
  readonly poolSize?: number;
}

/** A connection error without the URL (it may hold the password). */
function sanitized(error: unknown): Error {
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return new Error(
    `compliance database: ${text.replace(/postgres(ql)?:\/\/\S+/g, 'postgres://***')}${typeof code === 'string' ? ` (${code})` : ''}`,
  );
}

export class PostgresComplianceSink implements ComplianceSink {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  #ready: Promise<void> | null = null;

  constructor(options: PostgresComplianceSinkOptions) {
    const timeoutMs = options.timeoutMs ?? 5000;
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs,
    });
    // An idle client losing its connection must not crash the server.
    this.#pool.on('error', () => undefined);
  }

  /** Creates or migrates the schema now (the server calls it at start; failures are retried later). */
  start(): Promise<void> {
    this.#ready ??= this.#migrate().catch((error: unknown) => {
      this.#ready = null;
      throw sanitized(error);
    });
    return this.#ready;
  }

  async #migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [COMPLIANCE_SCHEMA]);
      await client.query(`create schema if not exists ${COMPLIANCE_SCHEMA}`);
      await client.query(`create table if not exists ${COMPLIANCE_SCHEMA}.schema_version (
        version integer primary key,
        applied_at timestamptz not null default now()
      )`);
      const { rows } = await client.query<{ version: number | null }>(
        `select max(version) as version from ${COMPLIANCE_SCHEMA}.schema_version`,
      );
      const current = rows[0]?.version ?? 0;
      if (current > COMPLIANCE_SCHEMA_VERSION)
        throw new Error(`schema ${COMPLIANCE_SCHEMA} is at version ${current}, newer than this Herald`);
      for (const migration of MIGRATIONS) {
        if (migration.version <= current) continue;
        for (const statement of migration.statements) await client.query(statement);
        await client.query(`insert into ${COMPLIANCE_SCHEMA}.schema_version (version) values ($1)`, [
          migration.version,
        ]);
      }
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async record(entry: ComplianceRecord): Promise<void> {
    await this.start();
    try {
      // The same id twice (a retry after a lost answer) is kept once.
      await this.#pool.query(
        `insert into ${COMPLIANCE_SCHEMA}.messages (id, at, protocol, sender, recipients, room, body, original)
         values ($1, to_timestamp($2::double precision / 1000), $3, $4, $5, $6, $7, $8)
         on conflict (id) do nothing`,
        [
          entry.id,
          entry.at,
          entry.protocol,
          entry.sender,
          [...entry.recipients],
          entry.room,
          entry.body,
          entry.original,
        ],
      );
    } catch (error) {
      throw sanitized(error);
    }
  }

  async health(): Promise<ComplianceSinkHealth> {
    try {
      await this.start();
      await this.#pool.query('select 1');
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: sanitized(error).message };
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
