import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Availability, compose } from './compose.js';
import type { PresenceSource } from './presence-source.js';

const NOW = Date.UTC(2026, 11, 1, 10, 0);
const MIN = 60_000;

const client = (
  id: string,
  availability: 'available' | 'away' | 'extended-away' | 'dnd',
  extra: Partial<{ note: string; updatedAt: number; expiresAt: number }> = {},
): PresenceSource => ({
  kind: 'client',
  id,
  protocol: 'xmpp',
  availability,
  note: extra.note ?? null,
  priority: 0,
  updatedAt: extra.updatedAt ?? NOW - MIN,
  expiresAt: extra.expiresAt ?? null,
});
const manual = (
  availability: 'available' | 'away' | 'busy' | 'dnd' | 'on-vacation' | 'invisible',
  extra: Partial<{ note: string; until: number }> = {},
): PresenceSource => ({
  kind: 'manual',
  id: 'manual',
  availability,
  note: extra.note ?? null,
  until: extra.until ?? null,
  updatedAt: NOW - 5 * MIN,
});
const line = (state: 'idle' | 'ringing' | 'on-call' | 'held' | 'conference'): PresenceSource => ({
  kind: 'line',
  id: '1001@internal',
  state,
  updatedAt: NOW,
});
const meeting = (start: number, end: number, summary = 'Weekly sync'): PresenceSource => ({
  kind: 'calendar',
  id: 'work',
  busy: [{ start, end, summary }],
  updatedAt: NOW - MIN,
});

const registered = (id = 'desk-phone'): PresenceSource => ({
  kind: 'registration',
  id,
  updatedAt: NOW - MIN,
});

describe('compose() — the presence rules (SPEC P1)', () => {
  const table: [string, PresenceSource[], Availability, string | null][] = [
    ['nothing at all → offline', [], 'offline', null],
    ['only a registered SIP device → available (rule 9)', [registered()], 'available', 'registration'],
    [
      'an idle client beats a registered device (rule 8 before 9)',
      [registered(), client('laptop', 'away')],
      'away',
      'client',
    ],
    [
      'a registered device is someone there: a meeting counts (rule 6)',
      [registered(), meeting(NOW - MIN, NOW + 30 * MIN)],
      'in-a-meeting',
      'calendar',
    ],
    [
      'a registered device is someone there: manual DND counts (rule 3)',
      [registered(), manual('dnd')],
      'dnd',
      'manual',
    ],
    ['a registered device on a call → on the phone', [registered(), line('on-call')], 'on-the-phone', 'line'],
    [
      'invisible: own view of a registered device is available (isInvisible for others)',
      [registered(), manual('invisible')],
      'available',
      'registration',
    ],
    ['one available client', [client('laptop', 'available')], 'available', 'client'],
    ['all clients idle → away', [client('laptop', 'away'), client('phone', 'away')], 'away', 'client'],
    [
      'one active client among idle ones → available',
      [client('laptop', 'away'), client('phone', 'available')],
      'available',
      'client',
    ],
    ['only extended-away clients', [client('laptop', 'extended-away')], 'extended-away', 'client'],
    [
      'manual DND beats a call, a meeting and clients',
      [manual('dnd'), line('on-call'), meeting(NOW - MIN, NOW + MIN), client('laptop', 'available')],
      'dnd',
      'manual',
    ],
    ['a client set to dnd beats a call', [client('laptop', 'dnd'), line('on-call')], 'dnd', 'client'],
    [
      'on a call → on the phone, over available clients',
      [client('laptop', 'available'), line('on-call')],
      'on-the-phone',
      'line',
    ],
    [
      'held and conference count as on the phone',
      [client('laptop', 'available'), line('held')],
      'on-the-phone',
      'line',
    ],
    ['ringing is not a call', [client('laptop', 'available'), line('ringing')], 'available', 'client'],
    ['a desk phone on a call with no IM client → on the phone', [line('conference')], 'on-the-phone', 'line'],
    [
      'a meeting now → in a meeting',
      [client('laptop', 'available'), meeting(NOW - MIN, NOW + 30 * MIN)],
      'in-a-meeting',
      'calendar',
    ],
    [
      'a meeting later is not now',
      [client('laptop', 'available'), meeting(NOW + MIN, NOW + 30 * MIN)],
      'available',
      'client',
    ],
    [
      'a call beats a meeting',
      [meeting(NOW - MIN, NOW + MIN), line('on-call'), client('laptop', 'available')],
      'on-the-phone',
      'line',
    ],
    [
      'vacation beats a call',
      [manual('on-vacation', { until: NOW + 86_400_000 }), line('on-call'), client('phone', 'available')],
      'on-vacation',
      'manual',
    ],
    [
      'a vacation that ended is forgotten',
      [manual('on-vacation', { until: NOW - 1 }), client('phone', 'available')],
      'available',
      'client',
    ],
    ['manual busy', [manual('busy'), client('laptop', 'available')], 'busy', 'manual'],
    [
      'manual available yields to idle clients (auto-away)',
      [manual('available'), client('laptop', 'away')],
      'away',
      'client',
    ],
    ['a manual choice with no client online → offline', [manual('busy')], 'offline', null],
    ['manual DND with no client online → offline', [manual('dnd')], 'offline', null],
    ['a meeting of someone not online → offline', [meeting(NOW - MIN, NOW + MIN)], 'offline', null],
    [
      'a vacation shows even with nobody online',
      [manual('on-vacation', { until: NOW + MIN })],
      'on-vacation',
      'manual',
    ],
    [
      'an expired SIP publication counts for nothing',
      [client('sip:alice', 'available', { expiresAt: NOW })],
      'offline',
      null,
    ],
  ];
  for (const [name, sources, availability, winner] of table)
    it(name, () => {
      const composed = compose(sources, NOW);
      assert.equal(composed.availability, availability);
      assert.equal(composed.winner?.kind ?? null, winner);
    });

  it('invisible: others see offline, own clients the composed state', () => {
    const composed = compose([manual('invisible'), client('laptop', 'available')], NOW);
    assert.equal(composed.isInvisible, true);
    assert.equal(composed.availability, 'available');
  });

  it('notes: manual first, then the winner, then the newest client', () => {
    assert.equal(
      compose([manual('busy', { note: 'Deadline' }), client('l', 'available', { note: 'x' })], NOW).note,
      'Deadline',
    );
    assert.equal(
      compose([meeting(NOW - MIN, NOW + MIN, 'Board meeting'), client('l', 'available')], NOW).note,
      'Board meeting',
    );
    assert.equal(
      compose(
        [
          client('old', 'away', { note: 'old note', updatedAt: NOW - 10 * MIN }),
          client('new', 'away', { note: 'new note' }),
        ],
        NOW,
      ).note,
      'new note',
    );
  });

  it('RPID activities and until follow the winner', () => {
    const phone = compose([line('on-call')], NOW);
    assert.deepEqual(phone.activities, ['on-the-phone']);
    const inMeeting = compose([meeting(NOW - MIN, NOW + 30 * MIN), client('l', 'available')], NOW);
    assert.deepEqual(inMeeting.activities, ['meeting']);
    assert.equal(inMeeting.until, NOW + 30 * MIN);
    assert.deepEqual(compose([client('l', 'available')], NOW).activities, []);
  });

  it('is pure: the same input gives the same output, and the input is not changed', () => {
    const sources = [client('b', 'away'), client('a', 'away'), meeting(NOW - MIN, NOW + MIN)];
    const copy = structuredClone(sources);
    assert.deepEqual(compose(sources, NOW), compose(sources, NOW));
    assert.deepEqual(sources, copy);
  });
});
