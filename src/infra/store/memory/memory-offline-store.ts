/**
 * OfflineStore (core/ports.ts; XEP-0160 Best Practices for Handling Offline Messages,
 * https://xmpp.org/extensions/xep-0160.html) over the memory tables, keeping the SQL
 * adapter's rules: the user must exist, ids are unique across users, the quota is checked and the
 * message stored in one step (the store's writes are serialised, so two calls cannot both pass),
 * oldest first by stored time, then id.
 */
import type { OfflineMessageRecord, OfflineStore, UserId } from '../../../core/ports.js';
import { conflict } from '../../../kernel/errors.js';
import { checkPeekLimit, checkQuota } from '../offline-limits.js';
import { byKeys } from './binary-order.js';
import { copy, requireUser, type TablesProvider } from './memory-tables.js';

const oldestFirst = byKeys<OfflineMessageRecord>(
  (message) => message.storedAt,
  (message) => message.id,
);

export class MemoryOfflineStore implements OfflineStore {
  constructor(private readonly tables: TablesProvider) {}

  async enqueue(message: OfflineMessageRecord, quota: number): Promise<'stored' | 'quota-exceeded'> {
    checkQuota(quota);
    const tables = this.tables();
    requireUser(tables, message.userId);
    const { offlineMessages } = tables;
    const queue = offlineMessages.get(message.userId);
    if ((queue?.size ?? 0) >= quota) return 'quota-exceeded';
    for (const messages of offlineMessages.values()) {
      if (messages.has(message.id)) throw conflict(`offline message id ${message.id} is taken`, 'id');
    }
    offlineMessages.set(message.userId, new Map(queue).set(message.id, copy(message)));
    return 'stored';
  }

  async peek(userId: UserId, limit: number): Promise<OfflineMessageRecord[]> {
    checkPeekLimit(limit);
    const queue = this.tables().offlineMessages.get(userId);
    return [...(queue?.values() ?? [])].sort(oldestFirst).slice(0, limit).map(copy);
  }

  async remove(userId: UserId, ids: readonly string[]): Promise<number> {
    const { offlineMessages } = this.tables();
    const current = offlineMessages.get(userId);
    if (!current) return 0;
    const remaining = new Map(current);
    for (const id of ids) remaining.delete(id);
    const removed = current.size - remaining.size;
    if (remaining.size === 0) offlineMessages.delete(userId);
    else if (removed > 0) offlineMessages.set(userId, remaining);
    return removed;
  }

  async count(userId: UserId): Promise<number> {
    return this.tables().offlineMessages.get(userId)?.size ?? 0;
  }
}
