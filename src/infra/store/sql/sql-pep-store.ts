/**
 * PepStore (core/ports.ts; XEP-0163 Personal Eventing Protocol, https://xmpp.org/extensions/xep-0163.html)
 * on SQL. Each change that must respect a limit (nodes per user, items per node) is one write that
 * first locks the row it counts under, so that concurrent writers on PostgreSQL (READ COMMITTED)
 * take turns; SQLite has one writer at a time already.
 */
import type { Kysely, Selectable } from 'kysely';
import {
  asUserId,
  type PepAccessModel,
  type PepItemRecord,
  type PepNodeRecord,
  type PepSendLastItem,
  type PepStore,
  type UserId,
} from '../../../core/ports.js';
import { HeraldError, notFound } from '../../../kernel/errors.js';
import { checkItemLimit, checkMaxNodes, checkNodeRecord } from '../pep-limits.js';
import { chunked } from './sql-chunks.js';
import type { SqlRunner } from './sql-runner.js';
import type { Database, PepItemsTable, PepNodesTable, SqlKind } from './sql-schema.js';

const ACCESS_MODELS: readonly string[] = [
  'presence',
  'open',
  'roster',
  'whitelist',
] satisfies PepAccessModel[];
const SEND_LAST: readonly string[] = ['never', 'on_sub_and_presence'] satisfies PepSendLastItem[];

function corrupt(what: string): HeraldError {
  return new HeraldError('HERALD_ERR_INTERNAL', `the store holds a PEP node with ${what}`);
}

type NodeRow = Selectable<PepNodesTable>;

function groupsFromColumn(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw corrupt(`roster groups ${text}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((g): g is string => typeof g === 'string'))
    throw corrupt(`roster groups ${text}`);
  return parsed;
}

function nodeFromRow(row: NodeRow): PepNodeRecord {
  if (!ACCESS_MODELS.includes(row.access_model)) throw corrupt(`access model ${row.access_model}`);
  if (!SEND_LAST.includes(row.send_last_item))
    throw corrupt(`send_last_published_item ${row.send_last_item}`);
  return {
    userId: asUserId(row.user_id),
    node: row.node,
    accessModel: row.access_model as PepAccessModel,
    maxItems: row.max_items,
    sendLastItem: row.send_last_item as PepSendLastItem,
    rosterGroupsAllowed: groupsFromColumn(row.roster_groups),
    createdAt: row.created_at,
  };
}

type ItemRow = Omit<PepItemsTable, 'seq'> & { seq: number };

function itemFromRow(row: ItemRow): PepItemRecord {
  return {
    userId: asUserId(row.user_id),
    node: row.node,
    id: row.item_id,
    payload: row.payload,
    publisher: row.publisher,
    publishedAt: row.published_at,
  };
}

/** Drops the node's items beyond the newest `maxItems`; returns their ids. */
async function trim(db: Kysely<Database>, userId: string, node: string, maxItems: number): Promise<string[]> {
  // All of them, newest first: a node holds at most its maxItems plus the one just added.
  const rows = await db
    .selectFrom('pep_items')
    .select(['seq', 'item_id'])
    .where('user_id', '=', userId)
    .where('node', '=', node)
    .orderBy('seq', 'desc')
    .execute();
  const beyond = rows.slice(maxItems);
  for (const slice of chunked(beyond.map((row) => row.seq)))
    await db.deleteFrom('pep_items').where('seq', 'in', slice).execute();
  return beyond.map((row) => row.item_id);
}

export class SqlPepStore implements PepStore {
  constructor(
    private readonly runner: SqlRunner,
    private readonly kind: SqlKind,
  ) {}

  async listNodes(userId: UserId): Promise<PepNodeRecord[]> {
    const rows = await this.runner.read((db) =>
      db.selectFrom('pep_nodes').selectAll().where('user_id', '=', userId).orderBy('node').execute(),
    );
    return rows.map(nodeFromRow);
  }

  async getNode(userId: UserId, node: string): Promise<PepNodeRecord | undefined> {
    const row = await this.runner.read((db) =>
      db
        .selectFrom('pep_nodes')
        .selectAll()
        .where('user_id', '=', userId)
        .where('node', '=', node)
        .executeTakeFirst(),
    );
    return row && nodeFromRow(row);
  }

  async createNode(node: PepNodeRecord, maxNodes: number): Promise<'created' | 'exists' | 'limit-reached'> {
    checkMaxNodes(maxNodes);
    checkNodeRecord(node);
    return this.runner.write(async (db) => {
      const user = await db
        .selectFrom('users')
        .select('id')
        .where('id', '=', node.userId)
        .$if(this.kind === 'postgres', (query) => query.forUpdate())
        .executeTakeFirst();
      if (!user) throw notFound(`no user ${node.userId}`, 'userId');
      const nodes = await db
        .selectFrom('pep_nodes')
        .select('node')
        .where('user_id', '=', node.userId)
        .execute();
      if (nodes.some((row) => row.node === node.node)) return 'exists';
      if (nodes.length >= maxNodes) return 'limit-reached';
      await db
        .insertInto('pep_nodes')
        .values({
          user_id: node.userId,
          node: node.node,
          access_model: node.accessModel,
          max_items: node.maxItems,
          send_last_item: node.sendLastItem,
          roster_groups: JSON.stringify(node.rosterGroupsAllowed),
          created_at: node.createdAt,
        })
        .execute();
      return 'created';
    });
  }

  async updateNode(node: PepNodeRecord): Promise<boolean> {
    checkNodeRecord(node);
    return this.runner.write(async (db) => {
      const result = await db
        .updateTable('pep_nodes')
        .set({
          access_model: node.accessModel,
          max_items: node.maxItems,
          send_last_item: node.sendLastItem,
          roster_groups: JSON.stringify(node.rosterGroupsAllowed),
        })
        .where('user_id', '=', node.userId)
        .where('node', '=', node.node)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await trim(db, node.userId, node.node, node.maxItems);
      return true;
    });
  }

  async deleteNode(userId: UserId, node: string): Promise<boolean> {
    return this.runner.remove((db) =>
      db.deleteFrom('pep_nodes').where('user_id', '=', userId).where('node', '=', node).executeTakeFirst(),
    );
  }

  async putItem(item: PepItemRecord): Promise<string[]> {
    return this.runner.write(async (db) => {
      const node = await db
        .selectFrom('pep_nodes')
        .select('max_items')
        .where('user_id', '=', item.userId)
        .where('node', '=', item.node)
        .$if(this.kind === 'postgres', (query) => query.forUpdate())
        .executeTakeFirst();
      if (!node) throw notFound(`no node ${item.node} for user ${item.userId}`, 'node');
      // Deleted and inserted, not updated: a re-published item becomes the newest.
      await db
        .deleteFrom('pep_items')
        .where('user_id', '=', item.userId)
        .where('node', '=', item.node)
        .where('item_id', '=', item.id)
        .execute();
      await db
        .insertInto('pep_items')
        .values({
          user_id: item.userId,
          node: item.node,
          item_id: item.id,
          payload: item.payload,
          publisher: item.publisher,
          published_at: item.publishedAt,
        })
        .execute();
      return trim(db, item.userId, item.node, node.max_items);
    });
  }

  async getItems(userId: UserId, node: string, limit: number): Promise<PepItemRecord[]> {
    checkItemLimit(limit);
    if (limit === 0) return [];
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('pep_items')
        .selectAll()
        .where('user_id', '=', userId)
        .where('node', '=', node)
        .orderBy('seq', 'desc')
        .limit(limit)
        .execute(),
    );
    return rows.map(itemFromRow);
  }

  async getItemsById(userId: UserId, node: string, ids: readonly string[]): Promise<PepItemRecord[]> {
    const rows: ItemRow[] = [];
    for (const slice of chunked([...new Set(ids)])) {
      const found = await this.runner.read((db) =>
        db
          .selectFrom('pep_items')
          .selectAll()
          .where('user_id', '=', userId)
          .where('node', '=', node)
          .where('item_id', 'in', slice)
          .execute(),
      );
      rows.push(...found);
    }
    return rows.sort((a, b) => b.seq - a.seq).map(itemFromRow);
  }

  async deleteItem(userId: UserId, node: string, id: string): Promise<boolean> {
    return this.runner.remove((db) =>
      db
        .deleteFrom('pep_items')
        .where('user_id', '=', userId)
        .where('node', '=', node)
        .where('item_id', '=', id)
        .executeTakeFirst(),
    );
  }
}
