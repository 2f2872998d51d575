/**
 * Store contract: RoomStore (core/ports.ts; XEP-0045 §10.1.3 persistent rooms, XEP-0313 §5 room
 * archives) — a room replaced whole with its affiliations, gone with its archive on delete,
 * archive pages in (at, id) order, and everything kept through close and reopen.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId, type RoomMessageRecord, type RoomRecord } from '../../src/core/ports.js';
import { assertRejects, type OpenStoreFixture, T0, withStore } from './store-fixtures.js';

const ROOM = 'coven@conference.example.org';
const room: RoomRecord = {
  jid: ROOM,
  config: { name: 'Coven ☃', persistent: true, membersOnly: true, historyLength: 20 },
  subject: { text: 'Fire <burn>', nick: 'firstwitch' },
  createdBy: asUserId('u-alice'),
  createdAt: T0,
  affiliations: [
    { jid: 'alice@example.org', affiliation: 'owner', reason: null },
    { jid: 'bob@example.org', affiliation: 'member', reason: 'a friend' },
  ],
};

const message = (id: string, at: number, body: string | null, roomJid = ROOM): RoomMessageRecord => ({
  id,
  roomJid,
  nick: 'firstwitch',
  sender: 'alice@example.org',
  at,
  body,
  payload: { format: 'xmpp', content: `<message type="groupchat"><body>${body ?? ''}</body></message>` },
});

const ids = (records: readonly RoomMessageRecord[]) => records.map((r) => r.id);

export function describeRoomContract(open: OpenStoreFixture): void {
  describe('rooms (persistent rooms, affiliations, room archive)', () => {
    it('keeps a room whole and replaces it with its affiliations', () =>
      withStore(open, async (store) => {
        assert.deepEqual(await store.rooms.list(), []);
        await store.rooms.put(room);
        assert.deepEqual(await store.rooms.list(), [room]);
        const changed: RoomRecord = {
          ...room,
          config: { ...room.config, name: 'Renamed' },
          subject: null,
          affiliations: [
            { jid: 'alice@example.org', affiliation: 'owner', reason: null },
            { jid: 'eve@example.org', affiliation: 'outcast', reason: 'spam' },
          ],
        };
        await store.rooms.put(changed);
        await store.rooms.put({ ...room, jid: 'other@conference.example.org', affiliations: [] });
        const listed = await store.rooms.list();
        assert.deepEqual(
          listed.map((r) => r.jid),
          [ROOM, 'other@conference.example.org'],
        );
        assert.deepEqual(listed[0], changed);
        assert.deepEqual(listed[1]?.affiliations, []);
      }));

    it('deletes a room with its affiliations and its archive', () =>
      withStore(open, async (store) => {
        await store.rooms.put(room);
        await store.rooms.appendMessage(message('m1', T0, 'one'));
        await store.rooms.appendMessage(message('x1', T0, 'elsewhere', 'other@conference.example.org'));
        await store.rooms.delete(ROOM);
        assert.deepEqual(await store.rooms.list(), []);
        assert.equal(await store.rooms.countMessages(ROOM, {}), 0);
        assert.equal(await store.rooms.getMessage(ROOM, 'm1'), undefined);
        // Another room's archive stays; a room id is free again once deleted.
        assert.equal(await store.rooms.countMessages('other@conference.example.org', {}), 1);
        await store.rooms.appendMessage(message('m1', T0, 'again'));
        assert.equal(await store.rooms.deleteMessages(ROOM), 1);
        assert.equal(await store.rooms.deleteMessages(ROOM), 0);
      }));

    it('pages a room archive by (at, id) with filters, refusing a taken id', () =>
      withStore(open, async (store) => {
        await store.rooms.appendMessage(message('b', T0 + 1000, 'Second ☃'));
        await store.rooms.appendMessage(message('a', T0 + 1000, 'first'));
        await store.rooms.appendMessage(message('c', T0 + 2000, null));
        await store.rooms.appendMessage(message('d', T0 + 3000, 'fourth 100%'));
        await assertRejects(store.rooms.appendMessage(message('a', T0, 'dup')), 'HERALD_ERR_CONFLICT');
        assert.equal(await store.rooms.countMessages(ROOM, {}), 4);
        assert.equal(await store.rooms.countMessages(ROOM.toUpperCase(), {}), 4);
        assert.deepEqual(ids(await store.rooms.listMessages(ROOM, {}, { order: 'asc', limit: 10 })), [
          'a',
          'b',
          'c',
          'd',
        ]);
        const first = (await store.rooms.getMessage(ROOM, 'b'))!;
        assert.deepEqual(first, message('b', T0 + 1000, 'Second ☃'));
        assert.deepEqual(
          ids(await store.rooms.listMessages(ROOM, {}, { after: first, order: 'asc', limit: 2 })),
          ['c', 'd'],
        );
        assert.deepEqual(
          ids(await store.rooms.listMessages(ROOM, {}, { before: first, order: 'desc', limit: 5 })),
          ['a'],
        );
        assert.deepEqual(ids(await store.rooms.listMessages(ROOM, {}, { order: 'desc', limit: 2 })), [
          'd',
          'c',
        ]);
        const window = { start: T0 + 1500, end: T0 + 3000 };
        assert.deepEqual(ids(await store.rooms.listMessages(ROOM, window, { order: 'asc', limit: 9 })), [
          'c',
          'd',
        ]);
        assert.equal(await store.rooms.countMessages(ROOM, { text: 'second ☃' }), 1);
        assert.equal(await store.rooms.countMessages(ROOM, { text: '0%' }), 1);
        assert.equal(await store.rooms.countMessages(ROOM, { text: '_' }), 0);
        await assertRejects(
          store.rooms.listMessages(ROOM, {}, { order: 'asc', limit: 0 }),
          'HERALD_ERR_VALIDATION',
        );
      }));

    it('keeps rooms and archives through close and reopen', (t) =>
      withStore(open, async (store, fixture) => {
        if (!fixture.reopen) return t.skip('this adapter keeps nothing after close');
        await store.rooms.put(room);
        await store.rooms.appendMessage(message('m1', T0, 'kept'));
        await store.close();
        const again = await fixture.reopen();
        assert.deepEqual(await again.rooms.list(), [room]);
        assert.deepEqual(ids(await again.rooms.listMessages(ROOM, {}, { order: 'asc', limit: 5 })), ['m1']);
      }));

    it('rolls a room write back with its transaction', () =>
      withStore(open, async (store) => {
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.rooms.put(room);
            await tx.rooms.appendMessage(message('m1', T0, 'gone'));
            throw new Error('abort');
          }),
          /abort/,
        );
        assert.deepEqual(await store.rooms.list(), []);
        assert.equal(await store.rooms.countMessages(ROOM, {}), 0);
      }));
  });
}
