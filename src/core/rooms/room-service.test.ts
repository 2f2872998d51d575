import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { asUserId } from '../ports.js';
import { type RoomActor, type RoomEffect, RoomError, RoomService } from './room-service.js';

const SERVICE = 'conference.example.org';
const ROOM = `lounge@${SERVICE}`;
const actor = (name: string): RoomActor => ({
  userId: asUserId(`u-${name}`),
  bare: `${name}@example.org`,
  full: `${name}@example.org/phone`,
});
const [alice, bob, carol] = [actor('alice'), actor('bob'), actor('carol')];

function setup() {
  const clock = new FakeClock();
  const rooms = new RoomService({ serviceDomain: SERVICE, clock, ids: sequentialIdSource('m') });
  return { clock, rooms };
}
const self = (effects: RoomEffect[], full: string) => {
  const found = effects.find((e) => e.kind === 'presence' && e.to === full && e.codes.includes(110));
  return found?.kind === 'presence' ? found : undefined;
};
const refusal = (fn: () => unknown, condition: string) =>
  assert.throws(fn, (e: unknown) => e instanceof RoomError && e.condition === condition);

describe('RoomService', () => {
  it('§10.1 creates a locked room for its owner (201) and unlocks it when configured', () => {
    const { rooms } = setup();
    const created = self(rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice }), alice.full);
    assert.ok(created?.kind === 'presence');
    assert.deepEqual(created.codes, [110, 201]);
    assert.equal(created.item.affiliation, 'owner');
    assert.equal(created.item.role, 'moderator');
    refusal(() => rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob }), 'item-not-found');
    rooms.configure(ROOM, alice.bare, {});
    const joined = rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob });
    assert.ok(joined.some((e) => e.kind === 'presence' && e.to === alice.full && e.from === `${ROOM}/Bob`));
  });

  it('§7.2.9 nick conflicts, §7.2.8 members-only, §7.2.6 passwords, §7.2.10 max users', () => {
    const { rooms } = setup();
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, { membersOnly: true, password: 'pw', maxUsers: 2 });
    refusal(
      () => rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob, password: 'pw' }),
      'registration-required',
    );
    rooms.setAffiliation({ roomJid: ROOM, actor: alice, jid: bob.bare, affiliation: 'member' });
    refusal(() => rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob }), 'not-authorized');
    refusal(() => rooms.join({ roomJid: ROOM, nick: 'alice', actor: bob, password: 'pw' }), 'conflict');
    rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob, password: 'pw' });
    rooms.setAffiliation({ roomJid: ROOM, actor: alice, jid: carol.bare, affiliation: 'member' });
    refusal(
      () => rooms.join({ roomJid: ROOM, nick: 'Carol', actor: carol, password: 'pw' }),
      'service-unavailable',
    );
  });

  it('§7.2.15 history by maxstanzas and seconds, with stanza ids', async () => {
    const { rooms, clock } = setup();
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, { historyLength: 3 });
    for (const body of ['one', 'two', 'three', 'four']) {
      await rooms.groupchat({ roomJid: ROOM, full: alice.full, body, stanza: '' });
      clock.advance(10_000);
    }
    const bodies = (effects: RoomEffect[]) =>
      effects
        .filter((e) => e.kind === 'message' && e.body !== undefined)
        .map((e) => (e.kind === 'message' ? e.body : ''));
    assert.deepEqual(bodies(rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob })), [
      'two',
      'three',
      'four',
    ]);
    const carolJoin = rooms.join({ roomJid: ROOM, nick: 'Carol', actor: carol, history: { seconds: 15 } });
    assert.deepEqual(bodies(carolJoin), ['four']);
    rooms.leave(ROOM, carol.full);
    assert.deepEqual(
      bodies(rooms.join({ roomJid: ROOM, nick: 'Carol', actor: carol, history: { maxstanzas: 0 } })),
      [],
    );
  });

  it('uses the archiver id as the stanza-id of every copy', async () => {
    const { rooms } = setup();
    const archived: string[] = [];
    rooms.setArchiver({
      archive: async (m) => {
        archived.push(m.body ?? '');
        return { id: 'arch-1' };
      },
    });
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, {});
    rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob });
    const copies = await rooms.groupchat({ roomJid: ROOM, full: bob.full, body: 'hi', stanza: '<message/>' });
    assert.deepEqual(archived, ['hi']);
    assert.equal(copies.length, 2);
    assert.ok(copies.every((c) => c.kind === 'message' && c.stanzaId === 'arch-1'));
  });

  it('§8.2 kick (307), §9.1 ban (301), §7.4 moderated voice, §8.1 subject', async () => {
    const { rooms } = setup();
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, { moderated: true });
    rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob });
    await assert.rejects(
      rooms.groupchat({ roomJid: ROOM, full: bob.full, body: 'x', stanza: '' }),
      RoomError,
    );
    refusal(() => rooms.setRole({ roomJid: ROOM, full: bob.full, nick: 'Alice', role: 'none' }), 'forbidden');
    rooms.setRole({ roomJid: ROOM, full: alice.full, nick: 'Bob', role: 'participant' });
    assert.equal((await rooms.groupchat({ roomJid: ROOM, full: bob.full, body: 'x', stanza: '' })).length, 2);
    await assert.rejects(
      rooms.groupchat({ roomJid: ROOM, full: bob.full, subject: 's', stanza: '' }),
      RoomError,
    );
    await rooms.groupchat({ roomJid: ROOM, full: alice.full, subject: 'Topic', stanza: '' });
    const kicked = rooms.setRole({
      roomJid: ROOM,
      full: alice.full,
      nick: 'Bob',
      role: 'none',
      reason: 'bye',
    });
    assert.deepEqual(self(kicked, bob.full)?.codes, [110, 307]);
    const bobBack = rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob });
    assert.ok(bobBack.some((e) => e.kind === 'message' && e.subject === 'Topic'));
    const banned = rooms.setAffiliation({
      roomJid: ROOM,
      actor: alice,
      jid: bob.bare,
      affiliation: 'outcast',
    });
    assert.deepEqual(self(banned, bob.full)?.codes, [110, 301]);
    refusal(() => rooms.join({ roomJid: ROOM, nick: 'Bob', actor: bob }), 'forbidden');
  });

  it('§7.8.2 a decline reaches only an inviter; at most 10,000 open invitations, oldest go first', () => {
    const { rooms } = setup();
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, {});
    const invitee = (i: number) => `guest${i}@example.org`;
    for (let i = 0; i <= 10_000; i++) rooms.invite({ roomJid: ROOM, actor: alice, invitee: invitee(i) });
    assert.deepEqual(
      rooms.decline({ roomJid: ROOM, invitee: invitee(1), to: bob.bare }),
      [],
      'bob invited no one',
    );
    assert.deepEqual(rooms.decline({ roomJid: ROOM, invitee: invitee(0), to: alice.bare }), [], 'forgotten');
    const declined = rooms.decline({ roomJid: ROOM, invitee: invitee(1), to: alice.bare });
    assert.deepEqual(
      declined.map((e) => e.kind === 'decline' && e.to),
      [alice.bare],
    );
    assert.deepEqual(rooms.decline({ roomJid: ROOM, invitee: invitee(1), to: alice.bare }), [], 'answered');
  });

  it('§7.6 nick change (303), temporary rooms vanish when empty, escalate', () => {
    const { rooms } = setup();
    rooms.join({ roomJid: ROOM, nick: 'Alice', actor: alice });
    rooms.configure(ROOM, alice.bare, {});
    const renamed = rooms.join({ roomJid: ROOM, nick: 'Al', actor: alice });
    assert.ok(
      renamed.some(
        (e) => e.kind === 'presence' && e.unavailable && e.codes.includes(303) && e.item.nick === 'Al',
      ),
    );
    rooms.leave(ROOM, alice.full);
    assert.equal(rooms.room(ROOM), undefined);
    const { roomJid, effects } = rooms.escalate({ owner: alice, peers: [bob.bare, carol.bare] });
    assert.deepEqual(
      effects.map((e) => e.kind === 'invite' && e.to),
      [bob.bare, carol.bare],
    );
    const room = rooms.room(roomJid);
    assert.ok(room?.config.membersOnly);
    assert.equal(rooms.affiliationOf(room, bob.bare), 'member');
    rooms.join({ roomJid, nick: 'Bob', actor: bob });
  });
});
