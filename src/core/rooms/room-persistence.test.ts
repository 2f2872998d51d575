/**
 * RoomService write-through to a RoomStore (XEP-0045 §10.1.3) and the room archive (XEP-0313 §5),
 * over the memory store: what is stored when, what comes back on load, and who may read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../infra/store/index.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { asUserId } from '../ports.js';
import { StoreRoomArchiver } from './room-archiver.js';
import { type RoomActor, RoomError, RoomService } from './room-service.js';

const SERVICE = 'conference.example.org';
const ROOM = `lounge@${SERVICE}`;
const actor = (name: string, resource = 'phone'): RoomActor => ({
  userId: asUserId(`u-${name}`),
  bare: `${name}@example.org`,
  full: `${name}@example.org/${resource}`,
});
const [alice, bob, carol] = [actor('alice'), actor('bob'), actor('carol')];

function service(store: MemoryStore, clock = new FakeClock()) {
  const ids = sequentialIdSource('m');
  return new RoomService({
    serviceDomain: SERVICE,
    clock,
    ids,
    store: store.rooms,
    archiver: new StoreRoomArchiver({ store: store.rooms, ids }),
  });
}

const say = (rooms: RoomService, who: RoomActor, body: string) =>
  rooms.groupchat({ roomJid: ROOM, full: who.full, body, stanza: `<message><body>${body}</body></message>` });

describe('RoomService persistence', () => {
  it('never stores a temporary room, and forgets its archive when it empties', async () => {
    const store = new MemoryStore();
    const rooms = service(store);
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, {});
    await say(rooms, alice, 'hello');
    await rooms.flush();
    assert.deepEqual(await store.rooms.list(), []);
    assert.equal(await store.rooms.countMessages(ROOM, {}), 1);
    rooms.leave(ROOM, alice.full);
    await rooms.flush();
    assert.equal(await store.rooms.countMessages(ROOM, {}), 0);
  });

  it('writes a persistent room through and loads it unlocked, empty, with history and members', async () => {
    const store = new MemoryStore();
    const rooms = service(store);
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, { persistent: true, membersOnly: true, historyLength: 2 });
    rooms.setAffiliation({
      roomJid: ROOM,
      actor: alice,
      jid: bob.bare,
      affiliation: 'member',
      reason: 'pal',
    });
    await rooms.groupchat({ roomJid: ROOM, full: alice.full, subject: 'Topic', stanza: '<message/>' });
    for (const body of ['one', 'two', 'three']) await say(rooms, alice, body);
    await rooms.flush();
    const [stored] = await store.rooms.list();
    assert.equal(stored?.subject?.text, 'Topic');
    assert.deepEqual(
      stored?.affiliations.map((a) => [a.jid, a.affiliation, a.reason]),
      [
        [alice.bare, 'owner', null],
        [bob.bare, 'member', 'pal'],
      ],
    );

    const restarted = service(store);
    assert.deepEqual(await restarted.load(), { loaded: 1, skipped: [] });
    const room = restarted.room(ROOM)!;
    assert.equal(room.locked, false);
    assert.equal(room.occupants.size, 0);
    assert.equal(restarted.affiliationOf(room, bob.bare), 'member');
    // History on join: the newest historyLength archived messages, oldest first.
    const joined = restarted.join({ roomJid: ROOM, nick: 'Bob', actor: bob });
    assert.deepEqual(
      joined
        .filter((e) => e.kind === 'message' && e.body !== undefined)
        .map((e) => e.kind === 'message' && e.body),
      ['two', 'three'],
    );
    assert.throws(
      () => restarted.join({ roomJid: ROOM, nick: 'Carol', actor: carol }),
      (e: unknown) => e instanceof RoomError && e.condition === 'registration-required',
    );
  });

  it('pages the room archive for occupants and members only (XEP-0313 §5)', async () => {
    const store = new MemoryStore();
    const rooms = service(store);
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, { persistent: true, membersOnly: true });
    rooms.setAffiliation({ roomJid: ROOM, actor: alice, jid: bob.bare, affiliation: 'member' });
    for (const body of ['a', 'b', 'c']) await say(rooms, alice, body);
    const page = await rooms.archivePage({
      roomJid: ROOM,
      bare: bob.bare,
      full: bob.full,
      filter: {},
      page: { max: 2 },
    });
    assert.deepEqual(
      page.items.map((m) => m.body),
      ['a', 'b'],
    );
    assert.equal(page.count, 3);
    assert.equal(page.complete, false);
    const last = await rooms.archivePage({
      roomJid: ROOM,
      bare: bob.bare,
      full: bob.full,
      filter: {},
      page: { before: true, max: 1 },
    });
    assert.deepEqual(
      last.items.map((m) => m.body),
      ['c'],
    );
    await assert.rejects(
      rooms.archivePage({ roomJid: ROOM, bare: carol.bare, full: carol.full, filter: {}, page: {} }),
      (e: unknown) => e instanceof RoomError && e.condition === 'forbidden',
    );
  });

  it('deletes the row of a room turned temporary once it is empty, and of a destroyed one', async () => {
    const store = new MemoryStore();
    const rooms = service(store);
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, { persistent: true });
    await rooms.flush();
    assert.equal((await store.rooms.list()).length, 1);
    rooms.configure(ROOM, alice.bare, { persistent: false });
    await rooms.flush();
    assert.equal((await store.rooms.list())[0]?.config.persistent, false, 'the row says temporary');
    // Should the server stop while it is occupied, the loaded row is dropped.
    assert.deepEqual(await service(store).load(), { loaded: 0, skipped: [] });
    assert.deepEqual(await store.rooms.list(), []);
    rooms.leave(ROOM, alice.full);
    await rooms.flush();
    assert.deepEqual(await store.rooms.list(), []);
    const other = `other@${SERVICE}`;
    rooms.join({ roomJid: other, nick: 'Alice', actor: alice });
    rooms.configure(other, alice.bare, { persistent: true });
    rooms.destroy(other, alice.bare);
    await rooms.flush();
    assert.deepEqual(await store.rooms.list(), []);
  });

  it('reports a failed write and makes the next flush fail (the request is answered with an error)', async () => {
    const store = new MemoryStore();
    const failing = Object.create(store.rooms) as typeof store.rooms;
    failing.put = async () => {
      throw new Error('disk full');
    };
    const errors: string[] = [];
    const rooms = new RoomService({
      serviceDomain: SERVICE,
      clock: new FakeClock(),
      ids: sequentialIdSource('m'),
      store: failing,
      onStoreError: (_error, roomJid) => errors.push(roomJid),
    });
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, { persistent: true });
    await assert.rejects(
      rooms.flush(),
      (e: unknown) => e instanceof RoomError && e.condition === 'service-unavailable',
    );
    assert.deepEqual(errors, [ROOM]);
    await rooms.flush();
  });

  it('skips a stored room whose configuration does not validate', async () => {
    const store = new MemoryStore();
    const base = {
      createdBy: asUserId('u-alice'),
      createdAt: 0,
      subject: null,
      affiliations: [{ jid: alice.bare, affiliation: 'owner' as const, reason: null }],
    };
    await store.rooms.put({ ...base, jid: `bad@${SERVICE}`, config: { persistent: true, maxUsers: 'many' } });
    await store.rooms.put({
      ...base,
      jid: `huge@${SERVICE}`,
      config: { persistent: true, maxUsers: 10 ** 9 },
    });
    await store.rooms.put({ ...base, jid: `ok@${SERVICE}`, config: { persistent: true } });
    const rooms = service(store);
    const result = await rooms.load();
    assert.equal(result.loaded, 1);
    assert.deepEqual(result.skipped.sort(), [`bad@${SERVICE}`, `huge@${SERVICE}`]);
    assert.ok(rooms.room(`ok@${SERVICE}`));
  });
});
