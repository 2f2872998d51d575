/**
 * iCalendar (RFC 5545) → the busy intervals of a window, with ical.js: recurring events are
 * expanded (RRULE/RDATE/EXDATE, RFC 5545 §3.8.5) with their overridden instances (RECURRENCE-ID,
 * §3.8.4.4); free time is left out — TRANSP:TRANSPARENT (§3.8.2.7: "does not block time"),
 * STATUS:CANCELLED (§3.8.1.11) and Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE. Bounded: at most
 * `maxInstances` instances are looked at, so a feed of endless rules cannot loop.
 */
import ICAL from 'ical.js';

export interface BusyInterval {
  readonly start: number;
  readonly end: number;
  readonly summary: string | null;
}

export interface BusyWindow {
  readonly start: number;
  readonly end: number;
}

const SUMMARY_MAX = 200;

function isFree(component: ICAL.Component): boolean {
  const transp = String(component.getFirstPropertyValue('transp') ?? '').toUpperCase();
  const status = String(component.getFirstPropertyValue('status') ?? '').toUpperCase();
  const cdo = String(component.getFirstPropertyValue('x-microsoft-cdo-busystatus') ?? '').toUpperCase();
  return transp === 'TRANSPARENT' || status === 'CANCELLED' || cdo === 'FREE';
}

const summaryOf = (component: ICAL.Component): string | null => {
  const value = component.getFirstPropertyValue('summary');
  const text = typeof value === 'string' ? value.trim() : '';
  return text ? text.slice(0, SUMMARY_MAX) : null;
};

/** The VCALENDARs of a text (a CalDAV answer has one per resource; a feed one in all). */
export function parseCalendars(texts: readonly string[]): ICAL.Component[] {
  return texts.map((text) => {
    const parsed: unknown = ICAL.parse(text);
    // ICAL.parse returns one component, or an array of them for several VCALENDARs in a row.
    const first = Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed[0] : parsed;
    const component = new ICAL.Component(first as unknown[]);
    if (component.name !== 'vcalendar') throw new Error(`not an iCalendar object (${component.name})`);
    return component;
  });
}

export function busyIntervals(
  texts: readonly string[],
  window: BusyWindow,
  maxInstances = 20_000,
): BusyInterval[] {
  const calendars = parseCalendars(texts);
  const busy: BusyInterval[] = [];
  let budget = maxInstances;
  for (const calendar of calendars) {
    for (const zone of calendar.getAllSubcomponents('vtimezone'))
      ICAL.TimezoneService.register(new ICAL.Timezone(zone));
    const events = calendar.getAllSubcomponents('vevent');
    const masters = new Map<string, ICAL.Event>();
    const exceptions: ICAL.Component[] = [];
    for (const component of events) {
      if (component.hasProperty('recurrence-id')) exceptions.push(component);
      else {
        const event = new ICAL.Event(component);
        masters.set(event.uid ?? `#${masters.size}`, event);
      }
    }
    for (const component of exceptions) {
      const master = masters.get(String(component.getFirstPropertyValue('uid') ?? ''));
      if (master) master.relateException(component);
      else masters.set(`#x${masters.size}`, new ICAL.Event(component)); // an orphan instance stands alone
    }
    for (const event of masters.values()) {
      if (!event.startDate) continue;
      if (!event.isRecurring()) {
        budget -= 1;
        if (isFree(event.component)) continue;
        const start = event.startDate.toJSDate().getTime();
        const end = event.endDate.toJSDate().getTime();
        if (end > window.start && start < window.end && end > start)
          busy.push({ start, end, summary: summaryOf(event.component) });
        continue;
      }
      const iterator = event.iterator();
      for (let next = iterator.next(); next && budget > 0; next = iterator.next()) {
        budget -= 1;
        if (next.toJSDate().getTime() >= window.end) break;
        const details = event.getOccurrenceDetails(next);
        const start = details.startDate.toJSDate().getTime();
        const end = details.endDate.toJSDate().getTime();
        if (end <= window.start || start >= window.end || end <= start) continue;
        if (isFree(details.item.component)) continue;
        busy.push({ start, end, summary: summaryOf(details.item.component) });
      }
    }
  }
  return busy.sort((a, b) => a.start - b.start || a.end - b.end).slice(0, 500);
}
