import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { busyIntervals } from './ical-busy.js';

const T = Date.UTC(2026, 11, 1, 9, 0); // Tue 1 Dec 2026 09:00Z
const ics = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
const vevent = (lines: string[]) =>
  ['BEGIN:VEVENT', 'DTSTAMP:20261101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');
const day = { start: T, end: T + 24 * 3_600_000 };

describe('busyIntervals (RFC 5545 with ical.js)', () => {
  it('an opaque event in the window is busy, with its summary', () => {
    const busy = busyIntervals(
      [ics(vevent(['UID:a', 'DTSTART:20261201T100000Z', 'DTEND:20261201T110000Z', 'SUMMARY:Design review']))],
      day,
    );
    assert.deepEqual(busy, [
      { start: Date.UTC(2026, 11, 1, 10), end: Date.UTC(2026, 11, 1, 11), summary: 'Design review' },
    ]);
  });

  it('transparent, cancelled and Outlook-free events are not busy; events outside the window are left out', () => {
    const busy = busyIntervals(
      [
        ics(
          vevent(['UID:t', 'DTSTART:20261201T100000Z', 'DTEND:20261201T110000Z', 'TRANSP:TRANSPARENT']),
          vevent(['UID:c', 'DTSTART:20261201T120000Z', 'DTEND:20261201T130000Z', 'STATUS:CANCELLED']),
          vevent([
            'UID:f',
            'DTSTART:20261201T140000Z',
            'DTEND:20261201T150000Z',
            'X-MICROSOFT-CDO-BUSYSTATUS:FREE',
          ]),
          vevent(['UID:old', 'DTSTART:20261130T100000Z', 'DTEND:20261130T110000Z']),
          vevent(['UID:later', 'DTSTART:20261205T100000Z', 'DTEND:20261205T110000Z']),
        ),
      ],
      day,
    );
    assert.deepEqual(busy, []);
  });

  it('a recurring event is expanded into the window, with an overridden and an excluded instance', () => {
    const busy = busyIntervals(
      [
        ics(
          vevent([
            'UID:standup',
            'DTSTART:20261101T093000Z',
            'DTEND:20261101T094500Z',
            'RRULE:FREQ=DAILY',
            'EXDATE:20261202T093000Z',
            'SUMMARY:Stand-up',
          ]),
          vevent([
            'UID:standup',
            'RECURRENCE-ID:20261201T093000Z',
            'DTSTART:20261201T100000Z',
            'DTEND:20261201T101500Z',
            'SUMMARY:Stand-up (moved)',
          ]),
        ),
      ],
      { start: T, end: T + 2 * 24 * 3_600_000 },
    );
    // 1 Dec moved to 10:00; 2 Dec excluded; nothing else in the two days.
    assert.deepEqual(busy, [
      { start: Date.UTC(2026, 11, 1, 10), end: Date.UTC(2026, 11, 1, 10, 15), summary: 'Stand-up (moved)' },
    ]);
  });

  it('a weekly event with a time zone, and an event already running at the window start', () => {
    const zone = [
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Berlin',
      'BEGIN:STANDARD',
      'DTSTART:19701025T030000',
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:19700329T020000',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
    ].join('\r\n');
    const busy = busyIntervals(
      [
        ics(
          zone,
          vevent([
            'UID:w',
            'DTSTART;TZID=Europe/Berlin:20261103T140000',
            'DTEND;TZID=Europe/Berlin:20261103T150000',
            'RRULE:FREQ=WEEKLY',
          ]),
          vevent(['UID:r', 'DTSTART:20261201T083000Z', 'DTEND:20261201T093000Z']),
        ),
      ],
      day,
    );
    assert.deepEqual(
      busy.map((b) => [new Date(b.start).toISOString(), new Date(b.end).toISOString()]),
      [
        ['2026-12-01T08:30:00.000Z', '2026-12-01T09:30:00.000Z'],
        ['2026-12-01T13:00:00.000Z', '2026-12-01T14:00:00.000Z'],
      ],
    );
  });

  it('an endless rule is bounded, and a text that is not iCalendar throws', () => {
    const busy = busyIntervals(
      [ics(vevent(['UID:m', 'DTSTART:19700101T000000Z', 'DTEND:19700101T000100Z', 'RRULE:FREQ=MINUTELY']))],
      day,
      1000,
    );
    assert.deepEqual(busy, []);
    assert.throws(() => busyIntervals(['<html>not a calendar</html>'], day));
  });
});
