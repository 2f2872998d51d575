import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { MemorySessionRegistry } from '../../infra/session/memory-session-registry.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { isHeraldError } from '../../kernel/errors.js';
import type { BareJid } from '../address/jid.js';
import { parseJid } from '../address/jid.js';
import type { Endpoint, OfflineStore, Store } from '../ports.js';
import type { ChatMessage } from './chat-message.js';
import {
  addPeople,
  chat,
  endpointOf,
  RecordingDriver,
  userIdOf,
  type Verona,
  verona,
} from './fixtures/verona.js';
import { DEFAULT_LOCK_IDLE_MS } from './resource-locks.js';

const balcony = endpointOf('juliet', 'balcony', 1);
const chamber = endpointOf('juliet', 'chamber', 0);

describe('MessageService', () => {
  let store: MemoryStore;
  let sessions: MemorySessionRegistry;
  let town: Verona;

  beforeEach(async () => {
    store = new MemoryStore();
    sessions = new MemorySessionRegistry();
    town = verona(store, sessions);
    await addPeople(store, ['romeo', 'juliet']);
    await sessions.add(endpointOf('romeo', 'orchard'));
    await sessions.add(balcony);
    await sessions.add(chamber);
  });

  /** Juliet answers romeo from `resource`, which locks his next chats to it. */
  async function julietAnswersFrom(resource: string): Promise<void> {
    await town.service.send(chat(`juliet/${resource}`, 'romeo', 'answer'));
    town.xmpp.take();
  }

  describe('refusals (RFC 6121 §8.5)', () => {
    it('§8.5.1 a user that does not exist, or another domain, gets <service-unavailable/>', async () => {
      const other = chat('romeo', 'juliet', 'hello');
      const elsewhere = {
        ...other,
        to: { address: parseJid('juliet@mantua.lit') as BareJid, resource: null },
      };
      for (const message of [chat('romeo', 'nurse', 'hello'), elsewhere]) {
        assert.deepEqual(await town.service.send(message), {
          kind: 'error',
          condition: 'service-unavailable',
          rule: 'RFC 6121 §8.5.1',
        });
      }
      assert.deepEqual(town.xmpp.take(), []);
    });

    it('§8.5.2.1.1 groupchat to a bare JID is refused; an error stanza is dropped', async () => {
      assert.equal((await town.service.send(chat('romeo', 'juliet', 'x', 'groupchat'))).kind, 'error');
      assert.deepEqual(await town.service.send(chat('romeo', 'juliet', 'x', 'error')), {
        kind: 'dropped',
        rule: 'RFC 6121 §8.5.2.1.1',
      });
      assert.deepEqual(town.xmpp.take(), []);
    });

    it('§8.5.3.1 a full JID reaches that resource only, even when the chat is locked elsewhere', async () => {
      await julietAnswersFrom('balcony');
      await town.service.send(chat('romeo', 'juliet/chamber', 'to the chamber'));
      assert.deepEqual(town.xmpp.take(), ['chamber: to the chamber']);
    });
  });

  describe('offline storage (M3, XEP-0160)', () => {
    beforeEach(async () => {
      await sessions.remove(balcony.id);
      await sessions.remove(chamber.id);
    });

    it('a full queue answers <resource-constraint/> and keeps what it had', async () => {
      town = verona(store, sessions, { offlineQuota: 1 });
      assert.equal((await town.service.send(chat('romeo', 'juliet', 'first'))).kind, 'stored');
      assert.deepEqual(await town.service.send(chat('romeo', 'juliet', 'second')), {
        kind: 'error',
        condition: 'resource-constraint',
        rule: 'XEP-0160 §2',
      });
      assert.deepEqual(
        (await store.offline.peek(userIdOf('juliet'), 10)).map((m) => m.payload.body),
        ['first'],
      );
    });

    it('XEP-0160 §3 a chat state alone is not stored', async () => {
      assert.deepEqual(await town.service.send(chat('romeo', 'juliet', null)), {
        kind: 'dropped',
        rule: 'XEP-0160 §3',
      });
      assert.equal(await store.offline.count(userIdOf('juliet')), 0);
    });

    it('send() does not resolve before the store has the message', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const offline: OfflineStore = {
        ...store.offline,
        enqueue: async (message, quota) => {
          await gate;
          return store.offline.enqueue(message, quota);
        },
        peek: (userId, limit) => store.offline.peek(userId, limit),
        remove: (userId, ids) => store.offline.remove(userId, ids),
        count: (userId) => store.offline.count(userId),
      };
      const slowStore: Store = Object.assign(Object.create(store) as Store, { offline });
      town = verona(slowStore, sessions);
      let settled = false;
      const sending = town.service.send(chat('romeo', 'juliet', 'wait for me')).then((result) => {
        settled = true;
        return result;
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(settled, false, 'the sender is not served while the write is pending');
      release();
      assert.equal((await sending).kind, 'stored');
      assert.equal(await store.offline.count(userIdOf('juliet')), 1);
    });

    it('takeOffline refuses a page size out of range', async () => {
      for (const limit of [0, 501, 1.5]) {
        await assert.rejects(town.service.takeOffline(userIdOf('juliet'), limit), (error) =>
          isHeraldError(error, 'HERALD_ERR_VALIDATION'),
        );
      }
    });
  });

  describe('resource locking (M2, XEP-0296)', () => {
    it('§3.2 a conversation idle for ten minutes forks again', async () => {
      await julietAnswersFrom('balcony');
      town.clock.advance(DEFAULT_LOCK_IDLE_MS - 1);
      assert.equal((await town.service.send(chat('romeo', 'juliet', 'still there?'))).kind, 'delivered');
      assert.deepEqual(town.xmpp.take(), ['balcony: still there?']);
      town.clock.advance(DEFAULT_LOCK_IDLE_MS - 1);
      await town.service.send(chat('romeo', 'juliet', 'and now?'));
      assert.deepEqual(town.xmpp.take(), ['balcony: and now?'], 'a message through the lock kept it alive');
      town.clock.advance(DEFAULT_LOCK_IDLE_MS);
      await town.service.send(chat('romeo', 'juliet', 'hello?'));
      assert.deepEqual(town.xmpp.take(), ['balcony: hello?', 'chamber: hello?']);
    });

    it('§2.3 an answer from the other resource moves the lock there', async () => {
      await julietAnswersFrom('balcony');
      await julietAnswersFrom('chamber');
      await town.service.send(chat('romeo', 'juliet', 'where are you?'));
      assert.deepEqual(town.xmpp.take(), ['chamber: where are you?']);
    });

    it('a presence change the registry does not see (show, status) also unlocks', async () => {
      await julietAnswersFrom('balcony');
      town.service.endpointChanged(balcony.id);
      await town.service.send(chat('romeo', 'juliet', 'away?'));
      assert.deepEqual(town.xmpp.take(), ['balcony: away?', 'chamber: away?']);
    });

    it('§2.3 an ended conversation (<gone/>) unlocks', async () => {
      await julietAnswersFrom('balcony');
      await town.service.noteConversationEnded(balcony.id, 'romeo@verona.lit');
      await town.service.send(chat('romeo', 'juliet', 'gone?'));
      assert.deepEqual(town.xmpp.take(), ['balcony: gone?', 'chamber: gone?']);
    });

    it('noteSent locks for an answer that left another way (a remote peer)', async () => {
      await town.service.noteSent(balcony.id, 'mercutio@mantua.lit');
      const fromMercutio: ChatMessage = {
        ...chat('romeo', 'juliet', 'a plague!'),
        from: { address: 'mercutio@mantua.lit', endpointId: null },
      };
      await town.service.send(fromMercutio);
      await town.service.send(chat('romeo', 'juliet', 'not locked for romeo'));
      assert.deepEqual(town.xmpp.take(), [
        'balcony: a plague!',
        'balcony: not locked for romeo',
        'chamber: not locked for romeo',
      ]);
    });

    it('a note to oneself does not lock one’s other clients out', async () => {
      await town.service.send(chat('juliet/balcony', 'juliet', 'remember the vial'));
      await town.service.send(chat('juliet/balcony', 'juliet', 'and the dagger'));
      assert.deepEqual(town.xmpp.take(), [
        'balcony: remember the vial',
        'chamber: remember the vial',
        'balcony: and the dagger',
        'chamber: and the dagger',
      ]);
    });

    it("policy 'all' never locks", async () => {
      town.service.close();
      town = verona(store, sessions, { policy: 'all' });
      await julietAnswersFrom('balcony');
      const result = await town.service.send(chat('romeo', 'juliet', 'to all'));
      assert.deepEqual(result, {
        kind: 'delivered',
        endpointIds: [balcony.id, chamber.id],
        isLocked: false,
      });
    });
  });

  describe('drivers', () => {
    it('a dead locked link falls back to the other resources and drops the lock', async () => {
      await julietAnswersFrom('balcony');
      town.xmpp.unreachable.add(balcony.id);
      assert.deepEqual(await town.service.send(chat('romeo', 'juliet', 'are you there?')), {
        kind: 'delivered',
        endpointIds: [chamber.id],
        isLocked: false,
      });
      town.xmpp.unreachable.clear();
      await town.service.send(chat('romeo', 'juliet', 'both now'));
      assert.deepEqual(town.xmpp.take(), [
        'chamber: are you there?',
        'balcony: both now',
        'chamber: both now',
      ]);
    });

    it('when every link fails the message is stored, not lost', async () => {
      town.xmpp.unreachable.add(balcony.id).add(chamber.id);
      assert.equal((await town.service.send(chat('romeo', 'juliet', 'lost?'))).kind, 'stored');
      assert.equal(await store.offline.count(userIdOf('juliet')), 1);
    });

    it('a full JID whose link failed: a normal message is refused, not forked (§8.5.3.2.1)', async () => {
      town.xmpp.unreachable.add(chamber.id);
      assert.deepEqual(await town.service.send(chat('romeo', 'juliet/chamber', 'x', 'normal')), {
        kind: 'error',
        condition: 'service-unavailable',
        rule: 'RFC 6121 §8.5.3.2.1',
      });
      assert.deepEqual(town.xmpp.take(), []);
    });

    it('each protocol’s driver gets its endpoints, with the message untouched (M1)', async () => {
      const sip = new RecordingDriver();
      const sent: ChatMessage[] = [];
      town.service.registerDriver('sip', {
        deliver: (endpoint: Endpoint, message: ChatMessage) => {
          sent.push(message);
          return sip.deliver(endpoint, message);
        },
      });
      await sessions.add({ ...endpointOf('juliet', 'deskphone'), id: 'sip:contact-1', protocol: 'sip' });
      const message = chat('romeo', 'juliet', 'by any other name');
      await town.service.send(message);
      assert.deepEqual(town.xmpp.take(), ['balcony: by any other name', 'chamber: by any other name']);
      assert.deepEqual(sip.take(), ['deskphone: by any other name']);
      assert.equal(sent[0], message, 'the same message: payload and "to" as the sender wrote them');
    });

    it('a throwing driver is reported and counts as not delivered; no driver likewise', async () => {
      const failures: string[] = [];
      town = verona(store, sessions, { onDriverError: (endpoint) => failures.push(endpoint.id) });
      const stop = town.service.registerDriver('web', {
        deliver: () => {
          throw new Error('socket closed');
        },
      });
      await sessions.remove(balcony.id);
      await sessions.remove(chamber.id);
      await sessions.add({ ...endpointOf('juliet', 'browser'), id: 'web-1', protocol: 'web' });
      await sessions.add({ ...endpointOf('juliet', 'phone'), id: 'sip:contact-2', protocol: 'sip' });
      assert.equal((await town.service.send(chat('romeo', 'juliet', 'hi'))).kind, 'stored');
      assert.deepEqual(failures, ['web-1']);
      stop();
      town.service.registerDriver('web', new RecordingDriver());
    });

    it('a second driver for a protocol is a wiring error', () => {
      assert.throws(
        () => town.service.registerDriver('xmpp', new RecordingDriver()),
        (error) => isHeraldError(error, 'HERALD_ERR_MODULE'),
      );
    });
  });
});
