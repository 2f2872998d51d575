import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BareJid, Jid } from '../../core/address/jid.js';
import { asUserId, type UserRecord } from '../../core/ports.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { silentLogger } from '../../kernel/log.js';
import { type Element, el, serialize } from '../../xml/index.js';
import { NS_DISCO_INFO } from '../namespaces.js';
import { XmppHub } from '../xmpp-hub.js';
import type { XmppSession } from '../xmpp-session.js';
import { discoInfoQuery } from './xep0163-pep.js';

const JID = 'bob@localhost/desk' as Jid;

function bound(hub: XmppHub, inbox: Element[]): XmppSession {
  const session: XmppSession = {
    id: 's1',
    user: { id: asUserId('u-bob') } as UserRecord,
    bare: 'bob@localhost' as BareJid,
    jid: JID,
    resource: 'desk',
    remoteAddress: '127.0.0.1',
    send: (stanza) => inbox.push(stanza),
    close: () => {},
    presence: { current: null, priority: 0, isInterested: true, directedTo: new Set() },
    state: new Map(),
  };
  hub.sessions.bind(session);
  return session;
}

const INFO = el('query', { xmlns: NS_DISCO_INFO, node: 'urn:c#v' }, el('feature', { var: 'urn:x+notify' }));

/** XEP-0115 §6.3: what the client answers, and what the caps resolver is handed. */
const CASES: { why: string; answer: ((id: string) => Element) | 'silence'; expected: string | null }[] = [
  {
    why: 'a result hands over its <query/>',
    answer: (id) => el('iq', { type: 'result', id, to: 'localhost' }, INFO),
    expected: serialize(INFO),
  },
  {
    why: 'an error is null',
    answer: (id) => el('iq', { type: 'error', id, to: 'localhost' }, el('error', { type: 'cancel' })),
    expected: null,
  },
  {
    why: 'a result without <query/> is null',
    answer: (id) => el('iq', { type: 'result', id, to: 'localhost' }),
    expected: null,
  },
  { why: 'no answer in time is null', answer: 'silence', expected: null },
];

describe('caps queries (XEP-0115 §6.3)', () => {
  for (const { why, answer, expected } of CASES)
    it(why, async () => {
      const clock = new FakeClock();
      const hub = new XmppHub('localhost', silentLogger(), { maxResourcesPerUser: 10, clock });
      const inbox: Element[] = [];
      const session = bound(hub, inbox);
      const asked = discoInfoQuery(hub, 1000)(JID, 'urn:c#v');
      const [request] = inbox;
      assert.equal(request?.getChild('query', NS_DISCO_INFO)?.attr('node'), 'urn:c#v');
      assert.equal(request?.attr('type'), 'get');
      if (answer === 'silence') clock.advance(1000);
      else await hub.route(session, answer(request?.attr('id') ?? '').withAttrs({ from: JID }));
      const info = await asked;
      assert.equal(info && serialize(info), expected);
    });
});
