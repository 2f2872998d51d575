/**
 * RosterStore (core/ports.ts; RFC 6121 Extensible Messaging and Presence Protocol: Instant
 * Messaging and Presence, https://www.rfc-editor.org/rfc/rfc6121) on SQL. A change to a record
 * and the step of the user's roster version are one write, so a version always names the
 * roster it follows (RFC 6121 §2.6 roster versioning).
 */
import type { Kysely } from 'kysely';
import {
  asUserId,
  type RosterItemRecord,
  type RosterStore,
  type Subscription,
  type UserId,
} from '../../../core/ports.js';
import { HeraldError } from '../../../kernel/errors.js';
import { uniqueGroups } from '../roster-groups.js';
import { requireRows } from './sql-references.js';
import type { SqlRunner } from './sql-runner.js';
import type { Database, RosterItemsTable } from './sql-schema.js';

const SUBSCRIPTIONS: readonly string[] = ['none', 'to', 'from', 'both'] satisfies Subscription[];

function corrupt(what: string): HeraldError {
  return new HeraldError('HERALD_ERR_INTERNAL', `the store holds a roster item with ${what}`);
}

function subscriptionOf(text: string): Subscription {
  if (SUBSCRIPTIONS.includes(text)) return text as Subscription;
  throw corrupt(`unknown subscription ${text}`);
}

function groupsOf(json: string): string[] {
  const groups: unknown = JSON.parse(json);
  if (Array.isArray(groups) && groups.every((group) => typeof group === 'string')) return groups;
  throw corrupt(`groups that are not a list of names: ${json}`);
}

function itemToRow(item: RosterItemRecord): RosterItemsTable {
  return {
    user_id: item.userId,
    contact: item.contact,
    name: item.name,
    groups: JSON.stringify(uniqueGroups(item.groups)),
    subscription: item.subscription,
    pending_out: item.pendingOut ? 1 : 0,
    pending_in: item.pendingIn ? 1 : 0,
    pre_approved: item.preApproved ? 1 : 0,
    listed: item.listed ? 1 : 0,
    updated_at: item.updatedAt,
  };
}

function itemFromRow(row: RosterItemsTable): RosterItemRecord {
  return {
    userId: asUserId(row.user_id),
    contact: row.contact,
    name: row.name,
    groups: groupsOf(row.groups),
    subscription: subscriptionOf(row.subscription),
    pendingOut: row.pending_out === 1,
    pendingIn: row.pending_in === 1,
    preApproved: row.pre_approved === 1,
    listed: row.listed === 1,
    updatedAt: row.updated_at,
  };
}

/** One more than the user's version (0 before the first change); the upsert locks the row. */
async function stepVersion(db: Kysely<Database>, userId: UserId): Promise<number> {
  const { version } = await db
    .insertInto('roster_versions')
    .values({ user_id: userId, version: 1 })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet((eb) => ({ version: eb('roster_versions.version', '+', 1) })),
    )
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(version);
}

export class SqlRosterStore implements RosterStore {
  constructor(private readonly runner: SqlRunner) {}

  async getRoster(userId: UserId): Promise<{ items: RosterItemRecord[]; version: number }> {
    return this.runner.read(async (db) => {
      // The version first: read apart, a change in between leaves items newer than the version,
      // which a client re-syncs (RFC 6121 §2.6), never a version newer than the items.
      const row = await db
        .selectFrom('roster_versions')
        .select('version')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const rows = await db
        .selectFrom('roster_items')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('contact')
        .execute();
      return { items: rows.map(itemFromRow), version: Number(row?.version ?? 0) };
    });
  }

  async getItem(userId: UserId, contact: string): Promise<RosterItemRecord | undefined> {
    const row = await this.runner.read((db) =>
      db
        .selectFrom('roster_items')
        .selectAll()
        .where('user_id', '=', userId)
        .where('contact', '=', contact)
        .executeTakeFirst(),
    );
    return row && itemFromRow(row);
  }

  async putItem(item: RosterItemRecord): Promise<number> {
    return this.runner.write(async (db) => {
      await requireRows(db, 'users', [item.userId], 'userId');
      const row = itemToRow(item);
      const { user_id: _, contact: __, ...changes } = row;
      await db
        .insertInto('roster_items')
        .values(row)
        .onConflict((oc) => oc.columns(['user_id', 'contact']).doUpdateSet(changes))
        .execute();
      return stepVersion(db, item.userId);
    });
  }

  async deleteItem(userId: UserId, contact: string): Promise<number | null> {
    return this.runner.write(async (db) => {
      const result = await db
        .deleteFrom('roster_items')
        .where('user_id', '=', userId)
        .where('contact', '=', contact)
        .executeTakeFirst();
      return result.numDeletedRows > 0n ? stepVersion(db, userId) : null;
    });
  }

  async usersWithContact(contact: string): Promise<RosterItemRecord[]> {
    const rows = await this.runner.read((db) =>
      db.selectFrom('roster_items').selectAll().where('contact', '=', contact).orderBy('user_id').execute(),
    );
    return rows.map(itemFromRow);
  }
}
