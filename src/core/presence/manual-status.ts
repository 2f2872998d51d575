/**
 * Manual status (docs/presence.md): what the person chose by hand — available, away, busy, DND,
 * on vacation, invisible — with a note and an optional end time. It is a presence source, and it
 * is kept in the store so that it survives a restart; one that has ended is not restored.
 */
import type { Clock } from '../../kernel/clock.js';
import { invalid } from '../../kernel/errors.js';
import type { PresenceStore, UserId } from '../ports.js';
import type { PresenceService } from './presence-service.js';
import type { ManualAvailability } from './presence-source.js';

export const MANUAL_AVAILABILITIES: readonly ManualAvailability[] = [
  'available',
  'away',
  'busy',
  'dnd',
  'on-vacation',
  'invisible',
];
export const NOTE_MAX = 1024;

export interface ManualStatus {
  readonly availability: ManualAvailability;
  readonly note: string | null;
  readonly until: number | null;
}

const isManual = (value: string): value is ManualAvailability =>
  (MANUAL_AVAILABILITIES as readonly string[]).includes(value);

export class ManualStatusService {
  readonly #store: PresenceStore;
  readonly #clock: Clock;
  readonly #presence: PresenceService;

  constructor(options: { store: PresenceStore; clock: Clock; presence: PresenceService }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#presence = options.presence;
  }

  /** Checks and normalises a status from outside (HERALD_ERR_VALIDATION naming the field). */
  validate(input: { availability: string; note?: string | null; until?: number | null }): ManualStatus {
    if (!isManual(input.availability))
      throw invalid(`availability must be one of ${MANUAL_AVAILABILITIES.join(', ')}`, 'availability');
    const note = input.note?.trim() ? input.note.trim() : null;
    if (note !== null && note.length > NOTE_MAX) throw invalid(`the note is longer than ${NOTE_MAX}`, 'note');
    const until = input.until ?? null;
    if (until !== null && (!Number.isFinite(until) || until <= this.#clock.now()))
      throw invalid('until must be a time in the future', 'until');
    return { availability: input.availability, note, until };
  }

  async set(
    userId: UserId,
    input: { availability: string; note?: string | null; until?: number | null },
  ): Promise<ManualStatus> {
    const status = this.validate(input);
    const updatedAt = this.#clock.now();
    await this.#store.setManualStatus(userId, { ...status, updatedAt });
    this.#presence.update(userId, { kind: 'manual', id: 'manual', ...status, updatedAt });
    return status;
  }

  async clear(userId: UserId): Promise<void> {
    await this.#store.clearManualStatus(userId);
    this.#presence.remove(userId, 'manual', 'manual');
  }

  /** The stored status, unless it has ended. */
  async get(userId: UserId): Promise<ManualStatus | null> {
    const record = await this.#store.manualStatus(userId);
    if (!record || !isManual(record.availability)) return null;
    if (record.until !== null && record.until <= this.#clock.now()) return null;
    return { availability: record.availability, note: record.note, until: record.until };
  }

  /** At start: every stored status that has not ended becomes a source again. */
  async restore(): Promise<number> {
    const now = this.#clock.now();
    let restored = 0;
    for (const { userId, record } of await this.#store.allManualStatuses()) {
      if (!isManual(record.availability) || (record.until !== null && record.until <= now)) continue;
      this.#presence.update(userId, {
        kind: 'manual',
        id: 'manual',
        availability: record.availability,
        note: record.note,
        until: record.until,
        updatedAt: record.updatedAt,
      });
      restored += 1;
    }
    return restored;
  }
}
