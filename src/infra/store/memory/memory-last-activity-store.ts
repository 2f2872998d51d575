/**
 * LastActivityStore (core/ports.ts; XEP-0012 §4, https://xmpp.org/extensions/xep-0012.html#offline)
 * over the memory tables, keeping the SQL adapter's rules: the user must exist, one record per user.
 */
import type { LastActivityStore, LastLogoutRecord, UserId } from '../../../core/ports.js';
import { copy, requireUser, type TablesProvider } from './memory-tables.js';

export class MemoryLastActivityStore implements LastActivityStore {
  constructor(private readonly tables: TablesProvider) {}

  async recordLogout(userId: UserId, at: number, status: string | null): Promise<void> {
    const tables = this.tables();
    requireUser(tables, userId);
    tables.lastLogouts.set(userId, { at, status });
  }

  async lastLogout(userId: UserId): Promise<LastLogoutRecord | undefined> {
    const record = this.tables().lastLogouts.get(userId);
    return record && copy(record);
  }
}
