/**
 * ComplianceService (SPEC M7): hands every accepted message to the ComplianceSink. When the sink
 * fails, `required: true` refuses the message (fail closed: it is not accepted, so not lost), and
 * `required: false` keeps it in the durable retry queue (Store.complianceQueue), tried again with
 * exponential backoff on the injected clock until the queue drains. docs/compliance.md.
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { invalid } from '../../kernel/errors.js';
import type { ComplianceQueueStore, ComplianceRecord, ComplianceSink } from '../ports.js';
import { onSinkFailure, retryDelayMs } from './compliance-policy.js';

export interface ComplianceServiceOptions {
  readonly sink: ComplianceSink;
  readonly queue: ComplianceQueueStore;
  readonly clock: Clock;
  readonly required: boolean;
  /** The first retry delay; default 1 s. */
  readonly retryBaseMs?: number;
  /** The longest retry delay; default 60 s. */
  readonly retryMaxMs?: number;
  /** Records retried per round; default 100. */
  readonly batchSize?: number;
  /** Told when the sink refuses a record (the error never carries the sink's credentials). */
  readonly onSinkError?: (error: unknown) => void;
  /** Told when the queue itself failed (the store). */
  readonly onQueueError?: (error: unknown) => void;
}

/** What became of a record: in the sink, queued for a retry, or refused (the message must not go). */
export type CaptureResult = 'recorded' | 'queued' | 'refused';

export class ComplianceService {
  readonly #o: ComplianceServiceOptions;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #batch: number;
  #timer: TimerHandle | null = null;
  #timerAt: number | null = null;
  #draining: Promise<void> | null = null;
  #isStarted = false;
  /** After a failed retry the sink is left alone until then, whatever else is due. */
  #pausedUntil = 0;

  constructor(options: ComplianceServiceOptions) {
    this.#o = options;
    this.#baseMs = options.retryBaseMs ?? 1000;
    this.#maxMs = options.retryMaxMs ?? 60_000;
    this.#batch = options.batchSize ?? 100;
    if (!(this.#baseMs > 0) || !(this.#maxMs >= this.#baseMs))
      throw invalid('retry delays must be positive, retryMaxMs ≥ retryBaseMs', 'retryMaxMs');
  }

  get required(): boolean {
    return this.#o.required;
  }

  /** Starts retrying what a previous run left in the queue. */
  async start(): Promise<void> {
    this.#isStarted = true;
    await this.#schedule();
  }

  stop(): void {
    this.#isStarted = false;
    this.#timer?.cancel();
    this.#timer = null;
    this.#timerAt = null;
  }

  /** Resolves once the record is in the sink, or queued durably, or refused. */
  async capture(record: ComplianceRecord): Promise<CaptureResult> {
    try {
      await this.#o.sink.record(record);
      return 'recorded';
    } catch (error) {
      this.#o.onSinkError?.(error);
      if (onSinkFailure(this.#o.required) === 'refuse') return 'refused';
    }
    const now = this.#o.clock.now();
    const nextAttemptAt = now + retryDelayMs(1, this.#baseMs, this.#maxMs);
    // A queue write that fails too throws: the caller must not accept a message it cannot keep.
    await this.#o.queue.enqueue({ id: record.id, queuedAt: now, attempts: 1, nextAttemptAt, record });
    // The sink just failed: nothing in the queue is tried before this record's first retry.
    this.#pausedUntil = Math.max(this.#pausedUntil, nextAttemptAt);
    await this.#schedule();
    return 'queued';
  }

  /** Messages waiting for the sink. */
  pending(): Promise<number> {
    return this.#o.queue.count();
  }

  /** One retry round now (tests and the timer): everything due is tried once. */
  drain(): Promise<void> {
    this.#draining ??= this.#drainDue().finally(() => {
      this.#draining = null;
    });
    return this.#draining;
  }

  async #drainDue(): Promise<void> {
    for (;;) {
      const now = this.#o.clock.now();
      const due = await this.#o.queue.due(now, this.#batch);
      if (due.length === 0) return;
      for (const entry of due) {
        try {
          await this.#o.sink.record(entry.record);
          await this.#o.queue.remove(entry.id);
        } catch (error) {
          this.#o.onSinkError?.(error);
          const attempts = entry.attempts + 1;
          const nextAt = now + retryDelayMs(attempts, this.#baseMs, this.#maxMs);
          await this.#o.queue.reschedule(entry.id, attempts, nextAt);
          this.#pausedUntil = nextAt;
          // The sink is down: the rest waits for the next round rather than failing one by one.
          return;
        }
      }
    }
  }

  /** Arms the timer for the earliest due entry (one timer at a time). */
  async #schedule(): Promise<void> {
    if (!this.#isStarted) return;
    const earliest = await this.#o.queue.nextAttemptAt();
    if (earliest === null) return;
    const next = Math.max(earliest, this.#pausedUntil);
    if (this.#timer && this.#timerAt !== null && this.#timerAt <= next) return;
    this.#timer?.cancel();
    this.#timerAt = next;
    this.#timer = this.#o.clock.setTimeout(
      () => {
        this.#timer = null;
        this.#timerAt = null;
        void this.drain()
          .catch((error: unknown) => this.#o.onQueueError?.(error))
          .then(() => this.#schedule())
          .catch((error: unknown) => this.#o.onQueueError?.(error));
      },
      Math.max(0, next - this.#o.clock.now()),
    );
  }
}
