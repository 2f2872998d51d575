/**
 * Calendar sources (SPEC I1): each person may name one calendar — an iCalendar feed or a CalDAV
 * collection. The service polls it (from the injected Clock), turns the busy events of the next
 * day into a `calendar` presence source (compose() rule 6: in a meeting), and backs off when a
 * calendar cannot be read. The reading itself (HTTP, iCalendar) is infra's, given as `read`.
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { invalid } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/log.js';
import type { CalendarSourceRecord, PresenceStore, UserId } from '../ports.js';
import type { PresenceService } from '../presence/presence-service.js';

export interface BusyTime {
  readonly start: number;
  readonly end: number;
  readonly summary: string | null;
}

export type CalendarReader = (request: {
  readonly url: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly window: { readonly start: number; readonly end: number };
}) => Promise<readonly BusyTime[]>;

export interface CalendarServiceOptions {
  readonly store: PresenceStore;
  readonly clock: Clock;
  readonly presence: PresenceService;
  readonly read: CalendarReader;
  readonly log?: Logger;
  /** How often a calendar is read, and the stored sources re-checked (another process may change them). */
  readonly pollMs?: number;
  /** How far ahead busy time is read. */
  readonly windowMs?: number;
  /** The longest wait after failures (the wait doubles from a minute up to it). */
  readonly maxBackoffMs?: number;
}

const URL_MAX = 2048;
const CREDENTIAL_MAX = 256;
export const CALENDAR_SOURCE_ID = 'calendar';

/** An address without its user info and query, for logs and answers (never the credentials). */
export function calendarUrlForDisplay(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Checks a calendar source from outside (HERALD_ERR_VALIDATION naming the field). */
export function validateCalendarSource(input: {
  url: string;
  username?: string | null;
  password?: string | null;
}): { url: string; username: string | null; password: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(input.url);
  } catch {
    throw invalid('url is not a URL', 'url');
  }
  if (input.url.length > URL_MAX) throw invalid(`url is longer than ${URL_MAX}`, 'url');
  if (!['http:', 'https:', 'webcal:'].includes(parsed.protocol))
    throw invalid('url must be http, https or webcal', 'url');
  for (const field of ['username', 'password'] as const) {
    const value = input[field];
    if (value !== undefined && value !== null && value.length > CREDENTIAL_MAX)
      throw invalid(`${field} is longer than ${CREDENTIAL_MAX}`, field);
  }
  return { url: input.url, username: input.username ?? null, password: input.password ?? null };
}

interface Polled {
  record: CalendarSourceRecord;
  failures: number;
  timer: TimerHandle | null;
  running: Promise<void> | null;
}

export class CalendarService {
  #o: Required<Omit<CalendarServiceOptions, 'log'>> & { log: Logger | undefined };
  readonly #polled = new Map<UserId, Polled>();
  #syncTimer: TimerHandle | null = null;
  #started = false;

  constructor(options: CalendarServiceOptions) {
    this.#o = {
      pollMs: 5 * 60_000,
      windowMs: 24 * 3_600_000,
      maxBackoffMs: 3_600_000,
      ...options,
      log: options.log,
    };
  }

  /** Where failures to read a calendar are logged (the URL without credentials). */
  useLogger(log: Logger): void {
    this.#o = { ...this.#o, log };
  }

  async setSource(
    userId: UserId,
    input: { url: string; username?: string | null; password?: string | null },
  ): Promise<void> {
    const source = validateCalendarSource(input);
    await this.#o.store.setCalendarSource(userId, { ...source, updatedAt: this.#o.clock.now() });
    if (this.#started) await this.#sync();
  }

  async clearSource(userId: UserId): Promise<void> {
    await this.#o.store.clearCalendarSource(userId);
    if (this.#started) await this.#sync();
  }

  /** The source as others may be told of it: the address without credentials. */
  async sourceOf(userId: UserId): Promise<{ url: string; hasCredentials: boolean } | null> {
    const record = await this.#o.store.calendarSource(userId);
    return record
      ? { url: calendarUrlForDisplay(record.url), hasCredentials: record.username !== null }
      : null;
  }

  /** Starts polling every stored source now, and re-checks the store every pollMs. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#sync();
    const tick = () => {
      this.#syncTimer = this.#o.clock.setTimeout(() => {
        void this.#sync().finally(() => {
          if (this.#started) tick();
        });
      }, this.#o.pollMs);
    };
    tick();
  }

  stop(): void {
    this.#started = false;
    this.#syncTimer?.cancel();
    this.#syncTimer = null;
    for (const polled of this.#polled.values()) polled.timer?.cancel();
    this.#polled.clear();
  }

  /** Reads the user's calendar now (tests, and the API after a change); resolves when done. */
  async pollNow(userId: UserId): Promise<void> {
    const polled = this.#polled.get(userId);
    if (polled) await this.#poll(userId, polled);
  }

  async #sync(): Promise<void> {
    let stored: { userId: UserId; record: CalendarSourceRecord }[];
    try {
      stored = await this.#o.store.allCalendarSources();
    } catch (error) {
      this.#o.log?.warn({ err: error }, 'calendar sources could not be read from the store');
      return;
    }
    if (!this.#started) return;
    const seen = new Set<UserId>();
    const polls: Promise<void>[] = [];
    for (const { userId, record } of stored) {
      seen.add(userId);
      const known = this.#polled.get(userId);
      if (known && known.record.updatedAt === record.updatedAt && known.record.url === record.url) continue;
      known?.timer?.cancel();
      const polled: Polled = { record, failures: 0, timer: null, running: null };
      this.#polled.set(userId, polled);
      polls.push(this.#poll(userId, polled));
    }
    for (const [userId, polled] of this.#polled)
      if (!seen.has(userId)) {
        polled.timer?.cancel();
        this.#polled.delete(userId);
        this.#o.presence.remove(userId, 'calendar', CALENDAR_SOURCE_ID);
      }
    await Promise.all(polls);
  }

  #poll(userId: UserId, polled: Polled): Promise<void> {
    if (polled.running) return polled.running;
    polled.timer?.cancel();
    polled.timer = null;
    const run = this.#read(userId, polled).finally(() => {
      polled.running = null;
    });
    polled.running = run;
    return run;
  }

  async #read(userId: UserId, polled: Polled): Promise<void> {
    const { clock, read, presence, pollMs, windowMs, maxBackoffMs } = this.#o;
    const now = clock.now();
    let wait = pollMs;
    try {
      const busy = await read({
        url: polled.record.url,
        username: polled.record.username,
        password: polled.record.password,
        window: { start: now, end: now + windowMs },
      });
      if (this.#polled.get(userId) !== polled) return; // changed or removed meanwhile
      polled.failures = 0;
      presence.update(userId, {
        kind: 'calendar',
        id: CALENDAR_SOURCE_ID,
        busy: busy.map((b) => ({ start: b.start, end: b.end, summary: b.summary })),
        updatedAt: clock.now(),
      });
    } catch (error) {
      if (this.#polled.get(userId) !== polled) return;
      polled.failures += 1;
      wait = Math.min(60_000 * 2 ** (polled.failures - 1), maxBackoffMs);
      // The message only: an error object may carry the request, and with it the credentials.
      this.#o.log?.warn(
        {
          userId,
          url: calendarUrlForDisplay(polled.record.url),
          failures: polled.failures,
          retryInMs: wait,
          reason: error instanceof Error ? error.message : String(error),
        },
        'calendar could not be read',
      );
    }
    if (this.#started && this.#polled.get(userId) === polled)
      polled.timer = clock.setTimeout(() => void this.#poll(userId, polled), wait);
  }
}
