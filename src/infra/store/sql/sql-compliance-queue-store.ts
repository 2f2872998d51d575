/**
 * ComplianceQueueStore (core/ports.ts, SPEC M7) on SQL over the compliance_queue table of
 * migration 0008: the record is kept as JSON text.
 */
import type { ComplianceQueueStore, ComplianceRecord, QueuedComplianceRecord } from '../../../core/ports.js';
import { checkComplianceLimit } from '../compliance-limits.js';
import type { SqlRunner } from './sql-runner.js';
import type { ComplianceQueueTable } from './sql-schema.js';

function fromRow(row: ComplianceQueueTable): QueuedComplianceRecord {
  return {
    id: row.id,
    queuedAt: Number(row.queued_at),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    record: JSON.parse(row.record) as ComplianceRecord,
  };
}

export class SqlComplianceQueueStore implements ComplianceQueueStore {
  constructor(private readonly runner: SqlRunner) {}

  async enqueue(entry: QueuedComplianceRecord): Promise<void> {
    await this.runner.write((db) =>
      db
        .insertInto('compliance_queue')
        .values({
          id: entry.id,
          queued_at: entry.queuedAt,
          attempts: entry.attempts,
          next_attempt_at: entry.nextAttemptAt,
          record: JSON.stringify(entry.record),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute(),
    );
  }

  async due(now: number, limit: number): Promise<QueuedComplianceRecord[]> {
    checkComplianceLimit(limit);
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('compliance_queue')
        .selectAll()
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute(),
    );
    return rows.map(fromRow);
  }

  async nextAttemptAt(): Promise<number | null> {
    const row = await this.runner.read((db) =>
      db
        .selectFrom('compliance_queue')
        .select((eb) => eb.fn.min('next_attempt_at').as('next'))
        .executeTakeFirst(),
    );
    return row?.next === null || row?.next === undefined ? null : Number(row.next);
  }

  async reschedule(id: string, attempts: number, nextAttemptAt: number): Promise<void> {
    await this.runner.write((db) =>
      db
        .updateTable('compliance_queue')
        .set({ attempts, next_attempt_at: nextAttemptAt })
        .where('id', '=', id)
        .execute(),
    );
  }

  async remove(id: string): Promise<boolean> {
    return this.runner.remove((db) =>
      db.deleteFrom('compliance_queue').where('id', '=', id).executeTakeFirst(),
    );
  }

  async count(): Promise<number> {
    const { n } = await this.runner.read((db) =>
      db
        .selectFrom('compliance_queue')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    );
    return Number(n);
  }
}
