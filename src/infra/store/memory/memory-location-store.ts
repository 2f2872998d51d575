/**
 * LocationStore (core/ports.ts; RFC 3261 §10.3 bindings, https://www.rfc-editor.org/rfc/rfc3261#section-10.3)
 * over the memory tables, keeping the SQL adapter's rules: the user must exist, a user's bindings
 * are replaced as a whole, expired ones are never returned, contacts in code-point order.
 */
import type { LocationStore, SipBindingRecord, UserId } from '../../../core/ports.js';
import { checkBindingLimit, checkBindings } from '../location-rules.js';
import { byKeys } from './binary-order.js';
import { copy, requireUser, type TablesProvider } from './memory-tables.js';

const byUserThenContact = byKeys<SipBindingRecord>(
  (binding) => binding.userId,
  (binding) => binding.contact,
);

export class MemoryLocationStore implements LocationStore {
  constructor(private readonly tables: TablesProvider) {}

  async bindingsOf(userId: UserId, now: number): Promise<SipBindingRecord[]> {
    const bindings = this.tables().sipBindings.get(userId) ?? [];
    return bindings
      .filter((binding) => binding.expiresAt > now)
      .sort(byUserThenContact)
      .map(copy);
  }

  async replaceBindings(userId: UserId, bindings: readonly SipBindingRecord[]): Promise<void> {
    checkBindings(userId, bindings);
    const tables = this.tables();
    requireUser(tables, userId);
    if (bindings.length === 0) tables.sipBindings.delete(userId);
    else tables.sipBindings.set(userId, bindings.map(copy));
  }

  async liveBindings(now: number, limit: number): Promise<SipBindingRecord[]> {
    checkBindingLimit(limit);
    return [...this.tables().sipBindings.values()]
      .flat()
      .filter((binding) => binding.expiresAt > now)
      .sort(byUserThenContact)
      .slice(0, limit)
      .map(copy);
  }

  async purgeExpired(now: number): Promise<number> {
    const { sipBindings } = this.tables();
    let removed = 0;
    for (const [userId, bindings] of sipBindings) {
      const live = bindings.filter((binding) => binding.expiresAt > now);
      removed += bindings.length - live.length;
      if (live.length === 0) sipBindings.delete(userId);
      else if (live.length < bindings.length) sipBindings.set(userId, live);
    }
    return removed;
  }
}
