import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { asUserId } from '../ports.js';
import { decideWatch, PresenceService, presenceSeenBy } from './presence-service.js';

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
    assert.equal(decideWatch({ isSelf: true, isBlocked: true, item: undefined }), 'self');
    assert.equal(
      decideWatch({ isSelf: false, isBlocked: true, item: { subscription: 'both', pendingIn: false } }),
      'blocked',
    );
    assert.equal(
      decideWatch({ isSelf: false, isBlocked: false, item: { subscription: 'from', pendingIn: false } }),
      'approved',
    );
    assert.equal(
      decideWatch({ isSelf: false, isBlocked: false, item: { subscription: 'to', pendingIn: true } }),
      'pending',
    );
    assert.equal(decideWatch({ isSelf: false, isBlocked: false, item: undefined }), 'none');
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
