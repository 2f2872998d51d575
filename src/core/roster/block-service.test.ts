import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import type { BlockListStore, Store } from '../ports.js';
import { BlockService } from './block-service.js';
import { addPeople, DOMAIN, type Person, said, userIdOf } from './fixtures/verona.js';
import { isRosterError, type RosterErrorReason } from './roster-errors.js';
import { RosterService } from './roster-service.js';

async function refuses(reason: RosterErrorReason, work: () => Promise<unknown>): Promise<void> {
  await assert.rejects(work, (error) => isRosterError(error, reason) && error.field === 'addresses');
}

/** The store, counting the block-list reads made outside transactions (cache misses). */
function counting(store: MemoryStore): { store: Store; reads: () => number } {
  let reads = 0;
  const blocks: BlockListStore = {
    getBlockList: (userId) => {
      reads++;
      return store.blocks.getBlockList(userId);
    },
    block: (userId, addresses) => store.blocks.block(userId, addresses),
    unblock: (userId, addresses) => store.blocks.unblock(userId, addresses),
  };
  const wrapped = new Proxy(store, {
    get(target, property) {
      if (property === 'blocks') return blocks;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: wrapped, reads: () => reads };
}

describe('BlockService (XEP-0191)', () => {
  let memory: MemoryStore;
  let store: Store;
  let reads: () => number;
  let blocks: BlockService;
  let roster: RosterService;
  const id = (person: Person) => userIdOf(person);

  beforeEach(async () => {
    memory = new MemoryStore();
    await addPeople(memory, ['juliet', 'romeo', 'nurse', 'tybalt']);
    ({ store, reads } = counting(memory));
    blocks = new BlockService({ store, domain: DOMAIN, maxItems: 3 });
    roster = new RosterService({ store, clock: new FakeClock(), domain: DOMAIN, blocks });
    // romeo and the nurse may see juliet's presence; tybalt may not.
    for (const watcher of ['romeo', 'nurse'] as const) {
      await roster.subscribe(id(watcher), 'juliet@localhost');
      await roster.approve(id('juliet'), `${watcher}@localhost`);
    }
  });

  it('juliet blocks romeo: her resources are told, and he sees her go unavailable (§3.3)', async () => {
    assert.deepEqual(said(await blocks.block(id('juliet'), ['Romeo@localhost'])), [
      'push to juliet@localhost: block romeo@localhost',
      'send-unavailable juliet@localhost → romeo@localhost',
    ]);
    assert.deepEqual(await blocks.getBlockList(id('juliet')), ['romeo@localhost']);
    assert.equal(await blocks.isBlocked(id('juliet'), 'romeo@localhost/orchard'), true);
    assert.equal(await blocks.isBlocked(id('juliet'), 'nurse@localhost'), false);
  });

  it('blocking someone who cannot see her presence sends no presence', async () => {
    assert.deepEqual(said(await blocks.block(id('juliet'), ['tybalt@localhost'])), [
      'push to juliet@localhost: block tybalt@localhost',
    ]);
  });

  it('blocking a domain reaches every subscriber at it, but never juliet herself', async () => {
    assert.deepEqual(said(await blocks.block(id('juliet'), ['localhost'])), [
      'push to juliet@localhost: block localhost',
      'send-unavailable juliet@localhost → nurse@localhost',
      'send-unavailable juliet@localhost → romeo@localhost',
    ]);
    assert.equal(await blocks.isBlocked(id('juliet'), 'tybalt@localhost'), true);
    assert.equal(await blocks.isBlocked(id('juliet'), 'juliet@localhost/balcony'), false);
  });

  it('blocking one resource of a subscriber sends unavailable to that resource only', async () => {
    assert.deepEqual(said(await blocks.block(id('juliet'), ['romeo@localhost/orchard'])), [
      'push to juliet@localhost: block romeo@localhost/orchard',
      'send-unavailable juliet@localhost → romeo@localhost/orchard',
    ]);
  });

  it('blocking what is already blocked sends no second unavailable', async () => {
    await blocks.block(id('juliet'), ['romeo@localhost']);
    assert.deepEqual(said(await blocks.block(id('juliet'), ['romeo@localhost/orchard'])), [
      'push to juliet@localhost: block romeo@localhost/orchard',
    ]);
  });

  it('juliet unblocks romeo: he gets her presence again (§3.4)', async () => {
    await blocks.block(id('juliet'), ['romeo@localhost', 'tybalt@localhost']);
    assert.deepEqual(said(await blocks.unblock(id('juliet'), ['romeo@localhost'])), [
      'push to juliet@localhost: unblock romeo@localhost',
      'send-presence juliet@localhost → romeo@localhost',
    ]);
    assert.equal(await blocks.isBlocked(id('juliet'), 'romeo@localhost'), false);
    assert.deepEqual(await blocks.getBlockList(id('juliet')), ['tybalt@localhost']);
  });

  it('juliet unblocks everyone: the push says "all" and subscribers get her presence (§3.5)', async () => {
    await blocks.block(id('juliet'), ['romeo@localhost', 'nurse@localhost', 'tybalt@localhost']);
    const effects = await blocks.unblock(id('juliet'));
    assert.deepEqual(said(effects), [
      'push to juliet@localhost: unblock all',
      'send-presence juliet@localhost → nurse@localhost',
      'send-presence juliet@localhost → romeo@localhost',
    ]);
    const [push] = effects;
    assert.ok(push?.kind === 'unblock-push');
    assert.deepEqual(push.addresses, ['nurse@localhost', 'romeo@localhost', 'tybalt@localhost']);
    assert.deepEqual(await blocks.getBlockList(id('juliet')), []);
  });

  it('a list holds maxItems entries; a block without items or with a non-JID is a bad request', async () => {
    await blocks.block(id('juliet'), ['a@verona.lit', 'b@verona.lit', 'c@verona.lit']);
    await refuses('block-list-full', () => blocks.block(id('juliet'), ['d@verona.lit']));
    await refuses('invalid-address', () => blocks.block(id('juliet'), []));
    await refuses('invalid-address', () => blocks.block(id('juliet'), ['not a jid@x']));
    await refuses('invalid-address', () => blocks.unblock(id('juliet'), []));
    assert.equal((await blocks.getBlockList(id('juliet'))).length, 3);
  });

  it('isBlocked is answered from memory and kept right by every change', async () => {
    blocks.forget(id('juliet'));
    const before = reads();
    assert.equal(await blocks.isBlocked(id('juliet'), 'romeo@localhost'), false);
    assert.equal(reads(), before + 1);
    await blocks.block(id('juliet'), ['romeo@localhost']);
    assert.equal(await blocks.isBlocked(id('juliet'), 'romeo@localhost'), true);
    await blocks.unblock(id('juliet'));
    assert.equal(await blocks.isBlocked(id('juliet'), 'romeo@localhost'), false);
    assert.equal(reads(), before + 1);
  });

  it('forget makes the next check read the store (a change made elsewhere)', async () => {
    assert.equal(await blocks.isBlocked(id('juliet'), 'tybalt@localhost'), false);
    await memory.blocks.block(id('juliet'), ['tybalt@localhost']);
    assert.equal(await blocks.isBlocked(id('juliet'), 'tybalt@localhost'), false);
    blocks.forget(id('juliet'));
    assert.equal(await blocks.isBlocked(id('juliet'), 'tybalt@localhost'), true);
  });

  it('caches at most cacheSize lists, forgetting the least recently used', async () => {
    const small = new BlockService({ store, domain: DOMAIN, cacheSize: 2 });
    const before = reads();
    await small.isBlocked(id('juliet'), 'romeo@localhost');
    await small.isBlocked(id('romeo'), 'juliet@localhost');
    await small.isBlocked(id('juliet'), 'romeo@localhost'); // a hit: romeo's list is now the oldest
    await small.isBlocked(id('nurse'), 'romeo@localhost');
    assert.equal(reads(), before + 3);
    await small.isBlocked(id('juliet'), 'romeo@localhost');
    assert.equal(reads(), before + 3, "juliet's list stayed");
    await small.isBlocked(id('romeo'), 'juliet@localhost');
    assert.equal(reads(), before + 4, "romeo's list was dropped");
  });

  it('a failed change leaves list and cache as they were', async () => {
    await blocks.block(id('juliet'), ['a@verona.lit', 'b@verona.lit']);
    await refuses('block-list-full', () => blocks.block(id('juliet'), ['c@verona.lit', 'romeo@localhost']));
    assert.equal(await blocks.isBlocked(id('juliet'), 'romeo@localhost'), false);
    assert.deepEqual(await blocks.getBlockList(id('juliet')), ['a@verona.lit', 'b@verona.lit']);
  });
});
