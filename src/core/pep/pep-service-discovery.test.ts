/**
 * XEP-0163 §6.2 through PepService: the nodes of juliet's account each asker may discover —
 * juliet all, romeo (who shares her presence) the presence and open ones, tybalt the open one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import type { BareJid, Jid } from '../address/jid.js';
import { BlockService } from '../roster/block-service.js';
import { addPeople, DOMAIN, userIdOf } from '../roster/fixtures/verona.js';
import { RosterService } from '../roster/roster-service.js';
import { PepService } from './pep-service.js';

const JULIET = 'juliet@localhost' as BareJid;
const BALCONY = 'juliet@localhost/balcony' as Jid;

const SEEN: { who: string; asker: Jid; nodes: string[] | string }[] = [
  { who: 'juliet', asker: BALCONY, nodes: ['avatar', 'bookmarks', 'tune'] },
  { who: 'romeo', asker: 'romeo@localhost/orchard' as Jid, nodes: ['avatar', 'tune'] },
  { who: 'tybalt', asker: 'tybalt@localhost/street' as Jid, nodes: ['avatar'] },
  { who: 'the nurse, blocked', asker: 'nurse@localhost/chamber' as Jid, nodes: [] },
];

describe('PepService node discovery (XEP-0163 §6.2)', () => {
  for (const { who, asker, nodes } of SEEN)
    it(`${who} discovers ${JSON.stringify(nodes)}`, async () => {
      const store = new MemoryStore();
      await addPeople(store, ['juliet', 'romeo', 'tybalt', 'nurse']);
      const clock = new FakeClock(1_000);
      const blocks = new BlockService({ store, domain: DOMAIN });
      const roster = new RosterService({ store, clock, domain: DOMAIN, blocks });
      await roster.subscribe(userIdOf('romeo'), JULIET);
      await roster.approve(userIdOf('juliet'), 'romeo@localhost');
      await blocks.block(userIdOf('juliet'), ['nurse@localhost']);
      const ids = sequentialIdSource('item');
      const pep = new PepService({ store, clock, ids, domain: DOMAIN, presence: roster, blocks });
      const publish = (node: string, accessModel: string) =>
        pep.publish({ owner: JULIET, actor: BALCONY, node, payload: '<x/>', options: { accessModel } });
      await publish('tune', 'presence');
      await publish('avatar', 'open');
      await publish('bookmarks', 'whitelist');
      const seen = await pep.readableNodes(JULIET, asker);
      assert.deepEqual(seen.ok && [...seen.value].sort(), nodes);
    });

  it('a JID that is no account here has no service', async () => {
    const store = new MemoryStore();
    const clock = new FakeClock(1_000);
    const roster = new RosterService({ store, clock, domain: DOMAIN });
    const pep = new PepService({ store, clock, ids: sequentialIdSource(), domain: DOMAIN, presence: roster });
    const seen = await pep.readableNodes('nobody@localhost' as BareJid, BALCONY);
    assert.equal(seen.ok || seen.error.reason, 'no-such-user');
  });
});
