/**
 * BlockListStore (core/ports.ts; XEP-0191 Blocking Command, https://xmpp.org/extensions/xep-0191.html)
 * over the memory tables, keeping the SQL adapter's rules: the user must exist to block,
 * addresses are a set, listed in code-point order. Per-user sets are replaced, never mutated.
 */
import type { BlockListStore, UserId } from '../../../core/ports.js';
import { compareBinary } from './binary-order.js';
import { requireUser, type TablesProvider } from './memory-tables.js';

export class MemoryBlockListStore implements BlockListStore {
  constructor(private readonly tables: TablesProvider) {}

  async getBlockList(userId: UserId): Promise<string[]> {
    return [...(this.tables().blockLists.get(userId) ?? [])].sort(compareBinary);
  }

  async block(userId: UserId, addresses: readonly string[]): Promise<void> {
    const tables = this.tables();
    requireUser(tables, userId);
    tables.blockLists.set(userId, new Set([...(tables.blockLists.get(userId) ?? []), ...addresses]));
  }

  async unblock(userId: UserId, addresses?: readonly string[]): Promise<void> {
    const { blockLists } = this.tables();
    const current = blockLists.get(userId);
    if (!current) return;
    // XEP-0191 §3.5: an unblock without items empties the list.
    const removed = new Set(addresses ?? current);
    const remaining = [...current].filter((address) => !removed.has(address));
    if (remaining.length === 0) blockLists.delete(userId);
    else blockLists.set(userId, new Set(remaining));
  }
}
