import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { asUserId } from '../ports.js';
import { PresenceService } from '../presence/presence-service.js';
import {
  type BusyTime,
  CalendarService,
  calendarUrlForDisplay,
  validateCalendarSource,
} from './calendar-service.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function setup(read: (url: string) => Promise<readonly BusyTime[]>) {
  const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
  const store = new MemoryStore();
  const userId = asUserId('u-carol');
  const keys = { iterations: 4096, salt: '', storedKey: '', serverKey: '' };
  await store.accounts.insertUser(
    {
      id: userId,
      username: 'carol',
      displayName: 'Carol',
      email: null,
      isAdmin: false,
      createdAt: clock.now(),
    },
    {
      scramSha1: keys,
      scramSha256: keys,
      digestRealm: 'x',
      ha1Md5: '',
      ha1Sha256: '',
      passwordHash: '',
      updatedAt: clock.now(),
    },
  );
  const presence = new PresenceService({
    clock,
    facts: {
      addressOf: async () => 'carol@x',
      rosterItem: async () => undefined,
      isBlocked: async () => false,
    },
  });
  const windows: { start: number; end: number }[] = [];
  const calendar = new CalendarService({
    store: store.presence,
    clock,
    presence,
    pollMs: 300_000,
    read: async (request) => {
      windows.push(request.window);
      return read(request.url);
    },
  });
  return { clock, store, userId, presence, calendar, windows };
}

const online = (now: number) =>
  ({
    kind: 'client',
    id: 'carol@x/pc',
    protocol: 'xmpp',
    availability: 'available',
    note: null,
    priority: 0,
    updatedAt: now,
    expiresAt: null,
  }) as const;

describe('CalendarService', () => {
  it('validates sources and never shows credentials', () => {
    assert.throws(() => validateCalendarSource({ url: 'ftp://x/cal' }), /http, https or webcal/);
    assert.throws(() => validateCalendarSource({ url: 'not a url' }), /not a URL/);
    assert.equal(
      calendarUrlForDisplay('https://u:secret@cal.example/c/?token=abc'),
      'https://cal.example/c/',
    );
  });

  it('a busy event becomes in-a-meeting while online; polled again every pollMs', async () => {
    const meeting = { start: Date.UTC(2026, 11, 1, 10), end: Date.UTC(2026, 11, 1, 11), summary: 'Review' };
    const env = await setup(async () => [meeting]);
    const { clock, userId, presence, calendar } = env;
    try {
      presence.update(userId, online(clock.now()));
      await calendar.setSource(userId, { url: 'https://cal.example/carol.ics' });
      await calendar.start();
      assert.equal(env.windows.length, 1);
      assert.deepEqual(env.windows[0], { start: clock.now(), end: clock.now() + 24 * 3_600_000 });
      assert.equal(presence.presenceOf(userId).availability, 'available');
      clock.advance(3_600_000); // 10:00: the meeting starts (the engine's own timer)
      await settle();
      assert.equal(presence.presenceOf(userId).availability, 'in-a-meeting');
      assert.equal(presence.presenceOf(userId).note, 'Review');
      assert.ok(env.windows.length >= 2, 'polled again');
      clock.advance(3_600_000);
      await settle();
      assert.equal(presence.presenceOf(userId).availability, 'available');
    } finally {
      calendar.stop();
      presence.close();
    }
  });

  it('backs off after failures (1 min, 2 min, …) and recovers; removing the source removes the busy time', async () => {
    let failing = true;
    const env = await setup(async () => {
      if (failing) throw new Error('connection refused');
      return [{ start: Date.UTC(2026, 11, 1, 8), end: Date.UTC(2026, 11, 1, 12), summary: null }];
    });
    const { clock, userId, presence, calendar } = env;
    try {
      presence.update(userId, online(clock.now()));
      await calendar.setSource(userId, {
        url: 'https://cal.example/dav/carol/',
        username: 'c',
        password: 's',
      });
      await calendar.start();
      assert.equal(env.windows.length, 1);
      clock.advance(59_000);
      await settle();
      assert.equal(env.windows.length, 1, 'no retry before a minute');
      clock.advance(1_000);
      await settle();
      assert.equal(env.windows.length, 2, 'retry after 1 min');
      clock.advance(119_000);
      await settle();
      assert.equal(env.windows.length, 2, 'then waits 2 min');
      failing = false;
      clock.advance(1_000);
      await settle();
      assert.equal(env.windows.length, 3);
      assert.equal(presence.presenceOf(userId).availability, 'in-a-meeting');
      await calendar.clearSource(userId);
      assert.equal(presence.presenceOf(userId).availability, 'available');
    } finally {
      calendar.stop();
      presence.close();
    }
  });
});
