import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint, SessionChange, SessionListener, UserId } from '../../core/ports.js';
import { asUserId } from '../../core/ports.js';
import { PresenceService } from '../../core/presence/presence-service.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { silentLogger } from '../../kernel/log.js';
import { RegistrationPresence } from './registration-presence.js';

const bob = asUserId('u-bob');
const endpoint = (id: string, protocol: Endpoint['protocol'] = 'sip'): Endpoint => ({
  id,
  userId: bob,
  address: 'bob@localhost',
  protocol,
  resource: id,
  priority: 0,
  isAvailable: true,
  isInterested: true,
});

/** The two SessionRegistry calls RegistrationPresence makes, over a plain list. */
class Endpoints {
  readonly list: Endpoint[] = [];
  readonly #listeners: SessionListener[] = [];
  async endpointsOf(userId: UserId): Promise<Endpoint[]> {
    return this.list.filter((e) => e.userId === userId);
  }
  onChange(listener: SessionListener): () => void {
    this.#listeners.push(listener);
    return () => {};
  }
  add(e: Endpoint): void {
    this.list.push(e);
    this.#tell({ kind: 'added', endpoint: e });
  }
  remove(id: string): void {
    const i = this.list.findIndex((e) => e.id === id);
    const [gone] = this.list.splice(i, 1);
    if (gone) this.#tell({ kind: 'removed', endpoint: gone });
  }
  #tell(change: SessionChange): void {
    for (const l of this.#listeners) void l(change);
  }
}

function setup() {
  const clock = new FakeClock();
  const presence = new PresenceService({
    clock,
    facts: {
      addressOf: async () => 'bob@localhost',
      rosterItem: async () => undefined,
      isBlocked: async () => false,
    },
  });
  const sessions = new Endpoints();
  const published = new Set<UserId>();
  const registrations = new RegistrationPresence({
    presence,
    sessions,
    hasPublications: (id) => published.has(id),
    clock,
    log: silentLogger(),
  });
  registrations.start();
  return { presence, sessions, published, registrations };
}

describe('REGISTER as a presence source', () => {
  it('a registered SIP device makes its user available until it goes', async () => {
    const { presence, sessions, registrations } = setup();
    sessions.add(endpoint('sip-1'));
    await registrations.idle();
    assert.equal(presence.presenceOf(bob).availability, 'available');
    assert.deepEqual(presence.presenceOf(bob).winner, { kind: 'registration', id: 'sip-1' });
    sessions.add(endpoint('sip-2'));
    sessions.remove('sip-1');
    await registrations.idle();
    assert.equal(presence.presenceOf(bob).winner?.id, 'sip-2');
    sessions.remove('sip-2');
    await registrations.idle();
    assert.equal(presence.presenceOf(bob).availability, 'offline');
  });

  it('XMPP and web endpoints are not registrations', async () => {
    const { presence, sessions, registrations } = setup();
    sessions.add(endpoint('bob@localhost/laptop', 'xmpp'));
    await registrations.idle();
    assert.equal(presence.presenceOf(bob).availability, 'offline');
  });

  it('while the user holds a PUBLISH their registrations are withdrawn, and come back after', async () => {
    const { presence, sessions, published, registrations } = setup();
    sessions.add(endpoint('sip-1'));
    await registrations.idle();
    published.add(bob); // a closed PUBLISH: the user said "offline"
    await registrations.refresh(bob);
    assert.equal(presence.presenceOf(bob).availability, 'offline');
    assert.equal(presence.engine.sourcesOf(bob).length, 0);
    published.delete(bob); // the publication expired
    await registrations.refresh(bob);
    assert.equal(presence.presenceOf(bob).availability, 'available');
  });
});
