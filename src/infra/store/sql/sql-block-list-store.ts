/**
 * BlockListStore (core/ports.ts; XEP-0191 Blocking Command, https://xmpp.org/extensions/xep-0191.html)
 * on SQL: one row per blocked address, so blocking twice is a no-op (ON CONFLICT DO NOTHING).
 */
import type { BlockListStore, UserId } from '../../../core/ports.js';
import { chunked } from './sql-chunks.js';
import { requireRows } from './sql-references.js';
import type { SqlRunner } from './sql-runner.js';

export class SqlBlockListStore implements BlockListStore {
  constructor(private readonly runner: SqlRunner) {}

  async getBlockList(userId: UserId): Promise<string[]> {
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('block_list')
        .select('address')
        .where('user_id', '=', userId)
        .orderBy('address')
        .execute(),
    );
    return rows.map((row) => row.address);
  }

  async block(userId: UserId, addresses: readonly string[]): Promise<void> {
    await this.runner.write(async (db) => {
      await requireRows(db, 'users', [userId], 'userId');
      for (const slice of chunked([...new Set(addresses)])) {
        await db
          .insertInto('block_list')
          .values(slice.map((address) => ({ user_id: userId, address })))
          .onConflict((oc) => oc.columns(['user_id', 'address']).doNothing())
          .execute();
      }
    });
  }

  async unblock(userId: UserId, addresses?: readonly string[]): Promise<void> {
    await this.runner.write(async (db) => {
      const rows = db.deleteFrom('block_list').where('user_id', '=', userId);
      // XEP-0191 §3.5: an unblock without items empties the list.
      if (addresses === undefined) {
        await rows.execute();
        return;
      }
      for (const slice of chunked([...new Set(addresses)]))
        await rows.where('address', 'in', slice).execute();
    });
  }
}
