import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { refuses } from '../../../test/support/roster-assertions.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import type { Store, StoreTransaction } from '../ports.js';
import { BlockService } from './block-service.js';
import { addPeople, DOMAIN, item, said, userIdOf } from './fixtures/verona.js';
import { RosterService } from './roster-service.js';

const romeo = userIdOf('romeo');
const juliet = userIdOf('juliet');
const nurse = userIdOf('nurse');

describe('RosterService: subscriptions as conversations (RFC 6121 §3)', () => {
  let store: MemoryStore;
  let blocks: BlockService;
  let roster: RosterService;

  beforeEach(async () => {
    store = new MemoryStore();
    await addPeople(store, ['romeo', 'juliet', 'nurse']);
    blocks = new BlockService({ store, domain: DOMAIN });
    roster = new RosterService({ store, clock: new FakeClock(), domain: DOMAIN, blocks });
  });

  async function befriend(): Promise<void> {
    await roster.subscribe(romeo, 'juliet@localhost');
    await roster.approve(juliet, 'romeo@localhost');
    await roster.subscribe(juliet, 'romeo@localhost');
    await roster.approve(romeo, 'juliet@localhost');
  }

  it('romeo subscribes to juliet; juliet sees a request; juliet approves; both rosters show it', async () => {
    assert.deepEqual(said(await roster.subscribe(romeo, 'juliet@localhost')), [
      'push to romeo@localhost: juliet@localhost none ask',
      'deliver to juliet@localhost: subscribe from romeo@localhost',
    ]);
    // A.1: the request is remembered but romeo is not in juliet's roster until she approves.
    assert.deepEqual((await roster.getRoster(juliet)).items, []);
    assert.deepEqual(said(await roster.pendingRequests(juliet)), [
      'deliver to juliet@localhost: subscribe from romeo@localhost',
    ]);

    assert.deepEqual(said(await roster.approve(juliet, 'romeo@localhost')), [
      'push to juliet@localhost: romeo@localhost from',
      'deliver to romeo@localhost: subscribed from juliet@localhost',
      'push to romeo@localhost: juliet@localhost to',
      'send-presence juliet@localhost → romeo@localhost',
    ]);
    assert.deepEqual((await roster.getRoster(romeo)).items, [item('juliet@localhost', 'to')]);
    assert.deepEqual((await roster.getRoster(juliet)).items, [item('romeo@localhost', 'from')]);
    assert.deepEqual(await roster.pendingRequests(juliet), []);
    assert.deepEqual(await roster.subscribers(juliet), ['romeo@localhost']);
    assert.deepEqual(await roster.subscriptions(romeo), ['juliet@localhost']);
    assert.equal(await roster.canSeePresence(juliet, 'romeo@localhost/orchard'), true);
    assert.equal(await roster.canSeePresence(romeo, 'juliet@localhost/balcony'), false);
  });

  it('romeo and the nurse ask while juliet is away: both requests wait for her next login (§3.1.3)', async () => {
    await roster.subscribe(romeo, 'juliet@localhost');
    await roster.subscribe(nurse, 'juliet@localhost');
    await roster.subscribe(nurse, 'juliet@localhost'); // asking twice is one request
    assert.deepEqual(said(await roster.pendingRequests(juliet)), [
      'deliver to juliet@localhost: subscribe from nurse@localhost',
      'deliver to juliet@localhost: subscribe from romeo@localhost',
    ]);
    await roster.approve(juliet, 'nurse@localhost');
    assert.deepEqual(said(await roster.pendingRequests(juliet)), [
      'deliver to juliet@localhost: subscribe from romeo@localhost',
    ]);
  });

  it('juliet subscribes back and romeo approves: both rosters show "both"', async () => {
    await befriend();
    assert.deepEqual((await roster.getRoster(romeo)).items, [item('juliet@localhost', 'both')]);
    assert.deepEqual((await roster.getRoster(juliet)).items, [item('romeo@localhost', 'both')]);
  });

  it('romeo unsubscribes: juliet is told and her presence goes unavailable to him (§3.3)', async () => {
    await befriend();
    assert.deepEqual(said(await roster.unsubscribe(romeo, 'juliet@localhost')), [
      'push to romeo@localhost: juliet@localhost from',
      'deliver to juliet@localhost: unsubscribe from romeo@localhost',
      'push to juliet@localhost: romeo@localhost to',
      'send-unavailable juliet@localhost → romeo@localhost',
    ]);
  });

  it('juliet revokes romeo: unavailable presence first, then the cancellation (§3.2)', async () => {
    await befriend();
    assert.deepEqual(said(await roster.revoke(juliet, 'romeo@localhost')), [
      'push to juliet@localhost: romeo@localhost to',
      'send-unavailable juliet@localhost → romeo@localhost',
      'deliver to romeo@localhost: unsubscribed from juliet@localhost',
      'push to romeo@localhost: juliet@localhost from',
    ]);
    assert.equal(await roster.canSeePresence(juliet, 'romeo@localhost'), false);
  });

  it('juliet declines: the request leaves no trace in her roster, romeo loses his ask', async () => {
    await roster.subscribe(romeo, 'juliet@localhost');
    assert.deepEqual(said(await roster.revoke(juliet, 'romeo@localhost')), [
      'deliver to romeo@localhost: unsubscribed from juliet@localhost',
      'push to romeo@localhost: juliet@localhost none',
    ]);
    assert.equal(await store.roster.getItem(juliet, 'romeo@localhost'), undefined);
  });

  it('juliet pre-approves romeo; when he asks, the server approves for her (§3.4)', async () => {
    assert.deepEqual(said(await roster.approve(juliet, 'romeo@localhost')), [
      'push to juliet@localhost: romeo@localhost none approved',
    ]);
    assert.deepEqual(said(await roster.subscribe(romeo, 'juliet@localhost')), [
      'push to romeo@localhost: juliet@localhost none ask',
      'push to juliet@localhost: romeo@localhost from',
      'deliver to romeo@localhost: subscribed from juliet@localhost',
      'push to romeo@localhost: juliet@localhost to',
      'send-presence juliet@localhost → romeo@localhost',
    ]);
  });

  it('juliet withdraws a pre-approval with "unsubscribed"; romeo\'s later request reaches her', async () => {
    await roster.approve(juliet, 'romeo@localhost');
    assert.deepEqual(said(await roster.revoke(juliet, 'romeo@localhost')), [
      'push to juliet@localhost: romeo@localhost none',
    ]);
    assert.ok(
      said(await roster.subscribe(romeo, 'juliet@localhost')).includes(
        'deliver to juliet@localhost: subscribe from romeo@localhost',
      ),
    );
  });

  it('romeo asks again while juliet already lets him see her: the server answers "subscribed" (§3.1.3)', async () => {
    await roster.subscribe(romeo, 'juliet@localhost');
    await roster.approve(juliet, 'romeo@localhost');
    const record = await store.roster.getItem(romeo, 'juliet@localhost');
    assert.ok(record);
    await store.roster.putItem({ ...record, subscription: 'none' }); // romeo's side lost it
    assert.deepEqual(said(await roster.subscribe(romeo, 'juliet@localhost')), [
      'push to romeo@localhost: juliet@localhost none ask',
      'deliver to romeo@localhost: subscribed from juliet@localhost',
      'push to romeo@localhost: juliet@localhost to',
      'presence-probe romeo@localhost → juliet@localhost',
    ]);
  });

  it('romeo asks someone with no account: the server answers "unsubscribed" (§8.5.1)', async () => {
    assert.deepEqual(said(await roster.subscribe(romeo, 'rosaline@localhost')), [
      'push to romeo@localhost: rosaline@localhost none ask',
      'deliver to romeo@localhost: unsubscribed from rosaline@localhost',
      'push to romeo@localhost: rosaline@localhost none',
    ]);
  });

  it('a subscription to a full JID is one to the bare JID (§3.1.2)', async () => {
    await roster.subscribe(romeo, 'Juliet@LOCALHOST/balcony');
    assert.deepEqual((await roster.getRoster(romeo)).items, [
      item('juliet@localhost', 'none', { pendingOut: true }),
    ]);
  });

  it('a contact on another domain may be listed but not subscribed to (no federation)', async () => {
    await roster.setItem(romeo, 'mercutio@verona.lit', { name: 'Mercutio' });
    await refuses('remote-contact', () => roster.subscribe(romeo, 'mercutio@verona.lit'), 'contact');
    await assert.rejects(() => roster.approve(romeo, 'mercutio@verona.lit'), {
      code: 'HERALD_ERR_NOT_FOUND',
    });
    assert.deepEqual((await roster.getRoster(romeo)).items, [
      item('mercutio@verona.lit', 'none', { name: 'Mercutio' }),
    ]);
  });

  it('nobody subscribes to themselves', async () => {
    await refuses('self', () => roster.subscribe(romeo, 'romeo@localhost/orchard'), 'contact');
    await refuses('self', () => roster.setItem(romeo, 'romeo@localhost', {}), 'contact');
  });

  it("both sides change in one store transaction: if the contact's side fails, romeo's is undone", async () => {
    const failing: Store = new Proxy(store, {
      get(target, property) {
        if (property !== 'transaction') {
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return <T>(work: (tx: StoreTransaction) => Promise<T>) =>
          target.transaction((tx) =>
            work({
              ...tx,
              roster: {
                ...tx.roster,
                getRoster: (u) => tx.roster.getRoster(u),
                getItem: (u, c) => tx.roster.getItem(u, c),
                deleteItem: (u, c) => tx.roster.deleteItem(u, c),
                usersWithContact: (c) => tx.roster.usersWithContact(c),
                putItem: async (record) => {
                  if (record.userId === juliet) throw new Error('disk full');
                  return tx.roster.putItem(record);
                },
              },
            }),
          );
      },
    });
    const shaky = new RosterService({ store: failing, clock: new FakeClock(), domain: DOMAIN });
    await assert.rejects(() => shaky.subscribe(romeo, 'juliet@localhost'), /disk full/);
    assert.deepEqual((await roster.getRoster(romeo)).items, []);
  });
});
