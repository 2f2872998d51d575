/**
 * OfflineStore (core/ports.ts; XEP-0160 Best Practices for Handling Offline Messages,
 * https://xmpp.org/extensions/xep-0160.html) on SQL. The quota is counted and the message
 * inserted in one write that first locks the user's row, so concurrent enqueues for one user
 * take turns and cannot pass the quota together.
 */
import { asUserId, type OfflineMessageRecord, type OfflineStore, type UserId } from '../../../core/ports.js';
import { notFound } from '../../../kernel/errors.js';
import { checkPeekLimit, checkQuota } from '../offline-limits.js';
import { chunked } from './sql-chunks.js';
import { PrecompiledQuery, precompiledOnce } from './sql-precompiled.js';
import type { SqlRunner } from './sql-runner.js';
import type { OfflineMessagesTable, SqlKind } from './sql-schema.js';

function messageToRow(message: OfflineMessageRecord): OfflineMessagesTable {
  return {
    id: message.id,
    user_id: message.userId,
    from_address: message.from,
    stored_at: message.storedAt,
    payload_format: message.payload.format,
    payload_content: message.payload.content,
    payload_body: message.payload.body,
  };
}

function messageFromRow(row: OfflineMessagesTable): OfflineMessageRecord {
  return {
    id: row.id,
    userId: asUserId(row.user_id),
    from: row.from_address,
    storedAt: row.stored_at,
    payload: { format: row.payload_format, content: row.payload_content, body: row.payload_body },
  };
}

export class SqlOfflineStore implements OfflineStore {
  /** Every SIP REGISTER peeks (offline delivery): compiled once (sql-precompiled.ts). */
  readonly #peek: PrecompiledQuery<{ userId: string; limit: number }, OfflineMessagesTable>;

  constructor(
    private readonly runner: SqlRunner,
    private readonly kind: SqlKind,
  ) {
    this.#peek = precompiledOnce(
      runner.db,
      'offline.peek',
      (db) =>
        new PrecompiledQuery<{ userId: string; limit: number }, OfflineMessagesTable>(
          db,
          ['userId', 'limit'],
          (db, p) =>
            db
              .selectFrom('offline_messages')
              .selectAll()
              .where('user_id', '=', p.userId)
              .orderBy('stored_at')
              .orderBy('id')
              .limit(p.limit),
        ),
    );
  }

  async enqueue(message: OfflineMessageRecord, quota: number): Promise<'stored' | 'quota-exceeded'> {
    checkQuota(quota);
    return this.runner.write(async (db) => {
      // PostgreSQL (READ COMMITTED) would let two transactions count the same rows; the row lock
      // makes the second wait for the first to commit. SQLite has one writer at a time already.
      const user = await db
        .selectFrom('users')
        .select('id')
        .where('id', '=', message.userId)
        .$if(this.kind === 'postgres', (query) => query.forUpdate())
        .executeTakeFirst();
      if (!user) throw notFound(`no user ${message.userId}`, 'userId');
      const { waiting } = await db
        .selectFrom('offline_messages')
        .select((eb) => eb.fn.countAll<number>().as('waiting'))
        .where('user_id', '=', message.userId)
        .executeTakeFirstOrThrow();
      if (Number(waiting) >= quota) return 'quota-exceeded';
      await db.insertInto('offline_messages').values(messageToRow(message)).execute();
      return 'stored';
    });
  }

  async peek(userId: UserId, limit: number): Promise<OfflineMessageRecord[]> {
    checkPeekLimit(limit);
    const rows = await this.runner.read((db) => this.#peek.rows(db, { userId, limit }));
    return rows.map(messageFromRow);
  }

  async remove(userId: UserId, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.runner.write(async (db) => {
      let removed = 0n;
      for (const slice of chunked([...new Set(ids)])) {
        const result = await db
          .deleteFrom('offline_messages')
          .where('user_id', '=', userId)
          .where('id', 'in', slice)
          .executeTakeFirst();
        removed += result.numDeletedRows;
      }
      return Number(removed);
    });
  }

  async count(userId: UserId): Promise<number> {
    const { waiting } = await this.runner.read((db) =>
      db
        .selectFrom('offline_messages')
        .select((eb) => eb.fn.countAll<number>().as('waiting'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow(),
    );
    return Number(waiting);
  }
}
