import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { asUserId } from '../ports.js';
import { nextBoundary, PresenceEngine } from './presence-engine.js';
import type { PresenceSource } from './presence-source.js';

const alice = asUserId('alice');
const MIN = 60_000;

function laptop(
  clock: FakeClock,
  availability: 'available' | 'away' = 'available',
  expiresAt: number | null = null,
): PresenceSource {
  return {
    kind: 'client',
    id: 'alice@localhost/laptop',
    protocol: 'xmpp',
    availability,
    note: null,
    priority: 0,
    updatedAt: clock.now(),
    expiresAt,
  };
}

describe('PresenceEngine', () => {
  it('tells listeners only of real changes', () => {
    const clock = new FakeClock();
    const engine = new PresenceEngine({ clock });
    const seen: string[] = [];
    engine.onChanged(({ presence }) => seen.push(presence.availability));
    engine.update(alice, laptop(clock));
    engine.update(alice, laptop(clock)); // the same again: no change
    engine.update(alice, laptop(clock, 'away'));
    engine.remove(alice, 'client', 'alice@localhost/laptop');
    assert.deepEqual(seen, ['available', 'away', 'offline']);
  });

  it('alice on a call is on the phone, and back when the call ends', () => {
    const clock = new FakeClock();
    const engine = new PresenceEngine({ clock });
    engine.update(alice, laptop(clock));
    engine.update(alice, { kind: 'line', id: '1001@internal', state: 'on-call', updatedAt: clock.now() });
    assert.equal(engine.presenceOf(alice).availability, 'on-the-phone');
    engine.update(alice, { kind: 'line', id: '1001@internal', state: 'idle', updatedAt: clock.now() });
    assert.equal(engine.presenceOf(alice).availability, 'available');
  });

  it('time moves presence: a meeting starts and ends, a vacation ends, a publication expires', () => {
    const clock = new FakeClock();
    const engine = new PresenceEngine({ clock });
    const seen: string[] = [];
    engine.onChanged(({ presence }) => seen.push(presence.availability));
    const now = clock.now();
    engine.update(alice, laptop(clock, 'available', now + 60 * MIN));
    engine.update(alice, {
      kind: 'calendar',
      id: 'work',
      busy: [{ start: now + 10 * MIN, end: now + 40 * MIN, summary: 'Sync' }],
      updatedAt: now,
    });
    clock.advance(10 * MIN);
    assert.equal(engine.presenceOf(alice).availability, 'in-a-meeting');
    clock.advance(30 * MIN);
    assert.equal(engine.presenceOf(alice).availability, 'available');
    clock.advance(20 * MIN);
    assert.equal(engine.presenceOf(alice).availability, 'offline', 'the publication expired');
    assert.deepEqual(seen, ['available', 'in-a-meeting', 'available', 'offline']);
    assert.equal(clock.pendingTimers, 0, 'no timer left once nothing can change by itself');
  });

  it('nextBoundary is the nearest future expiry, until or meeting edge', () => {
    const now = 1000;
    assert.equal(nextBoundary([], now), null);
    assert.equal(
      nextBoundary(
        [
          {
            kind: 'manual',
            id: 'manual',
            availability: 'on-vacation',
            note: null,
            until: 5000,
            updatedAt: 0,
          },
          { kind: 'calendar', id: 'c', busy: [{ start: 500, end: 3000, summary: null }], updatedAt: 0 },
        ],
        now,
      ),
      3000,
    );
  });

  it('a failing listener does not stop the others', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const engine = new PresenceEngine({ clock, onListenerError: (e) => errors.push(e) });
    let heard = 0;
    engine.onChanged(() => {
      throw new Error('boom');
    });
    engine.onChanged(() => {
      heard++;
    });
    engine.update(alice, laptop(clock));
    assert.equal(heard, 1);
    assert.equal(errors.length, 1);
  });
});
