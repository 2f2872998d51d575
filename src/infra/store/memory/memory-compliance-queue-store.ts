/** ComplianceQueueStore (core/ports.ts, SPEC M7) in memory, with the SQL adapter's rules. */
import type { ComplianceQueueStore, QueuedComplianceRecord } from '../../../core/ports.js';
import { checkComplianceLimit } from '../compliance-limits.js';

const byDue = (a: QueuedComplianceRecord, b: QueuedComplianceRecord): number =>
  a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class MemoryComplianceQueueStore implements ComplianceQueueStore {
  readonly #entries = new Map<string, QueuedComplianceRecord>();

  async enqueue(entry: QueuedComplianceRecord): Promise<void> {
    if (!this.#entries.has(entry.id)) this.#entries.set(entry.id, entry);
  }

  async due(now: number, limit: number): Promise<QueuedComplianceRecord[]> {
    checkComplianceLimit(limit);
    return [...this.#entries.values()]
      .filter((entry) => entry.nextAttemptAt <= now)
      .sort(byDue)
      .slice(0, limit);
  }

  async nextAttemptAt(): Promise<number | null> {
    let next: number | null = null;
    for (const entry of this.#entries.values())
      if (next === null || entry.nextAttemptAt < next) next = entry.nextAttemptAt;
    return next;
  }

  async reschedule(id: string, attempts: number, nextAttemptAt: number): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry) this.#entries.set(id, { ...entry, attempts, nextAttemptAt });
  }

  async remove(id: string): Promise<boolean> {
    return this.#entries.delete(id);
  }

  async count(): Promise<number> {
    return this.#entries.size;
  }
}
