/**
 * ArchiveStore (core/ports.ts; XEP-0313, https://xmpp.org/extensions/xep-0313.html) on SQL.
 * Pages are keyset queries on (at, id) over the (user_id, at, id) index; full-text is a LIKE on
 * the lower-cased body (`body_folded`), with LIKE's wildcards escaped, on SQLite and PostgreSQL.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import {
  type ArchiveCursor,
  type ArchivedMessageRecord,
  type ArchiveFilter,
  type ArchiveStore,
  asUserId,
  type UserId,
} from '../../../core/ports.js';
import { checkArchiveLimit } from '../archive-limits.js';
import { PrecompiledQuery, precompiledOnce } from './sql-precompiled.js';
import type { SqlRunner } from './sql-runner.js';
import type { ArchiveMessagesTable, Database } from './sql-schema.js';
import { SqlWriteBatch } from './sql-write-batch.js';

function toRow(record: ArchivedMessageRecord): ArchiveMessagesTable {
  return {
    id: record.id,
    user_id: record.userId,
    peer: record.peer,
    direction: record.direction,
    at: record.at,
    origin_id: record.originId,
    body: record.body,
    body_folded: record.body === null ? null : record.body.toLowerCase(),
    payload_format: record.payload.format,
    payload_content: record.payload.content,
  };
}

function fromRow(row: ArchiveMessagesTable): ArchivedMessageRecord {
  return {
    id: row.id,
    userId: asUserId(row.user_id),
    peer: row.peer,
    direction: row.direction === 'out' ? 'out' : 'in',
    at: Number(row.at),
    originId: row.origin_id,
    body: row.body,
    payload: { format: row.payload_format, content: row.payload_content },
  };
}

const ARCHIVE_COLUMNS = [
  'id',
  'user_id',
  'peer',
  'direction',
  'at',
  'origin_id',
  'body',
  'body_folded',
  'payload_format',
  'payload_content',
] as const satisfies readonly (keyof ArchiveMessagesTable)[];

/** Every 1:1 message with a body is archived twice (both sides): compiled once (sql-precompiled.ts). */
function archiveQueries(runner: SqlRunner) {
  return {
    insert: new PrecompiledQuery<ArchiveMessagesTable, never>(runner.db, ARCHIVE_COLUMNS, (db, p) =>
      db.insertInto('archive_messages').values(p),
    ),
  };
}

const likePattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

type Eb = ExpressionBuilder<Database, 'archive_messages'>;

function where(eb: Eb, userId: UserId, filter: ArchiveFilter): Expression<SqlBool>[] {
  const parts: Expression<SqlBool>[] = [eb('user_id', '=', userId)];
  if (filter.peer !== undefined) parts.push(eb('peer', '=', filter.peer));
  if (filter.start !== undefined) parts.push(eb('at', '>=', filter.start));
  if (filter.end !== undefined) parts.push(eb('at', '<=', filter.end));
  if (filter.text !== undefined)
    parts.push(sql<boolean>`body_folded like ${likePattern(filter.text)} escape '\\'`);
  return parts;
}

const beyond = (eb: Eb, cursor: ArchiveCursor, op: '>' | '<') =>
  eb.or([eb('at', op, cursor.at), eb.and([eb('at', '=', cursor.at), eb('id', op, cursor.id)])]);

/**
 * ADR 0012: nobody waits for an archive append (ArchiveService.track), so a group waits this long
 * for others — groups of ~20 messages at 1,000 messages/s instead of ~5.
 */
export const ARCHIVE_GROUP_DELAY_MS = 10;

export class SqlArchiveStore implements ArchiveStore {
  /** Messages archived together (both sides of a chat message, busy moments) commit together. */
  readonly #writes: SqlWriteBatch;
  readonly #queries: ReturnType<typeof archiveQueries>;

  constructor(private readonly runner: SqlRunner) {
    this.#writes = new SqlWriteBatch(runner, { maxDelayMs: ARCHIVE_GROUP_DELAY_MS });
    this.#queries = precompiledOnce(runner.db, 'archive', () => archiveQueries(runner));
  }

  async append(record: ArchivedMessageRecord): Promise<void> {
    const row = toRow(record);
    const insert = this.#queries.insert;
    await this.#writes.write(
      async (db) => {
        await insert.run(db, row);
      },
      (sqlite) => sqlite.run(insert.sql, insert.parameters(row)),
    );
  }

  /** Commits the appends still waiting for their group (SqlStore.close). */
  flush(): Promise<void> {
    return this.#writes.flush();
  }

  async get(userId: UserId, id: string): Promise<ArchivedMessageRecord | undefined> {
    const row = await this.runner.read((db) =>
      db
        .selectFrom('archive_messages')
        .selectAll()
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    return row ? fromRow(row) : undefined;
  }

  async list(
    userId: UserId,
    filter: ArchiveFilter,
    page: { after?: ArchiveCursor; before?: ArchiveCursor; order: 'asc' | 'desc'; limit: number },
  ): Promise<ArchivedMessageRecord[]> {
    checkArchiveLimit(page.limit);
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('archive_messages')
        .selectAll()
        .where((eb) => {
          const parts = where(eb, userId, filter);
          if (page.after) parts.push(beyond(eb, page.after, '>'));
          if (page.before) parts.push(beyond(eb, page.before, '<'));
          return eb.and(parts);
        })
        .orderBy('at', page.order)
        .orderBy('id', page.order)
        .limit(page.limit)
        .execute(),
    );
    return rows.map(fromRow);
  }

  async count(userId: UserId, filter: ArchiveFilter): Promise<number> {
    const { total } = await this.runner.read((db) =>
      db
        .selectFrom('archive_messages')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .where((eb) => eb.and(where(eb, userId, filter)))
        .executeTakeFirstOrThrow(),
    );
    return Number(total);
  }

  async conversations(userId: UserId, limit: number): Promise<ArchivedMessageRecord[]> {
    checkArchiveLimit(limit);
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('archive_messages as m')
        .selectAll('m')
        .where('m.user_id', '=', userId)
        // The newest (at, id) of each peer.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('archive_messages as n')
                .select('n.id')
                .whereRef('n.user_id', '=', 'm.user_id')
                .whereRef('n.peer', '=', 'm.peer')
                .where((eb) =>
                  eb.or([
                    eb('n.at', '>', eb.ref('m.at')),
                    eb.and([eb('n.at', '=', eb.ref('m.at')), eb('n.id', '>', eb.ref('m.id'))]),
                  ]),
                ),
            ),
          ),
        )
        .orderBy('m.at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map(fromRow);
  }

  async prune(before: number): Promise<number> {
    const result = await this.runner.write((db) =>
      db.deleteFrom('archive_messages').where('at', '<', before).executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}
