/**
 * XEP-0163 personal eventing as conversations between juliet (the owner), romeo and the nurse
 * (who share her presence) and tybalt (who does not), through PepService on the memory store.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import type { BareJid, Jid } from '../address/jid.js';
import { BlockService } from '../roster/block-service.js';
import { addPeople, DOMAIN, userIdOf } from '../roster/fixtures/verona.js';
import { RosterService } from '../roster/roster-service.js';
import type { PepResult } from './pep-errors.js';
import type { PepNotification } from './pep-events.js';
import { PepService } from './pep-service.js';

const JULIET = 'juliet@localhost' as BareJid;
const BALCONY = 'juliet@localhost/balcony' as Jid;
const ROMEO = 'romeo@localhost/orchard' as Jid;
const TYBALT = 'tybalt@localhost/street' as Jid;
const TUNE = 'http://jabber.org/protocol/tune';
const BOOKMARKS = 'urn:xmpp:bookmarks:1';
const AVATAR = 'urn:xmpp:avatar:metadata';
const tune = (title: string) => `<tune xmlns='${TUNE}'><title>${title}</title></tune>`;

/** A notification as one line: who may be told, and what. */
function told(notification: PepNotification | null): string {
  if (!notification) return 'nobody told';
  const { event } = notification;
  const what =
    event.kind === 'published'
      ? `published ${event.item.id}`
      : event.kind === 'retracted'
        ? `retracted ${event.itemId}`
        : 'deleted';
  return `${notification.node} ${what} → ${[notification.owner, ...notification.contacts].join(', ')}`;
}

function value<T>(result: PepResult<T>): T {
  if (!result.ok) assert.fail(`refused: ${result.error.reason} (${result.error.text})`);
  return result.value;
}

const reason = (result: PepResult<unknown>) => (result.ok ? 'succeeded' : result.error.reason);

describe('PepService (XEP-0163)', () => {
  let clock: FakeClock;
  let blocks: BlockService;
  let pep: PepService;

  beforeEach(async () => {
    const store = new MemoryStore();
    await addPeople(store, ['juliet', 'romeo', 'nurse', 'tybalt']);
    clock = new FakeClock(1_000);
    blocks = new BlockService({ store, domain: DOMAIN });
    const roster = new RosterService({ store, clock, domain: DOMAIN, blocks });
    // Romeo and the nurse receive juliet's presence; tybalt does not.
    for (const watcher of ['romeo', 'nurse'] as const) {
      await roster.subscribe(userIdOf(watcher), JULIET);
      await roster.approve(userIdOf('juliet'), `${watcher}@localhost`);
    }
    const limits = { maxItemBytes: 200, maxNodesPerUser: 4, maxItemsPerNode: 10 };
    pep = new PepService({
      store,
      clock,
      ids: sequentialIdSource('item'),
      domain: DOMAIN,
      presence: roster,
      blocks,
      limits,
    });
  });

  it('juliet publishes her tune: the node appears with the presence model, romeo may read it, tybalt may not', async () => {
    const published = value(
      await pep.publish({ owner: JULIET, actor: BALCONY, node: TUNE, payload: tune('Finzi') }),
    );
    assert.equal(published.itemId, 'item-1'); // XEP-0060 §7.1.2: the service makes the ItemID
    assert.equal(
      told(published.notification),
      `${TUNE} published item-1 → ${JULIET}, nurse@localhost, romeo@localhost`,
    );
    assert.deepEqual(value(await pep.configuration({ owner: JULIET, actor: BALCONY, node: TUNE })), {
      accessModel: 'presence',
      maxItems: 1,
      sendLastItem: 'on_sub_and_presence',
      rosterGroupsAllowed: [],
    });

    const read = value(await pep.items({ owner: JULIET, actor: ROMEO, node: TUNE }));
    assert.deepEqual(read, [
      { id: 'item-1', payload: tune('Finzi'), publisher: BALCONY, publishedAt: 1_000 },
    ]);
    assert.equal(
      reason(await pep.items({ owner: JULIET, actor: TYBALT, node: TUNE })),
      'presence-subscription-required',
    );
    assert.equal(reason(await pep.items({ owner: JULIET, actor: ROMEO, node: 'absent' })), 'node-not-found');
    assert.equal(
      reason(await pep.items({ owner: 'rosaline@localhost' as BareJid, actor: ROMEO, node: TUNE })),
      'no-such-user',
    );
  });

  it('only juliet publishes to her service; a second tune replaces the first (max_items 1)', async () => {
    assert.equal(
      reason(await pep.publish({ owner: JULIET, actor: ROMEO, node: TUNE, payload: tune('x') })),
      'not-owner',
    );
    await pep.publish({
      owner: JULIET,
      actor: BALCONY,
      node: TUNE,
      itemId: 'current',
      payload: tune('Finzi'),
    });
    clock.advance(5);
    await pep.publish({ owner: JULIET, actor: BALCONY, node: TUNE, payload: tune('Dowland') });
    const read = value(await pep.items({ owner: JULIET, actor: ROMEO, node: TUNE }));
    assert.deepEqual(
      read.map((item) => [item.id, item.payload]),
      [['item-1', tune('Dowland')]],
    );
  });

  it('bookmarks with XEP-0402 publish options stay hers alone; other options fail the precondition', async () => {
    const options = {
      accessModel: 'whitelist',
      maxItems: 'max',
      persistItems: true,
      sendLastItem: 'never',
    } as const;
    for (const room of ['capulet@rooms.localhost', 'montague@rooms.localhost']) {
      const published = value(
        await pep.publish({
          owner: JULIET,
          actor: BALCONY,
          node: BOOKMARKS,
          itemId: room,
          payload: '<conference/>',
          options,
        }),
      );
      assert.equal(told(published.notification), `${BOOKMARKS} published ${room} → ${JULIET}`); // no contacts
    }
    assert.equal(reason(await pep.items({ owner: JULIET, actor: ROMEO, node: BOOKMARKS })), 'closed-node');
    const mine = value(await pep.items({ owner: JULIET, actor: BALCONY, node: BOOKMARKS }));
    assert.deepEqual(
      mine.map((item) => item.id),
      ['capulet@rooms.localhost', 'montague@rooms.localhost'],
      'oldest first',
    );
    const opened = await pep.publish({
      owner: JULIET,
      actor: BALCONY,
      node: BOOKMARKS,
      payload: '<conference/>',
      options: { accessModel: 'open' },
    });
    assert.equal(reason(opened), 'precondition-not-met'); // XEP-0060 §7.1.5 case 1
    assert.equal(
      reason(
        await pep.publish({
          owner: JULIET,
          actor: BALCONY,
          node: 'n',
          payload: '<x/>',
          options: { accessModel: 'authorize' },
        }),
      ),
      'precondition-not-met',
      'a new node that cannot take the options is not created',
    );
    assert.equal(
      reason(await pep.configuration({ owner: JULIET, actor: BALCONY, node: 'n' })),
      'node-not-found',
    );
  });

  it('an open avatar is read by tybalt, until juliet blocks him', async () => {
    await pep.publish({
      owner: JULIET,
      actor: BALCONY,
      node: AVATAR,
      payload: '<metadata/>',
      options: { accessModel: 'open' },
    });
    assert.equal(value(await pep.items({ owner: JULIET, actor: TYBALT, node: AVATAR })).length, 1);
    await blocks.block(userIdOf('juliet'), ['tybalt@localhost']);
    assert.equal(reason(await pep.items({ owner: JULIET, actor: TYBALT, node: AVATAR })), 'blocked');
  });

  it('a retraction is announced only when asked; a second one finds nothing', async () => {
    await pep.publish({ owner: JULIET, actor: BALCONY, node: TUNE, itemId: 't', payload: tune('x') });
    const retracted = value(
      await pep.retract({ owner: JULIET, actor: BALCONY, node: TUNE, itemId: 't', notify: true }),
    );
    assert.equal(
      told(retracted.notification),
      `${TUNE} retracted t → ${JULIET}, nurse@localhost, romeo@localhost`,
    );
    assert.equal(
      reason(await pep.retract({ owner: JULIET, actor: BALCONY, node: TUNE, itemId: 't', notify: true })),
      'item-not-found',
    );
    await pep.publish({ owner: JULIET, actor: BALCONY, node: TUNE, itemId: 'u', payload: tune('y') });
    const quiet = value(
      await pep.retract({ owner: JULIET, actor: BALCONY, node: TUNE, itemId: 'u', notify: false }),
    );
    assert.equal(told(quiet.notification), 'nobody told');
    assert.equal(
      reason(await pep.retract({ owner: JULIET, actor: ROMEO, node: TUNE, itemId: 'u', notify: false })),
      'not-owner',
    );
  });

  it('romeo coming online gets the last tune, not her bookmarks; juliet gets both her own nodes that send it', async () => {
    await pep.publish({ owner: JULIET, actor: BALCONY, node: TUNE, payload: tune('first') });
    await pep.publish({ owner: JULIET, actor: BALCONY, node: TUNE, payload: tune('last') });
    const whitelist = { accessModel: 'whitelist' } as const;
    await pep.publish({
      owner: JULIET,
      actor: BALCONY,
      node: 'private',
      payload: '<p/>',
      options: whitelist,
    });
    const never = { accessModel: 'whitelist', sendLastItem: 'never' } as const;
    await pep.publish({ owner: JULIET, actor: BALCONY, node: BOOKMARKS, payload: '<c/>', options: never });
    const line = (last: Awaited<ReturnType<PepService['lastPublished']>>) =>
      last.map((l) => `${l.owner} ${l.node} ${l.item.payload}`);
    assert.deepEqual(line(await pep.lastPublished(ROMEO)), [`${JULIET} ${TUNE} ${tune('last')}`]);
    assert.deepEqual(line(await pep.lastPublished('juliet@localhost/chamber' as Jid)), [
      `${JULIET} ${TUNE} ${tune('last')}`,
      `${JULIET} private <p/>`,
    ]);
    assert.deepEqual(await pep.lastPublished(TYBALT), [], 'tybalt shares no presence with her');
  });

  it('keeps its limits: payload size, nodes per account, names', async () => {
    const big = `<p>${'x'.repeat(200)}</p>`;
    assert.equal(
      reason(await pep.publish({ owner: JULIET, actor: BALCONY, node: TUNE, payload: big })),
      'payload-too-big',
    );
    for (const node of ['a', 'b', 'c', 'd'])
      value(await pep.publish({ owner: JULIET, actor: BALCONY, node, payload: '<x/>' }));
    assert.equal(
      reason(await pep.publish({ owner: JULIET, actor: BALCONY, node: 'e', payload: '<x/>' })),
      'too-many-nodes',
    );
    assert.equal(
      reason(await pep.createNode({ owner: JULIET, actor: BALCONY, node: 'e' })),
      'too-many-nodes',
    );
    assert.equal(
      reason(await pep.publish({ owner: JULIET, actor: BALCONY, node: '', payload: '<x/>' })),
      'invalid-node',
    );
    const longId = 'i'.repeat(1024);
    assert.equal(
      reason(
        await pep.publish({ owner: JULIET, actor: BALCONY, node: 'a', itemId: longId, payload: '<x/>' }),
      ),
      'invalid-item-id',
    );
  });

  it('juliet creates, reconfigures and deletes a node; its readers are told of the deletion', async () => {
    assert.deepEqual(
      value(await pep.createNode({ owner: JULIET, actor: BALCONY, node: 'n', options: { maxItems: 3 } })),
      {
        accessModel: 'presence',
        maxItems: 3,
        sendLastItem: 'on_sub_and_presence',
        rosterGroupsAllowed: [],
      },
    );
    assert.equal(reason(await pep.createNode({ owner: JULIET, actor: BALCONY, node: 'n' })), 'node-exists');
    for (const itemId of ['1', '2', '3'])
      await pep.publish({ owner: JULIET, actor: BALCONY, node: 'n', itemId, payload: '<x/>' });
    value(
      await pep.configure({
        owner: JULIET,
        actor: BALCONY,
        node: 'n',
        options: { maxItems: 2, accessModel: 'open' },
      }),
    );
    const read = value(await pep.items({ owner: JULIET, actor: TYBALT, node: 'n' }));
    assert.deepEqual(
      read.map((item) => item.id),
      ['2', '3'],
    );
    assert.deepEqual(
      value(await pep.items({ owner: JULIET, actor: TYBALT, node: 'n', maxItems: 1 })).map((i) => i.id),
      ['3'],
    );
    assert.deepEqual(
      value(await pep.items({ owner: JULIET, actor: TYBALT, node: 'n', itemIds: ['2', 'nope'] })).map(
        (i) => i.id,
      ),
      ['2'],
    );
    assert.equal(
      reason(await pep.configure({ owner: JULIET, actor: ROMEO, node: 'n', options: {} })),
      'not-owner',
    );
    assert.equal(
      reason(await pep.configure({ owner: JULIET, actor: BALCONY, node: 'n', options: { maxItems: 11 } })),
      'invalid-options',
    );
    const deleted = value(await pep.deleteNode({ owner: JULIET, actor: BALCONY, node: 'n' }));
    assert.equal(told(deleted.notification), `n deleted → ${JULIET}, nurse@localhost, romeo@localhost`);
    assert.equal(reason(await pep.items({ owner: JULIET, actor: BALCONY, node: 'n' })), 'node-not-found');
    assert.equal(
      reason(await pep.deleteNode({ owner: JULIET, actor: BALCONY, node: 'n' })),
      'node-not-found',
    );
  });
});
