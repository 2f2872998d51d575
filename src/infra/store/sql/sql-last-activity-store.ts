/**
 * LastActivityStore (core/ports.ts; XEP-0012 §4, https://xmpp.org/extensions/xep-0012.html#offline)
 * on SQL: one row per user, replaced by an upsert.
 */
import type { LastActivityStore, LastLogoutRecord, UserId } from '../../../core/ports.js';
import { notFound } from '../../../kernel/errors.js';
import type { SqlRunner } from './sql-runner.js';

export class SqlLastActivityStore implements LastActivityStore {
  constructor(private readonly runner: SqlRunner) {}

  async recordLogout(userId: UserId, at: number, status: string | null): Promise<void> {
    await this.runner.write(async (db) => {
      const user = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw notFound(`no user ${userId}`, 'userId');
      const values = { logged_out_at: at, status };
      await db
        .insertInto('last_logouts')
        .values({ user_id: userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    });
  }

  async lastLogout(userId: UserId): Promise<LastLogoutRecord | undefined> {
    const row = await this.runner.read((db) =>
      db.selectFrom('last_logouts').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    );
    return row && { at: Number(row.logged_out_at), status: row.status };
  }
}
