import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { userJid } from '../address/jid.js';
import { asUserId } from '../ports.js';
import type { RosterEffect } from '../roster/roster-effects.js';
import { RosterEffectsRelay } from '../roster/roster-effects-relay.js';
import { decideWatch, PresenceService, presenceSeenBy, rosterAnswerOf } from './presence-service.js';

const alice = asUserId('u-alice');

function service(options: {
  item?: { subscription: 'none' | 'to' | 'from' | 'both'; pendingIn: boolean };
  blocked?: boolean;
}) {
  return new PresenceService({
    clock: new FakeClock(1_000),
    facts: {
      addressOf: async (id) => (id === alice ? 'alice@example.test' : undefined),
      rosterItem: async () => options.item,
      isBlocked: async () => options.blocked ?? false,
    },
  });
}

const online = {
  kind: 'client',
  id: 'alice@example.test/pc',
  protocol: 'xmpp',
  availability: 'available',
  note: 'here',
  priority: 0,
  updatedAt: 1_000,
  expiresAt: null,
} as const;

describe('watch policy (one roster subscription for XMPP and SIP watchers)', () => {
  it('decides from the roster record and the block list', () => {
    assert.equal(decideWatch({ isSelf: true, isBlocked: true, roster: 'none' }), 'self');
    assert.equal(decideWatch({ isSelf: false, isBlocked: true, roster: 'approved' }), 'blocked');
    assert.equal(
      decideWatch({
        isSelf: false,
        isBlocked: false,
        roster: rosterAnswerOf({ subscription: 'from', pendingIn: false }),
      }),
      'approved',
    );
    assert.equal(
      decideWatch({
        isSelf: false,
        isBlocked: false,
        roster: rosterAnswerOf({ subscription: 'to', pendingIn: true }),
      }),
      'pending',
    );
    assert.equal(decideWatch({ isSelf: false, isBlocked: false, roster: rosterAnswerOf(undefined) }), 'none');
  });

  it('shows the composed presence to approved watchers and offline to the rest', async () => {
    const approved = service({ item: { subscription: 'both', pendingIn: false } });
    approved.update(alice, online);
    assert.equal((await approved.presenceFor(alice, 'bob@example.test/phone')).availability, 'available');
    const blocked = service({ item: { subscription: 'both', pendingIn: false }, blocked: true });
    blocked.update(alice, online);
    assert.equal((await blocked.presenceFor(alice, 'bob@example.test')).availability, 'offline');
    const stranger = service({});
    stranger.update(alice, online);
    assert.equal(await stranger.decide(alice, 'sip:bob@example.test'), 'none');
    assert.equal((await stranger.presenceFor(alice, 'alice@example.test/other')).availability, 'available');
  });

  it('keeps an invisible person offline for everyone but themselves', () => {
    const invisible = {
      ...service({}).presenceOf(alice),
      availability: 'available' as const,
      isInvisible: true,
    };
    assert.equal(presenceSeenBy(invisible, 'approved').availability, 'offline');
    assert.equal(presenceSeenBy(invisible, 'self').availability, 'available');
  });
});

describe('watch policy cache (one roster read per owner and watcher, dropped on roster changes)', () => {
  function counted(options: { ttlMs?: number; relay?: RosterEffectsRelay | null } = {}) {
    const clock = new FakeClock(1_000);
    const reads = { address: 0, item: 0 };
    const roster = new Map<string, { subscription: 'none' | 'to' | 'from' | 'both'; pendingIn: boolean }>();
    const blocked = new Set<string>();
    let failNext = false;
    const relay = options.relay === null ? undefined : (options.relay ?? new RosterEffectsRelay());
    const presence = new PresenceService({
      clock,
      facts: {
        addressOf: async (id) => {
          reads.address++;
          return id === alice ? 'alice@example.test' : undefined;
        },
        rosterItem: async (_id, watcher) => {
          reads.item++;
          if (failNext) {
            failNext = false;
            throw new Error('store unavailable');
          }
          return roster.get(watcher);
        },
        isBlocked: async (_id, address) => blocked.has(address),
      },
      ...(relay ? { rosterChanges: relay } : {}),
      ...(options.ttlMs === undefined ? {} : { watchCacheTtlMs: options.ttlMs }),
    });
    return { clock, reads, roster, blocked, presence, relay, fail: () => (failNext = true) };
  }
  const push = (userId: typeof alice): RosterEffect => ({
    kind: 'roster-push',
    userId,
    to: userJid('alice', 'example.test'),
    version: 2,
    item: {
      contact: userJid('bob', 'example.test'),
      name: null,
      groups: [],
      subscription: 'none',
      pendingOut: false,
      preApproved: false,
    },
  });

  it('reads the roster once for many questions, and again after a change is announced', async () => {
    const { reads, roster, presence, relay } = counted();
    roster.set('bob@example.test', { subscription: 'both', pendingIn: false });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => presence.decide(alice, 'bob@example.test/phone')),
    );
    assert.deepEqual(new Set(answers), new Set(['approved']));
    assert.deepEqual(reads, { address: 1, item: 1 }, 'concurrent questions share one read');
    assert.equal(await presence.decide(alice, 'bob@example.test'), 'approved');
    assert.deepEqual(reads, { address: 1, item: 1 });
    // Alice revokes Bob (RFC 6121 §3.2): the roster push for her drops her cached answers.
    roster.set('bob@example.test', { subscription: 'to', pendingIn: false });
    relay?.announce([push(asUserId('u-bob'))], 'xmpp');
    assert.equal(
      await presence.decide(alice, 'bob@example.test'),
      'approved',
      "bob's own push is not alice's",
    );
    relay?.announce([push(alice)], 'sip');
    assert.equal(await presence.decide(alice, 'bob@example.test'), 'none');
    assert.deepEqual(reads, { address: 2, item: 2 });
  });

  it('asks the block list every time, so a block needs no announcement', async () => {
    const { roster, blocked, presence } = counted();
    roster.set('bob@example.test', { subscription: 'both', pendingIn: false });
    assert.equal(await presence.decide(alice, 'bob@example.test'), 'approved');
    blocked.add('bob@example.test');
    assert.equal(await presence.decide(alice, 'bob@example.test'), 'blocked');
    assert.equal((await presence.presenceFor(alice, 'bob@example.test')).availability, 'offline');
  });

  it('reads again once an answer is older than the time to live, announced or not', async () => {
    const { clock, reads, roster, presence } = counted({ ttlMs: 10_000 });
    roster.set('bob@example.test', { subscription: 'from', pendingIn: false });
    await presence.decide(alice, 'bob@example.test');
    clock.advance(9_999);
    await presence.decide(alice, 'bob@example.test');
    assert.deepEqual(reads, { address: 1, item: 1 });
    roster.delete('bob@example.test');
    clock.advance(1);
    assert.equal(await presence.decide(alice, 'bob@example.test'), 'none');
    assert.deepEqual(reads, { address: 2, item: 2 });
  });

  it('keeps no failed read, and caches nothing without a change feed', async () => {
    const failing = counted();
    failing.roster.set('bob@example.test', { subscription: 'both', pendingIn: false });
    failing.fail();
    await assert.rejects(failing.presence.decide(alice, 'bob@example.test'), /store unavailable/);
    assert.equal(await failing.presence.decide(alice, 'bob@example.test'), 'approved');
    const uncached = counted({ relay: null });
    uncached.roster.set('bob@example.test', { subscription: 'both', pendingIn: false });
    await uncached.presence.decide(alice, 'bob@example.test');
    await uncached.presence.decide(alice, 'bob@example.test');
    assert.deepEqual(uncached.reads, { address: 2, item: 2 });
  });

  it('drops the oldest owners beyond its size', async () => {
    const clock = new FakeClock(0);
    let reads = 0;
    const presence = new PresenceService({
      clock,
      facts: {
        addressOf: async (id) => `${id}@example.test`,
        rosterItem: async () => {
          reads++;
          return { subscription: 'both', pendingIn: false };
        },
        isBlocked: async () => false,
      },
      rosterChanges: new RosterEffectsRelay(),
      watchCacheSize: 2,
    });
    const [a, b, c] = [asUserId('a'), asUserId('b'), asUserId('c')];
    await presence.decide(a, 'w@example.test');
    await presence.decide(b, 'w@example.test');
    await presence.decide(c, 'w@example.test');
    assert.equal(reads, 3);
    await presence.decide(c, 'w@example.test');
    await presence.decide(b, 'w@example.test');
    assert.equal(reads, 3, 'the two newest stayed');
    await presence.decide(a, 'w@example.test');
    assert.equal(reads, 4, 'the oldest went');
  });
});
