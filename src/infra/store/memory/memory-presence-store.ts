/**
 * PresenceStore (core/ports.ts) over the memory tables, keeping the SQL adapter's rules: the user
 * must exist, one manual status and one calendar source per user, gone with the user (a record
 * whose user no longer exists is never returned).
 */
import type { CalendarSourceRecord, ManualStatusRecord, PresenceStore, UserId } from '../../../core/ports.js';
import { copy, requireUser, type TablesProvider } from './memory-tables.js';

export class MemoryPresenceStore implements PresenceStore {
  constructor(private readonly tables: TablesProvider) {}

  async setManualStatus(userId: UserId, record: ManualStatusRecord): Promise<void> {
    const tables = this.tables();
    requireUser(tables, userId);
    tables.manualStatuses.set(userId, copy(record));
  }

  async clearManualStatus(userId: UserId): Promise<void> {
    this.tables().manualStatuses.delete(userId);
  }

  async manualStatus(userId: UserId): Promise<ManualStatusRecord | undefined> {
    const tables = this.tables();
    const record = tables.users.has(userId) ? tables.manualStatuses.get(userId) : undefined;
    return record && copy(record);
  }

  async allManualStatuses(): Promise<{ userId: UserId; record: ManualStatusRecord }[]> {
    const tables = this.tables();
    return [...tables.manualStatuses]
      .filter(([userId]) => tables.users.has(userId))
      .map(([userId, record]) => ({ userId, record: copy(record) }));
  }

  async setCalendarSource(userId: UserId, record: CalendarSourceRecord): Promise<void> {
    const tables = this.tables();
    requireUser(tables, userId);
    tables.calendarSources.set(userId, copy(record));
  }

  async clearCalendarSource(userId: UserId): Promise<void> {
    this.tables().calendarSources.delete(userId);
  }

  async calendarSource(userId: UserId): Promise<CalendarSourceRecord | undefined> {
    const tables = this.tables();
    const record = tables.users.has(userId) ? tables.calendarSources.get(userId) : undefined;
    return record && copy(record);
  }

  async allCalendarSources(): Promise<{ userId: UserId; record: CalendarSourceRecord }[]> {
    const tables = this.tables();
    return [...tables.calendarSources]
      .filter(([userId]) => tables.users.has(userId))
      .map(([userId, record]) => ({ userId, record: copy(record) }));
  }
}
