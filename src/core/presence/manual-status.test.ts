import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { isHeraldError } from '../../kernel/errors.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { asUserId } from '../ports.js';
import { ManualStatusService } from './manual-status.js';
import { PresenceService } from './presence-service.js';

const bob = asUserId('u-bob');
const keys = { iterations: 4096, salt: '', storedKey: '', serverKey: '' };

async function setup() {
  const clock = new FakeClock(1_000_000);
  const store = new MemoryStore();
  await store.accounts.insertUser(
    { id: bob, username: 'bob', displayName: 'Bob', email: null, isAdmin: false, createdAt: 0 },
    {
      scramSha1: keys,
      scramSha256: keys,
      digestRealm: 'x',
      ha1Md5: '',
      ha1Sha256: '',
      passwordHash: '',
      updatedAt: 0,
    },
  );
  const facts = {
    addressOf: async () => 'bob@x',
    rosterItem: async () => undefined,
    isBlocked: async () => false,
  };
  const presence = new PresenceService({ clock, facts });
  return {
    clock,
    store,
    presence,
    manual: new ManualStatusService({ store: store.presence, clock, presence }),
    facts,
  };
}

describe('ManualStatusService', () => {
  it('validates: unknown availability, a past until, a long note', async () => {
    const { manual, presence } = await setup();
    const field = (f: string) => (e: unknown) => isHeraldError(e, 'HERALD_ERR_VALIDATION') && e.field === f;
    await assert.rejects(manual.set(bob, { availability: 'sleeping' }), field('availability'));
    await assert.rejects(manual.set(bob, { availability: 'away', until: 1 }), field('until'));
    await assert.rejects(manual.set(bob, { availability: 'away', note: 'x'.repeat(1025) }), field('note'));
    presence.close();
  });

  it('is a presence source, kept in the store, restored unless it has ended', async () => {
    const { clock, store, presence, manual, facts } = await setup();
    await manual.set(bob, {
      availability: 'on-vacation',
      note: ' Back Monday ',
      until: clock.now() + 60_000,
    });
    assert.equal(presence.presenceOf(bob).availability, 'on-vacation');
    assert.equal(presence.presenceOf(bob).note, 'Back Monday');
    assert.deepEqual(await manual.get(bob), {
      availability: 'on-vacation',
      note: 'Back Monday',
      until: clock.now() + 60_000,
    });
    presence.close();

    // "Restart": a new engine over the same store.
    const again = new PresenceService({ clock, facts });
    const restored = new ManualStatusService({ store: store.presence, clock, presence: again });
    assert.equal(await restored.restore(), 1);
    assert.equal(again.presenceOf(bob).availability, 'on-vacation');
    clock.advance(60_000); // the vacation ends by itself
    assert.equal(again.presenceOf(bob).availability, 'offline');
    assert.equal(await restored.get(bob), null);
    assert.equal(
      await new ManualStatusService({ store: store.presence, clock, presence: again }).restore(),
      0,
    );
    await restored.clear(bob);
    assert.equal(await store.presence.manualStatus(bob), undefined);
    again.close();
  });
});
