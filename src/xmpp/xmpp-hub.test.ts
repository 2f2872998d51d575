import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BareJid, Jid } from '../core/address/jid.js';
import { asUserId, type UserRecord } from '../core/ports.js';
import { isHeraldError } from '../kernel/errors.js';
import { FakeClock } from '../kernel/fake-clock.js';
import { sequentialIdSource } from '../kernel/ids.js';
import { silentLogger } from '../kernel/log.js';
import { type Element, el, serialize } from '../xml/index.js';
import { NS_DISCO_INFO } from './namespaces.js';
import { sessionEnding, XmppHub } from './xmpp-hub.js';
import type { XmppSession } from './xmpp-session.js';

/** A bound session whose sent stanzas land in `inbox`. */
function session(jid: string, inbox: Element[]): XmppSession {
  const [bare = '', resource = ''] = jid.split('/');
  return {
    id: jid,
    user: { id: asUserId(`u-${bare}`) } as UserRecord,
    bare: bare as BareJid,
    jid: jid as Jid,
    resource,
    remoteAddress: '127.0.0.1',
    send: (stanza) => inbox.push(stanza),
    close: () => {},
    presence: { current: null, priority: 0, isInterested: true, directedTo: new Set() },
    state: new Map(),
  };
}

function setup(maxPendingRequestsPerSession = 16) {
  const clock = new FakeClock();
  const hub = new XmppHub('localhost', silentLogger(), {
    maxResourcesPerUser: 10,
    clock,
    ids: sequentialIdSource('q'),
    maxPendingRequestsPerSession,
  });
  const romeoInbox: Element[] = [];
  const mercutioInbox: Element[] = [];
  const romeo = session('romeo@localhost/orchard', romeoInbox);
  const mercutio = session('mercutio@localhost/street', mercutioInbox);
  hub.sessions.bind(romeo);
  hub.sessions.bind(mercutio);
  return { clock, hub, romeo, romeoInbox, mercutio, mercutioInbox };
}

const discoGet = () => el('iq', { type: 'get' }, el('query', { xmlns: NS_DISCO_INFO, node: 'urn:x#v' }));
/** The reply a client sends to `request`, as its stream would hand it to the hub (`from` stamped). */
const reply = (request: Element, from: string, type: 'result' | 'error', to = 'localhost') =>
  el('iq', { type, id: request.attr('id'), from, to }, el('query', { xmlns: NS_DISCO_INFO }));

/** What a pending request() came to, without awaiting one that has not settled. */
function outcome(promise: Promise<Element>): { value: string } {
  const seen = { value: 'pending' };
  promise.then(
    (answer) => {
      seen.value = `${answer.attr('type')} ${answer.attr('id')}`;
    },
    (error: unknown) => {
      seen.value = isHeraldError(error) ? error.code : String(error);
    },
  );
  return seen;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('server-originated IQs (RFC 6120 §8.2.3)', () => {
  it('sends from the domain with a fresh id and resolves with the asked session’s result', async () => {
    const { hub, romeo, romeoInbox } = setup();
    const answer = hub.request(romeo.jid, discoGet(), 5000);
    const [sent] = romeoInbox;
    assert.ok(sent);
    assert.equal(
      serialize(sent),
      "<iq type='get' from='localhost' to='romeo@localhost/orchard' id='herald-q-1'>" +
        "<query xmlns='http://jabber.org/protocol/disco#info' node='urn:x#v'/></iq>",
    );
    await hub.route(romeo, reply(sent, romeo.jid, 'result'));
    assert.equal((await answer).attr('type'), 'result');
  });

  const CASES: {
    why: string;
    act: (s: ReturnType<typeof setup>, sent: Element) => Promise<void> | void;
    expected: string;
  }[] = [
    {
      why: 'an error reply resolves too (the caller reads the type)',
      act: (s, sent) => s.hub.route(s.romeo, reply(sent, s.romeo.jid, 'error')),
      expected: 'error herald-q-1',
    },
    {
      why: 'a reply with no `to` counts as addressed to the server',
      act: (s, sent) => s.hub.route(s.romeo, reply(sent, s.romeo.jid, 'result').withAttrs({ to: undefined })),
      expected: 'result herald-q-1',
    },
    {
      why: 'another session answering with the same id is ignored',
      act: (s, sent) => s.hub.route(s.mercutio, reply(sent, s.mercutio.jid, 'result')),
      expected: 'pending',
    },
    {
      why: 'a reply addressed elsewhere is not the answer',
      act: (s, sent) => s.hub.route(s.romeo, reply(sent, s.romeo.jid, 'result', 'juliet@localhost')),
      expected: 'pending',
    },
    {
      why: 'no answer in time rejects',
      act: (s) => s.clock.advance(5000),
      expected: 'HERALD_ERR_UNAVAILABLE',
    },
    {
      why: 'the session ending first rejects',
      act: (s) => s.hub.hooks.notify(sessionEnding, { session: s.romeo, reason: 'gone' }),
      expected: 'HERALD_ERR_UNAVAILABLE',
    },
  ];
  for (const { why, act, expected } of CASES)
    it(why, async () => {
      const s = setup();
      const seen = outcome(s.hub.request(s.romeo.jid, discoGet(), 5000));
      const [sent] = s.romeoInbox;
      assert.ok(sent);
      await act(s, sent);
      await settle();
      assert.equal(seen.value, expected);
    });

  it('answers once: a late or repeated reply is dropped, and the timer is gone', async () => {
    const s = setup();
    const seen = outcome(s.hub.request(s.romeo.jid, discoGet(), 5000));
    const [sent] = s.romeoInbox;
    assert.ok(sent);
    await s.hub.route(s.romeo, reply(sent, s.romeo.jid, 'result'));
    await s.hub.route(s.romeo, reply(sent, s.romeo.jid, 'error'));
    s.clock.advance(10_000);
    await settle();
    assert.equal(seen.value, 'result herald-q-1');
    assert.equal(s.clock.pendingTimers, 0);
  });

  it('rejects a session that is not bound, and more than the bound of unanswered requests', async () => {
    const s = setup(2);
    const missing = outcome(s.hub.request('romeo@localhost/elsewhere' as Jid, discoGet(), 5000));
    const first = outcome(s.hub.request(s.romeo.jid, discoGet(), 5000));
    const second = outcome(s.hub.request(s.romeo.jid, discoGet(), 5000));
    const third = outcome(s.hub.request(s.romeo.jid, discoGet(), 5000));
    const other = outcome(s.hub.request(s.mercutio.jid, discoGet(), 5000));
    await settle();
    assert.deepEqual(
      [missing.value, first.value, second.value, third.value, other.value],
      ['HERALD_ERR_NOT_FOUND', 'pending', 'pending', 'HERALD_ERR_RATE_LIMITED', 'pending'],
    );
  });
});

describe('disco identities (XEP-0030 §3.1)', () => {
  it('lists what was registered, refuses a duplicate, and forgets what is unregistered', () => {
    const { hub } = setup();
    const off = hub.discoIdentity('account', { category: 'pubsub', type: 'pep' });
    assert.deepEqual(hub.discoIdentities('account'), [{ category: 'pubsub', type: 'pep' }]);
    assert.deepEqual(hub.discoIdentities('server'), []);
    assert.throws(() => hub.discoIdentity('account', { category: 'pubsub', type: 'pep' }), /twice/);
    off();
    assert.deepEqual(hub.discoIdentities('account'), []);
  });
});
