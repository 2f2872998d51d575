/**
 * RosterStore (core/ports.ts; RFC 6121 Extensible Messaging and Presence Protocol: Instant
 * Messaging and Presence, https://www.rfc-editor.org/rfc/rfc6121) over the memory tables, keeping
 * the SQL adapter's rules: the user must exist, each change adds one to the roster version, text
 * orders by code point. Per-user maps are replaced, never mutated (memory-tables.ts).
 */
import type { RosterItemRecord, RosterStore, UserId } from '../../../core/ports.js';
import { uniqueGroups } from '../roster-groups.js';
import { byKeys } from './binary-order.js';
import { copy, requireUser, type TablesProvider } from './memory-tables.js';

const byContact = byKeys<RosterItemRecord>((item) => item.contact);
const byUserId = byKeys<RosterItemRecord>((item) => item.userId);

export class MemoryRosterStore implements RosterStore {
  constructor(private readonly tables: TablesProvider) {}

  async getRoster(userId: UserId): Promise<{ items: RosterItemRecord[]; version: number }> {
    const { rosterItems, rosterVersions } = this.tables();
    const items = [...(rosterItems.get(userId)?.values() ?? [])].sort(byContact).map(copy);
    return { items, version: rosterVersions.get(userId) ?? 0 };
  }

  async getItem(userId: UserId, contact: string): Promise<RosterItemRecord | undefined> {
    const item = this.tables().rosterItems.get(userId)?.get(contact);
    return item && copy(item);
  }

  async putItem(item: RosterItemRecord): Promise<number> {
    const tables = this.tables();
    requireUser(tables, item.userId);
    const stored: RosterItemRecord = { ...copy(item), groups: uniqueGroups(item.groups) };
    const items = new Map(tables.rosterItems.get(item.userId));
    tables.rosterItems.set(item.userId, items.set(item.contact, stored));
    return this.#bump(item.userId);
  }

  async deleteItem(userId: UserId, contact: string): Promise<number | null> {
    const { rosterItems } = this.tables();
    const current = rosterItems.get(userId);
    if (!current?.has(contact)) return null;
    const items = new Map(current);
    items.delete(contact);
    rosterItems.set(userId, items);
    return this.#bump(userId);
  }

  async usersWithContact(contact: string): Promise<RosterItemRecord[]> {
    return [...this.tables().rosterItems.values()]
      .flatMap((items) => items.get(contact) ?? [])
      .sort(byUserId)
      .map(copy);
  }

  #bump(userId: UserId): number {
    const { rosterVersions } = this.tables();
    const version = (rosterVersions.get(userId) ?? 0) + 1;
    rosterVersions.set(userId, version);
    return version;
  }
}
