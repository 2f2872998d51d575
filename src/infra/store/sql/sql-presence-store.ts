/**
 * PresenceStore (core/ports.ts) on SQL (migration 0009): one row per user in each table,
 * replaced by an upsert.
 */
import type { CalendarSourceRecord, ManualStatusRecord, PresenceStore, UserId } from '../../../core/ports.js';
import { asUserId } from '../../../core/ports.js';
import { notFound } from '../../../kernel/errors.js';
import type { SqlRunner } from './sql-runner.js';

const nullableNumber = (value: number | string | null): number | null =>
  value === null ? null : Number(value);

const manualOf = (row: {
  availability: string;
  note: string | null;
  until_at: number | string | null;
  updated_at: number | string;
}): ManualStatusRecord => ({
  availability: row.availability,
  note: row.note,
  until: nullableNumber(row.until_at),
  updatedAt: Number(row.updated_at),
});

const calendarOf = (row: {
  url: string;
  username: string | null;
  password: string | null;
  updated_at: number | string;
}): CalendarSourceRecord => ({
  url: row.url,
  username: row.username,
  password: row.password,
  updatedAt: Number(row.updated_at),
});

export class SqlPresenceStore implements PresenceStore {
  constructor(private readonly runner: SqlRunner) {}

  async setManualStatus(userId: UserId, record: ManualStatusRecord): Promise<void> {
    await this.runner.write(async (db) => {
      const user = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw notFound(`no user ${userId}`, 'userId');
      const values = {
        availability: record.availability,
        note: record.note,
        until_at: record.until,
        updated_at: record.updatedAt,
      };
      await db
        .insertInto('manual_statuses')
        .values({ user_id: userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    });
  }

  async clearManualStatus(userId: UserId): Promise<void> {
    await this.runner.write((db) => db.deleteFrom('manual_statuses').where('user_id', '=', userId).execute());
  }

  async manualStatus(userId: UserId): Promise<ManualStatusRecord | undefined> {
    const row = await this.runner.read((db) =>
      db.selectFrom('manual_statuses').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    );
    return row && manualOf(row);
  }

  async allManualStatuses(): Promise<{ userId: UserId; record: ManualStatusRecord }[]> {
    const rows = await this.runner.read((db) =>
      db.selectFrom('manual_statuses').selectAll().orderBy('user_id').execute(),
    );
    return rows.map((row) => ({ userId: asUserId(row.user_id), record: manualOf(row) }));
  }

  async setCalendarSource(userId: UserId, record: CalendarSourceRecord): Promise<void> {
    await this.runner.write(async (db) => {
      const user = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw notFound(`no user ${userId}`, 'userId');
      const values = {
        url: record.url,
        username: record.username,
        password: record.password,
        updated_at: record.updatedAt,
      };
      await db
        .insertInto('calendar_sources')
        .values({ user_id: userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    });
  }

  async clearCalendarSource(userId: UserId): Promise<void> {
    await this.runner.write((db) =>
      db.deleteFrom('calendar_sources').where('user_id', '=', userId).execute(),
    );
  }

  async calendarSource(userId: UserId): Promise<CalendarSourceRecord | undefined> {
    const row = await this.runner.read((db) =>
      db.selectFrom('calendar_sources').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    );
    return row && calendarOf(row);
  }

  async allCalendarSources(): Promise<{ userId: UserId; record: CalendarSourceRecord }[]> {
    const rows = await this.runner.read((db) =>
      db.selectFrom('calendar_sources').selectAll().orderBy('user_id').execute(),
    );
    return rows.map((row) => ({ userId: asUserId(row.user_id), record: calendarOf(row) }));
  }
}
