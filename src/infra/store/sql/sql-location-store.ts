/**
 * LocationStore (core/ports.ts; RFC 3261 §10.3 bindings, https://www.rfc-editor.org/rfc/rfc3261#section-10.3)
 * on SQL. A user's bindings are replaced in one write (delete, then insert), so readers see the
 * old set or the new one; expired rows are filtered on read and removed by purgeExpired. Writes
 * that arrive together share a transaction (sql-write-batch.ts), each still atomic on its own.
 */
import { asUserId, type LocationStore, type SipBindingRecord, type UserId } from '../../../core/ports.js';
import { notFound } from '../../../kernel/errors.js';
import { checkBindingLimit, checkBindings } from '../location-rules.js';
import { PrecompiledQuery, precompiledOnce } from './sql-precompiled.js';
import type { SqlRunner } from './sql-runner.js';
import type { SipBindingsTable } from './sql-schema.js';
import { SqlWriteBatch } from './sql-write-batch.js';

function bindingToRow(binding: SipBindingRecord): SipBindingsTable {
  return {
    user_id: binding.userId,
    contact: binding.contact,
    flow_id: binding.flowId,
    transport: binding.transport,
    call_id: binding.callId,
    cseq: binding.cseq,
    expires_at: binding.expiresAt,
    q_milli: binding.q === null ? null : Math.round(binding.q * 1000),
    instance_id: binding.instanceId,
    reg_id: binding.regId,
    user_agent: binding.userAgent,
    updated_at: binding.updatedAt,
  };
}

function bindingFromRow(row: SipBindingsTable): SipBindingRecord {
  return {
    userId: asUserId(row.user_id),
    contact: row.contact,
    flowId: row.flow_id,
    transport: row.transport,
    callId: row.call_id,
    cseq: Number(row.cseq),
    expiresAt: Number(row.expires_at),
    q: row.q_milli === null ? null : Number(row.q_milli) / 1000,
    instanceId: row.instance_id,
    regId: row.reg_id === null ? null : Number(row.reg_id),
    userAgent: row.user_agent,
    updatedAt: Number(row.updated_at),
  };
}

const BINDING_COLUMNS = [
  'user_id',
  'contact',
  'flow_id',
  'transport',
  'call_id',
  'cseq',
  'expires_at',
  'q_milli',
  'instance_id',
  'reg_id',
  'user_agent',
  'updated_at',
] as const satisfies readonly (keyof SipBindingsTable)[];

/** Every REGISTER, INVITE and MESSAGE runs these: compiled once (sql-precompiled.ts). */
function locationQueries(runner: SqlRunner) {
  return {
    live: new PrecompiledQuery<{ userId: string; now: number }, SipBindingsTable>(
      runner.db,
      ['userId', 'now'],
      (db, p) =>
        db
          .selectFrom('sip_bindings')
          .selectAll()
          .where('user_id', '=', p.userId)
          .where('expires_at', '>', p.now)
          .orderBy('contact'),
    ),
    user: new PrecompiledQuery<{ userId: string }, { id: string }>(runner.db, ['userId'], (db, p) =>
      db.selectFrom('users').select('id').where('id', '=', p.userId),
    ),
    clear: new PrecompiledQuery<{ userId: string }, never>(runner.db, ['userId'], (db, p) =>
      db.deleteFrom('sip_bindings').where('user_id', '=', p.userId),
    ),
    insert: new PrecompiledQuery<SipBindingsTable, never>(runner.db, BINDING_COLUMNS, (db, p) =>
      db.insertInto('sip_bindings').values(p),
    ),
  };
}

export class SqlLocationStore implements LocationStore {
  readonly #queries: ReturnType<typeof locationQueries>;
  /** REGISTERs arriving together commit together (group commit). */
  readonly #writes: SqlWriteBatch;

  constructor(private readonly runner: SqlRunner) {
    this.#writes = new SqlWriteBatch(runner);
    this.#queries = precompiledOnce(runner.db, 'location', () => locationQueries(runner));
  }

  /** Commits the writes still waiting for their group (SqlStore.close). */
  flush(): Promise<void> {
    return this.#writes.flush();
  }

  async bindingsOf(userId: UserId, now: number): Promise<SipBindingRecord[]> {
    const rows = await this.runner.read((db) => this.#queries.live.rows(db, { userId, now }));
    return rows.map(bindingFromRow);
  }

  async replaceBindings(userId: UserId, bindings: readonly SipBindingRecord[]): Promise<void> {
    checkBindings(userId, bindings);
    const queries = this.#queries;
    await this.#writes.write(async (db) => {
      const [user] = await queries.user.rows(db, { userId });
      if (!user) throw notFound(`no user ${userId}`, 'userId');
      await queries.clear.run(db, { userId });
      for (const binding of bindings) await queries.insert.run(db, bindingToRow(binding));
    });
  }

  async liveBindings(now: number, limit: number): Promise<SipBindingRecord[]> {
    checkBindingLimit(limit);
    if (limit === 0) return [];
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('sip_bindings')
        .selectAll()
        .where('expires_at', '>', now)
        .orderBy('user_id')
        .orderBy('contact')
        .limit(limit)
        .execute(),
    );
    return rows.map(bindingFromRow);
  }

  async purgeExpired(now: number): Promise<number> {
    return this.runner.write(async (db) => {
      const result = await db.deleteFrom('sip_bindings').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}
