import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallRegistry } from '../../core/calls/call-registry.js';
import { asUserId, type UserRecord } from '../../core/ports.js';
import { PresenceService } from '../../core/presence/presence-service.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { silentLogger } from '../../kernel/log.js';
import { parsePidf } from '../wire/rfc3863-pidf.js';
import { parseDialogInfo } from '../wire/rfc4235-dialog-info.js';
import type { Subscription } from './event-server.js';
import { PresencePackage } from './rfc3856-presence-package.js';
import { changedLegs, DialogPackage } from './rfc4235-dialog-package.js';
import { WatchAuthorization } from './watch-authorization.js';

const user = (name: string): UserRecord => ({
  id: asUserId(`id-${name}`),
  username: name,
  displayName: name,
  email: null,
  isAdmin: false,
  createdAt: 0,
});
const owner = user('owner');

type Item = { subscription: 'none' | 'to' | 'from' | 'both'; pendingIn: boolean };

function setup() {
  const clock = new FakeClock();
  const roster = new Map<string, Item>();
  const blocked = new Set<string>();
  const presence = new PresenceService({
    clock,
    facts: {
      addressOf: async (id) => (id === owner.id ? 'owner@localhost' : undefined),
      rosterItem: async (_id, watcher) => roster.get(watcher),
      isBlocked: async (_id, address) => blocked.has(address),
    },
  });
  const asked: string[] = [];
  const watch = new WatchAuthorization({
    presence,
    log: silentLogger(),
    requestSubscription: async (watcherId, ownerAddress) => {
      asked.push(`${watcherId}->${ownerAddress}`);
      roster.set(`${watcherId.slice(3)}@localhost`, { subscription: 'none', pendingIn: true });
    },
  });
  const sub = (name: string): Subscription => ({
    id: `s-${name}`,
    event: 'presence',
    owner,
    ownerAddress: 'owner@localhost',
    watcher: user(name),
    watcherAddress: `${name}@localhost`,
    notifyCount: 0,
    phase: 'pending',
  });
  return { clock, roster, blocked, presence, watch, asked, sub };
}

describe('SIP event package authorization (core watch policy)', () => {
  it('asks the owner once for an unknown watcher and stays pending until approved', async () => {
    const { watch, asked, roster, sub } = setup();
    assert.equal(await watch.authorize(sub('w')), 'pending');
    assert.equal(await watch.authorize(sub('w')), 'pending');
    assert.deepEqual(asked, ['id-w->owner@localhost']);
    roster.set('w@localhost', { subscription: 'from', pendingIn: false });
    assert.equal(await watch.authorize(sub('w')), 'active');
  });

  it('presence: approved sees the composed presence, blocked sees closed, self sees invisible', async () => {
    const { presence, watch, roster, blocked, sub, clock } = setup();
    const pkg = new PresencePackage(presence, watch);
    presence.update(owner.id, {
      kind: 'client',
      protocol: 'sip',
      id: 'e1',
      availability: 'dnd',
      note: 'busy',
      priority: 0,
      updatedAt: clock.now(),
      expiresAt: null,
    });
    roster.set('fan@localhost', { subscription: 'both', pendingIn: false });
    const seen = parsePidf((await pkg.body(sub('fan'))) ?? '');
    assert.ok(seen.ok);
    assert.deepEqual(seen.value.activities, ['busy']);
    assert.equal(seen.value.note, 'busy');
    blocked.add('foe@localhost');
    roster.set('foe@localhost', { subscription: 'both', pendingIn: false });
    assert.equal(await pkg.authorize(sub('foe')), 'active');
    const hidden = parsePidf((await pkg.body(sub('foe'))) ?? '');
    assert.ok(hidden.ok);
    assert.equal(hidden.value.tuples[0]?.basic, 'closed');
    assert.equal(hidden.value.note, null);
  });

  it('dialog: full then partial documents with increasing versions; blocked sees no dialogs', async () => {
    const { watch, roster, blocked, sub, clock } = setup();
    const calls = new CallRegistry({ clock });
    const pkg = new DialogPackage(calls, watch, clock);
    roster.set('fan@localhost', { subscription: 'from', pendingIn: false });
    const leg = {
      id: 'leg1',
      userId: owner.id,
      line: '1002',
      callId: 'c1',
      localTag: 'a',
      remoteTag: null,
      direction: 'recipient' as const,
      state: 'early' as const,
      remote: 'sip:alice@localhost',
      remoteDisplay: 'Alice',
      startedAt: clock.now(),
      confirmedAt: null,
      held: false,
    };
    calls.upsert(leg);
    const fan = { ...sub('fan'), event: 'dialog' };
    const full = parseDialogInfo((await pkg.body(fan)) ?? '');
    assert.ok(full.ok);
    assert.equal(full.value.state, 'full');
    assert.equal(full.value.version, 0);
    assert.equal(full.value.dialogs[0]?.state, 'early');
    const confirmed = { ...leg, state: 'confirmed' as const, confirmedAt: clock.now() };
    clock.advance(5000);
    const partial = parseDialogInfo((await pkg.body(fan, [confirmed])) ?? '');
    assert.ok(partial.ok);
    assert.equal(partial.value.state, 'partial');
    assert.equal(partial.value.version, 1);
    assert.equal(partial.value.dialogs[0]?.duration, 5);
    assert.equal(partial.value.dialogs[0]?.remote?.display, 'Alice');
    blocked.add('foe@localhost');
    const foe = parseDialogInfo((await pkg.body({ ...sub('foe'), event: 'dialog' }, [confirmed])) ?? '');
    assert.ok(foe.ok);
    assert.equal(foe.value.state, 'full');
    assert.deepEqual(foe.value.dialogs, []);
  });

  it('dialog: coalesced changes go out as one partial document, each leg once in its latest state', async () => {
    const { watch, roster, blocked, sub, clock } = setup();
    const calls = new CallRegistry({ clock });
    const pkg = new DialogPackage(calls, watch, clock);
    roster.set('fan@localhost', { subscription: 'both', pendingIn: false });
    const leg = (id: string, state: 'early' | 'confirmed' | 'terminated') => ({
      id,
      userId: owner.id,
      line: '1002',
      callId: `call-${id}`,
      localTag: 'a',
      remoteTag: null,
      direction: 'initiator' as const,
      state,
      remote: 'sip:carol@localhost',
      remoteDisplay: null,
      startedAt: clock.now(),
      confirmedAt: state === 'confirmed' ? clock.now() : null,
      held: false,
    });
    calls.upsert(leg('l1', 'early'));
    calls.upsert(leg('l2', 'early'));
    const fan = { ...sub('fan'), event: 'dialog' };
    assert.equal(parseDialogInfo((await pkg.body(fan)) ?? '').ok, true);
    // Three changes came while a NOTIFY was in flight: l1 confirmed, l2 confirmed, l1 ended.
    const coalesced = [leg('l1', 'confirmed'), leg('l2', 'confirmed'), leg('l1', 'terminated')];
    assert.deepEqual(
      changedLegs(coalesced).map((l) => `${l.id}:${l.state}`),
      ['l2:confirmed', 'l1:terminated'],
    );
    const doc = parseDialogInfo((await pkg.body(fan, coalesced)) ?? '');
    assert.ok(doc.ok);
    assert.equal(doc.value.state, 'partial');
    assert.equal(doc.value.version, 1, 'one document, one version (§4.1.1)');
    assert.deepEqual(
      doc.value.dialogs.map((d) => `${d.id}:${d.state}`),
      ['l2:confirmed', 'l1:terminated'],
    );
    assert.deepEqual(changedLegs(undefined), []);
    assert.deepEqual(changedLegs(['not a leg']), []);
    // A watcher that was shown no dialogs (blocked) gets a full document once it may see them.
    blocked.add('fan@localhost');
    const hidden = parseDialogInfo((await pkg.body(fan, [leg('l2', 'confirmed')])) ?? '');
    assert.ok(hidden.ok);
    assert.deepEqual([hidden.value.state, hidden.value.version, hidden.value.dialogs.length], ['full', 2, 0]);
    blocked.delete('fan@localhost');
    const shown = parseDialogInfo((await pkg.body(fan, [leg('l2', 'confirmed')])) ?? '');
    assert.ok(shown.ok);
    assert.equal(shown.value.state, 'full');
    assert.equal(shown.value.version, 3);
    assert.deepEqual(shown.value.dialogs.map((d) => d.id).sort(), ['l1', 'l2']);
  });
});
