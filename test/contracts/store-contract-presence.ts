/**
 * Store contract: PresenceStore (core/ports.ts; docs/presence.md) — manual status and calendar
 * source, one each per user, gone with the user, kept through close and reopen.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejects, insertUsers, type OpenStoreFixture, T0, user, withStore } from './store-fixtures.js';

const ALICE = user('alice').id;
const BOB = user('bob').id;
const vacation = { availability: 'on-vacation', note: 'Back ☃ <Monday>', until: T0 + 2 ** 33, updatedAt: T0 };
const dav = { url: 'https://cal.example/dav/alice/', username: 'alice', password: 's3cret', updatedAt: T0 };

export function describePresenceContract(open: OpenStoreFixture): void {
  describe('presence (manual status, calendar source)', () => {
    it('keeps one manual status and one calendar per user, replaced by the next', () =>
      withStore(open, async (store) => {
        await insertUsers(store, 'alice', 'bob');
        assert.equal(await store.presence.manualStatus(ALICE), undefined);
        await store.presence.setManualStatus(ALICE, vacation);
        await store.presence.setManualStatus(BOB, {
          availability: 'dnd',
          note: null,
          until: null,
          updatedAt: T0,
        });
        assert.deepEqual(await store.presence.manualStatus(ALICE), vacation);
        await store.presence.setManualStatus(ALICE, { ...vacation, availability: 'away', until: null });
        assert.deepEqual(await store.presence.manualStatus(ALICE), {
          ...vacation,
          availability: 'away',
          until: null,
        });
        assert.deepEqual(
          (await store.presence.allManualStatuses()).map((s) => s.userId).sort(),
          [ALICE, BOB].sort(),
        );
        await store.presence.clearManualStatus(BOB);
        assert.equal(await store.presence.manualStatus(BOB), undefined);

        await store.presence.setCalendarSource(ALICE, dav);
        await store.presence.setCalendarSource(BOB, { ...dav, username: null, password: null });
        assert.deepEqual(await store.presence.calendarSource(ALICE), dav);
        await store.presence.setCalendarSource(ALICE, { ...dav, url: 'https://x/a.ics', updatedAt: T0 + 1 });
        assert.equal((await store.presence.calendarSource(ALICE))?.url, 'https://x/a.ics');
        assert.equal((await store.presence.allCalendarSources()).length, 2);
        await store.presence.clearCalendarSource(ALICE);
        assert.equal(await store.presence.calendarSource(ALICE), undefined);
      }));

    it('refuses an unknown user; goes with its user', () =>
      withStore(open, async (store) => {
        await assertRejects(
          store.presence.setManualStatus(ALICE, vacation),
          'HERALD_ERR_NOT_FOUND',
          'userId',
        );
        await assertRejects(store.presence.setCalendarSource(ALICE, dav), 'HERALD_ERR_NOT_FOUND', 'userId');
        await insertUsers(store, 'alice');
        await store.presence.setManualStatus(ALICE, vacation);
        await store.presence.setCalendarSource(ALICE, dav);
        await store.accounts.deleteUser(ALICE);
        await insertUsers(store, 'alice');
        assert.equal(await store.presence.manualStatus(ALICE), undefined);
        assert.equal(await store.presence.calendarSource(ALICE), undefined);
        assert.deepEqual(await store.presence.allManualStatuses(), []);
        assert.deepEqual(await store.presence.allCalendarSources(), []);
      }));

    it('keeps them through close and reopen', (t) =>
      withStore(open, async (store, fixture) => {
        if (!fixture.reopen) return t.skip('this adapter keeps nothing after close');
        await insertUsers(store, 'alice');
        await store.presence.setManualStatus(ALICE, vacation);
        await store.presence.setCalendarSource(ALICE, dav);
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.presence.manualStatus(ALICE), vacation);
        assert.deepEqual(await again.presence.calendarSource(ALICE), dav);
      }));
  });
}
