import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import type { BareJid, Jid } from '../address/jid.js';
import { addPeople, DOMAIN, userIdOf } from '../roster/fixtures/verona.js';
import { RosterService } from '../roster/roster-service.js';
import type { PepResult } from './pep-errors.js';
import { PepService } from './pep-service.js';

const JULIET = 'juliet@localhost' as BareJid;
const BALCONY = 'juliet@localhost/balcony' as Jid;
const ROMEO = 'romeo@localhost/orchard' as Jid;
const NURSE = 'nurse@localhost/kitchen' as Jid;
const TYBALT = 'tybalt@localhost/street' as Jid;
const reason = (result: PepResult<unknown>) => (result.ok ? 'succeeded' : result.error.reason);

async function verona() {
  const store = new MemoryStore();
  await addPeople(store, ['juliet', 'romeo', 'nurse', 'tybalt']);
  const clock = new FakeClock(1_000);
  const roster = new RosterService({ store, clock, domain: DOMAIN });
  for (const watcher of ['romeo', 'nurse'] as const) {
    await roster.subscribe(userIdOf(watcher), JULIET);
    await roster.approve(userIdOf('juliet'), `${watcher}@localhost`);
  }
  await roster.setItem(userIdOf('juliet'), 'romeo@localhost', { name: null, groups: ['Colleagues'] });
  await roster.setItem(userIdOf('juliet'), 'nurse@localhost', { name: null, groups: ['Family'] });
  const pep = new PepService({
    store,
    clock,
    ids: sequentialIdSource('id'),
    domain: DOMAIN,
    presence: roster,
  });
  const roster_ = { accessModel: 'roster', rosterGroupsAllowed: ['Colleagues'] };
  await pep.publish({ owner: JULIET, actor: BALCONY, node: 'n', payload: '<x/>', options: roster_ });
  return { pep, roster };
}

describe('PepService: roster access model and explicit subscriptions (XEP-0060 §4.5, §6.1, §6.2)', () => {
  it('romeo in Colleagues reads and is told; the nurse in Family is not in the roster group', async () => {
    const { pep } = await verona();
    assert.equal(reason(await pep.items({ owner: JULIET, actor: ROMEO, node: 'n' })), 'succeeded');
    assert.equal(reason(await pep.items({ owner: JULIET, actor: NURSE, node: 'n' })), 'not-in-roster-group');
    assert.equal(reason(await pep.items({ owner: JULIET, actor: TYBALT, node: 'n' })), 'not-in-roster-group');
    const published = await pep.publish({ owner: JULIET, actor: BALCONY, node: 'n', payload: '<y/>' });
    assert.deepEqual(published.ok && published.value.notification.contacts, ['romeo@localhost']);
  });

  it('romeo subscribes his own full JID, is told until juliet moves him out of the group', async () => {
    const { pep, roster } = await verona();
    const request = { owner: JULIET, actor: ROMEO, node: 'n' };
    assert.equal(reason(await pep.subscribe({ ...request, jid: 'nurse@localhost' })), 'invalid-jid');
    assert.equal(
      reason(await pep.subscribe({ ...request, actor: NURSE, jid: NURSE })),
      'not-in-roster-group',
    );
    const subscribed = await pep.subscribe({ ...request, jid: ROMEO });
    assert.deepEqual(subscribed.ok && subscribed.value, { jid: ROMEO, subid: 'id-2' });
    const again = await pep.subscribe({ ...request, jid: ROMEO });
    assert.deepEqual(again.ok && again.value.subid, 'id-2', 'one subscription per JID');
    const told = await pep.publish({ owner: JULIET, actor: BALCONY, node: 'n', payload: '<y/>' });
    assert.deepEqual(told.ok && told.value.notification.subscribers, [ROMEO]);

    await roster.setItem(userIdOf('juliet'), 'romeo@localhost', { name: null, groups: ['Family'] });
    const after = await pep.publish({ owner: JULIET, actor: BALCONY, node: 'n', payload: '<z/>' });
    assert.deepEqual(after.ok && after.value.notification.subscribers, []);
    assert.equal(reason(await pep.unsubscribe({ ...request, jid: ROMEO })), 'not-subscribed');
  });

  it('unsubscribes, checking the SubID; a deleted node takes its subscriptions', async () => {
    const { pep } = await verona();
    const request = { owner: JULIET, actor: ROMEO, node: 'n', jid: ROMEO };
    await pep.subscribe(request);
    assert.equal(reason(await pep.unsubscribe({ ...request, subid: 'other' })), 'invalid-subid');
    assert.equal(reason(await pep.unsubscribe(request)), 'succeeded');
    assert.equal(reason(await pep.unsubscribe(request)), 'not-subscribed');
    await pep.subscribe(request);
    await pep.deleteNode({ owner: JULIET, actor: BALCONY, node: 'n' });
    await pep.publish({ owner: JULIET, actor: BALCONY, node: 'n', payload: '<x/>' });
    assert.equal(reason(await pep.unsubscribe(request)), 'not-subscribed');
  });
});
