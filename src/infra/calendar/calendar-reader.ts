/**
 * Reads a person's busy time from their calendar source (SPEC I1): an iCalendar feed (RFC 5545,
 * fetched with GET; `webcal:` is https) or a CalDAV calendar collection (RFC 4791 §7.8: a
 * calendar-query REPORT with a time-range filter, through tsdav). Every request has a timeout
 * and a bounded body; credentials go only into the Authorization header and never into an
 * error message or a log line.
 */
import { fetchCalendarObjects } from 'tsdav';
import { type BusyInterval, type BusyWindow, busyIntervals } from './ical-busy.js';

export interface CalendarReadRequest {
  readonly url: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly window: BusyWindow;
}

export interface CalendarReaderOptions {
  /** Per HTTP request. */
  readonly timeoutMs?: number;
  /** Largest body accepted, per HTTP response. */
  readonly maxBytes?: number;
}

/** A feed (one .ics file) or a CalDAV collection, told apart by the address. */
export function calendarKindOf(url: string): 'ical' | 'caldav' {
  const parsed = new URL(url);
  return parsed.protocol === 'webcal:' || parsed.pathname.toLowerCase().endsWith('.ics') ? 'ical' : 'caldav';
}

/** The URL without user info, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = parsed.search ? '?…' : '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new Error(`calendar larger than ${maxBytes} bytes`);
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`calendar larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** fetch with a timeout and a body bound: the answer is read whole and handed on as a new Response. */
function boundedFetch(timeoutMs: number, maxBytes: number): typeof fetch {
  return async (input, init) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const response = await fetch(input, { ...init, signal, redirect: 'follow' });
    const text = await readBounded(response, maxBytes);
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

export function httpCalendarReader(options: CalendarReaderOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 2_000_000;
  const bounded = boundedFetch(timeoutMs, maxBytes);

  return async function readBusy(request: CalendarReadRequest): Promise<BusyInterval[]> {
    const url = new URL(request.url);
    if (url.protocol === 'webcal:') url.protocol = 'https:';
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`unsupported calendar scheme ${url.protocol}`);
    const headers: Record<string, string> = {};
    const username = request.username ?? (url.username ? decodeURIComponent(url.username) : null);
    const password = request.password ?? (url.password ? decodeURIComponent(url.password) : null);
    url.username = '';
    url.password = '';
    if (username !== null)
      headers.authorization = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;

    if (calendarKindOf(request.url) === 'ical') {
      const response = await bounded(url, { headers: { ...headers, accept: 'text/calendar' } });
      if (!response.ok) throw new Error(`calendar feed answered ${response.status}`);
      return busyIntervals([await response.text()], request.window);
    }
    // RFC 4791 §7.8 / §9.9: the server selects the events that overlap the window.
    const objects = await fetchCalendarObjects({
      calendar: { url: url.toString().endsWith('/') ? url.toString() : `${url.toString()}/` },
      headers,
      timeRange: {
        start: new Date(request.window.start).toISOString(),
        end: new Date(request.window.end).toISOString(),
      },
      urlFilter: () => true,
      fetch: bounded,
    });
    const texts = objects
      .map((o) => (typeof o.data === 'string' ? o.data : ''))
      .filter((t) => t.trim() !== '');
    return busyIntervals(texts, request.window);
  };
}
