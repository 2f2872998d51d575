import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { refuses } from '../../../test/support/roster-assertions.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import type { BareJid } from '../address/jid.js';
import { asUserId } from '../ports.js';
import { BlockService } from './block-service.js';
import { addPeople, DOMAIN, item, said, userIdOf } from './fixtures/verona.js';
import { type ReachableContacts, RosterService } from './roster-service.js';

/** Reachable contacts from a list, counting how each side was asked. */
function reachable(contacts: readonly string[], size = contacts.length) {
  const asked = { has: 0, list: 0 };
  const among: ReachableContacts = {
    size,
    has: (contact) => {
      asked.has++;
      return contacts.includes(contact);
    },
    list: () => {
      asked.list++;
      return contacts as BareJid[];
    },
  };
  return { among, asked };
}

const romeo = userIdOf('romeo');
const juliet = userIdOf('juliet');

describe('RosterService: the roster itself (RFC 6121 §2)', () => {
  let store: MemoryStore;
  let roster: RosterService;

  beforeEach(async () => {
    store = new MemoryStore();
    await addPeople(store, ['romeo', 'juliet', 'nurse']);
    roster = new RosterService({ store, clock: new FakeClock(), domain: DOMAIN, maxItems: 2 });
  });

  it('romeo adds juliet with a name and groups; the push carries them and the new version (§2.3)', async () => {
    const [push] = await roster.setItem(romeo, 'juliet@localhost', { name: 'Juliet', groups: ['Capulets'] });
    assert.deepEqual(push, {
      kind: 'roster-push',
      userId: romeo,
      to: 'romeo@localhost',
      version: 1,
      item: item('juliet@localhost', 'none', { name: 'Juliet', groups: ['Capulets'] }),
    });
    assert.equal((await roster.getRoster(romeo)).version, 1);
    assert.deepEqual(await roster.getItem(romeo, 'juliet@localhost'), push?.item);
  });

  it('renaming keeps the subscription; a roster set replaces name and groups', async () => {
    await roster.subscribe(romeo, 'juliet@localhost');
    await roster.approve(juliet, 'romeo@localhost');
    await roster.setItem(romeo, 'juliet@localhost', { name: 'Jules', groups: ['Love'] });
    await roster.setItem(romeo, 'juliet@localhost', { name: 'Jules' });
    assert.deepEqual((await roster.getRoster(romeo)).items, [
      item('juliet@localhost', 'to', { name: 'Jules' }),
    ]);
  });

  it('a name too long or a group twice is refused, naming the field (§2.3.3)', async () => {
    await refuses(
      'invalid-name',
      () => roster.setItem(romeo, 'juliet@localhost', { name: 'x'.repeat(1024) }),
      'name',
    );
    await refuses(
      'invalid-groups',
      () => roster.setItem(romeo, 'juliet@localhost', { groups: ['a', 'a'] }),
      'groups',
    );
    await refuses('invalid-contact', () => roster.setItem(romeo, 'juliet@localhost/balcony', {}), 'contact');
    assert.deepEqual((await roster.getRoster(romeo)).items, []);
  });

  it('romeo removes juliet: both directions are cancelled and she is told (§2.5.2)', async () => {
    await roster.subscribe(romeo, 'juliet@localhost');
    await roster.approve(juliet, 'romeo@localhost');
    await roster.subscribe(juliet, 'romeo@localhost');
    await roster.approve(romeo, 'juliet@localhost');
    assert.deepEqual(said(await roster.removeItem(romeo, 'juliet@localhost')), [
      'push to romeo@localhost: remove juliet@localhost',
      'deliver to juliet@localhost: unsubscribe from romeo@localhost',
      'push to juliet@localhost: romeo@localhost to',
      'send-unavailable romeo@localhost → juliet@localhost',
      'deliver to juliet@localhost: unsubscribed from romeo@localhost',
      'push to juliet@localhost: romeo@localhost none',
      'send-unavailable juliet@localhost → romeo@localhost',
    ]);
    assert.equal(await store.roster.getItem(romeo, 'juliet@localhost'), undefined);
    assert.deepEqual((await roster.getRoster(juliet)).items, [item('romeo@localhost', 'none')]);
  });

  it('removing what is not in the roster fails; a pending request is not in the roster (§2.5.3)', async () => {
    await refuses('item-not-found', () => roster.removeItem(romeo, 'juliet@localhost'), 'contact');
    await roster.subscribe(romeo, 'juliet@localhost');
    await refuses('item-not-found', () => roster.removeItem(juliet, 'romeo@localhost'), 'contact');
  });

  it('removing a pre-approved item forgets the pre-approval (§3.4)', async () => {
    await roster.approve(juliet, 'romeo@localhost');
    await roster.removeItem(juliet, 'romeo@localhost');
    assert.ok(
      said(await roster.subscribe(romeo, 'juliet@localhost')).includes(
        'deliver to juliet@localhost: subscribe from romeo@localhost',
      ),
    );
  });

  it('a roster holds maxItems items; one more is refused, a request beyond it is dropped', async () => {
    await roster.setItem(romeo, 'a@verona.lit', {});
    await roster.setItem(romeo, 'b@verona.lit', {});
    await refuses('roster-full', () => roster.setItem(romeo, 'c@verona.lit', {}));
    await refuses('roster-full', () => roster.subscribe(romeo, 'juliet@localhost'));
    assert.deepEqual(said(await roster.subscribe(juliet, 'romeo@localhost')), [
      'push to juliet@localhost: romeo@localhost none ask',
    ]);
    assert.equal(await store.roster.getItem(romeo, 'juliet@localhost'), undefined);
  });

  it('an unknown acting user is a coded error', async () => {
    await refuses('unknown-user', () => roster.subscribe(asUserId('u-ghost'), 'juliet@localhost'), 'userId');
  });
});

describe('RosterService with blocking (XEP-0191)', () => {
  let store: MemoryStore;
  let blocks: BlockService;
  let roster: RosterService;

  beforeEach(async () => {
    store = new MemoryStore();
    await addPeople(store, ['romeo', 'juliet']);
    blocks = new BlockService({ store, domain: DOMAIN });
    roster = new RosterService({ store, clock: new FakeClock(), domain: DOMAIN, blocks });
  });

  it('juliet blocked romeo: his request never reaches her, and nothing answers him', async () => {
    await blocks.block(juliet, ['romeo@localhost']);
    assert.deepEqual(said(await roster.subscribe(romeo, 'juliet@localhost')), [
      'push to romeo@localhost: juliet@localhost none ask',
    ]);
    assert.equal(await store.roster.getItem(juliet, 'romeo@localhost'), undefined);
  });

  it('juliet cannot subscribe to someone she blocked', async () => {
    await blocks.block(juliet, ['romeo@localhost']);
    await refuses('blocked', () => roster.subscribe(juliet, 'romeo@localhost'), 'contact');
  });

  it('a blocked subscriber leaves the broadcast set; a blocked resource cannot see presence', async () => {
    await roster.subscribe(romeo, 'juliet@localhost');
    await roster.approve(juliet, 'romeo@localhost');
    await blocks.block(juliet, ['romeo@localhost/orchard']);
    assert.equal(await roster.canSeePresence(juliet, 'romeo@localhost/orchard'), false);
    assert.equal(await roster.canSeePresence(juliet, 'romeo@localhost/balcony'), true);
    assert.deepEqual(await roster.subscribers(juliet), ['romeo@localhost']);
    await blocks.block(juliet, ['romeo@localhost']);
    assert.deepEqual(await roster.subscribers(juliet), []);
  });

  it('asks the block list only about the subscribers `among` accepts (a broadcast: those online)', async () => {
    await roster.subscribe(romeo, 'juliet@localhost');
    await roster.approve(juliet, 'romeo@localhost');
    const asked: string[] = [];
    const counting = new RosterService({
      store,
      clock: new FakeClock(),
      domain: DOMAIN,
      blocks: {
        isBlocked: (owner, address) => {
          asked.push(address);
          return blocks.isBlocked(owner, address);
        },
      } as BlockService,
    });
    assert.deepEqual(await counting.subscribers(juliet, reachable([]).among), []);
    assert.deepEqual(asked, [], 'nobody online: no block-list question');
    assert.deepEqual(await counting.subscribers(juliet, reachable(['romeo@localhost']).among), [
      'romeo@localhost',
    ]);
    await blocks.block(juliet, ['romeo@localhost']);
    assert.deepEqual(
      await counting.subscribers(juliet, reachable(['romeo@localhost']).among),
      [],
      'a blocked one still left out',
    );
    assert.deepEqual(asked, ['romeo@localhost', 'romeo@localhost']);
  });

  it('walks the smaller side: the few reachable against many subscribers, or the few subscribers', async () => {
    await addPeople(store, ['nurse', 'tybalt']);
    for (const name of ['romeo', 'nurse', 'tybalt'] as const) {
      await roster.subscribe(userIdOf(name), 'juliet@localhost');
      await roster.approve(juliet, `${name}@localhost`);
    }
    // One reachable account, three subscribers: the reachable one is looked up in the subscribers.
    const few = reachable(['nurse@localhost']);
    assert.deepEqual(await roster.subscribers(juliet, few.among), ['nurse@localhost']);
    assert.deepEqual(few.asked, { has: 0, list: 1 });
    // Many reachable (a busy server), three subscribers: each subscriber is asked about.
    const many = reachable(['tybalt@localhost', 'romeo@localhost', 'benvolio@localhost'], 5000);
    assert.deepEqual((await roster.subscribers(juliet, many.among)).sort(), [
      'romeo@localhost',
      'tybalt@localhost',
    ]);
    assert.deepEqual(many.asked, { has: 3, list: 0 });
    // Someone reachable who does not subscribe is never handed out.
    assert.deepEqual(await roster.subscribers(juliet, reachable(['benvolio@localhost']).among), []);
  });

  it('the broadcast set follows each roster change at once, though it is kept between changes', async () => {
    assert.deepEqual(await roster.subscribers(juliet), []);
    await roster.subscribe(romeo, 'juliet@localhost');
    await roster.approve(juliet, 'romeo@localhost');
    assert.deepEqual(await roster.subscribers(juliet), ['romeo@localhost']);
    await roster.revoke(juliet, 'romeo@localhost');
    assert.deepEqual(await roster.subscribers(juliet), []);
    await roster.subscribe(romeo, 'juliet@localhost');
    await roster.approve(juliet, 'romeo@localhost');
    await roster.removeItem(juliet, 'romeo@localhost');
    assert.deepEqual(await roster.subscribers(juliet), []);
  });

  it('a request from someone blocked later is not handed out again at login', async () => {
    await roster.subscribe(romeo, 'juliet@localhost');
    await blocks.block(juliet, ['localhost']);
    assert.deepEqual(await roster.pendingRequests(juliet), []);
  });
});
