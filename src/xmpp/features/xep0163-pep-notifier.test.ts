import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BareJid, Jid } from '../../core/address/jid.js';
import { asUserId, type UserRecord } from '../../core/ports.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { silentLogger } from '../../kernel/log.js';
import { type Element, el, serialize } from '../../xml/index.js';
import { NS_DISCO_INFO } from '../namespaces.js';
import { XmppHub } from '../xmpp-hub.js';
import type { XmppSession } from '../xmpp-session.js';
import { CapsResolver } from './xep0115-caps-resolver.js';
import { capsHash, NS_CAPS, verificationString } from './xep0115-entity-capabilities.js';
import { type Candidate, notificationTargets, PepNotifier } from './xep0163-pep-notifier.js';

const NICK = 'http://jabber.org/protocol/nick';
const ALICE = 'alice@localhost' as BareJid;

/** XEP-0163 §4.3.2: who of one account's resources is told, by priority and caps. */
const TARGETS: { why: string; candidates: Candidate[]; expected: string[] }[] = [
  {
    why: 'the resources whose caps ask (rule 3)',
    candidates: [
      { jid: 'b@l/asks' as Jid, priority: 0, interest: 'yes' },
      { jid: 'b@l/declines' as Jid, priority: 5, interest: 'no' },
    ],
    expected: ['b@l/asks'],
  },
  {
    why: 'never a resource of negative priority',
    candidates: [{ jid: 'b@l/hidden' as Jid, priority: -1, interest: 'yes' }],
    expected: [],
  },
  {
    why: 'a resource whose caps cannot be resolved, alongside one that asks',
    candidates: [
      { jid: 'b@l/asks' as Jid, priority: 1, interest: 'yes' },
      { jid: 'b@l/unknown' as Jid, priority: 0, interest: 'unknown' },
    ],
    expected: ['b@l/asks', 'b@l/unknown'],
  },
  { why: 'nobody without resources', candidates: [], expected: [] },
];

/** A disco#info answer listing `features`, and the caps of it. */
function client(features: readonly string[]): { info: Element; caps: Element } {
  const info = el('query', { xmlns: NS_DISCO_INFO }, ...features.map((v) => el('feature', { var: v })));
  const ver = capsHash('sha-1', verificationString(info) ?? '') ?? '';
  return { info, caps: el('c', { xmlns: NS_CAPS, hash: 'sha-1', node: 'urn:test', ver }) };
}

const ASKS = client([`${NICK}+notify`]);
const DECLINES = client(['urn:xmpp:other+notify']);
const UNRESOLVED = el('c', { xmlns: NS_CAPS, hash: 'sha-1', node: 'urn:test', ver: 'not-a-hash' });

function session(jid: string, priority: number, caps: Element | null, inbox: string[]): XmppSession {
  const [bare = '', resource = ''] = jid.split('/');
  return {
    id: jid,
    user: { id: asUserId(`u-${bare}`) } as UserRecord,
    bare: bare as BareJid,
    jid: jid as Jid,
    resource,
    remoteAddress: '127.0.0.1',
    send: (stanza) => inbox.push(`${stanza.attr('to')}: ${serialize(stanza)}`),
    close: () => {},
    presence: { current: el('presence', {}, caps), priority, isInterested: true, directedTo: new Set() },
    state: new Map(),
  };
}

describe('PEP notifications (XEP-0163 §4.3)', () => {
  for (const { why, candidates, expected } of TARGETS)
    it(`tells ${why}`, () => {
      assert.deepEqual(notificationTargets(candidates), expected);
    });

  it('announces a nick to the interested resources of alice and her contacts, skipping a blocked one', async () => {
    const hub = new XmppHub('localhost', silentLogger(), { maxResourcesPerUser: 10 });
    const inbox: string[] = [];
    const infos = new Map<string, Element>();
    const bind = (jid: string, priority: number, caps: { info: Element; caps: Element } | Element | null) => {
      const c = caps === null ? null : 'info' in caps ? caps.caps : caps;
      if (caps !== null && 'info' in caps) infos.set(jid, caps.info);
      hub.sessions.bind(session(jid, priority, c, inbox));
    };
    bind('alice@localhost/laptop', 0, ASKS);
    bind('alice@localhost/phone', 0, null);
    bind('bob@localhost/desk', 3, DECLINES);
    bind('bob@localhost/pocket', -1, ASKS);
    bind('carol@localhost/pc', 0, UNRESOLVED);
    bind('dave@localhost/x', 0, ASKS);
    const resolver = new CapsResolver({ query: async (to) => infos.get(to) ?? null, cacheSize: 10 });
    const notifier = new PepNotifier({
      hub,
      resolver,
      blocks: { isBlocked: async (_owner, address) => address.startsWith('dave@') },
      ids: sequentialIdSource('n'),
    });
    const item = {
      id: 'i1',
      payload: `<nick xmlns='${NICK}'>Alice</nick>`,
      publisher: 'alice@localhost/laptop',
      publishedAt: 0,
    };
    await notifier.announce({
      ownerId: asUserId('u-alice'),
      owner: ALICE,
      node: NICK,
      event: { kind: 'published', item },
      contacts: ['bob@localhost', 'carol@localhost', 'dave@localhost'] as BareJid[],
    });
    const event =
      `<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='${NICK}'><item id='i1'><nick xmlns='${NICK}'>Alice</nick></item></items></event>` +
      `<addresses xmlns='http://jabber.org/protocol/address'><address type='replyto' jid='alice@localhost/laptop'/></addresses>`;
    assert.deepEqual(inbox, [
      `alice@localhost/laptop: <message from='alice@localhost' to='alice@localhost/laptop' type='headline' id='pep-n-1'>${event}</message>`,
      `carol@localhost/pc: <message from='alice@localhost' to='carol@localhost/pc' type='headline' id='pep-n-2'>${event}</message>`,
    ]);
  });

  it('tells explicit subscribers whatever their caps say, each resource once', async () => {
    const hub = new XmppHub('localhost', silentLogger(), { maxResourcesPerUser: 10 });
    const inbox: string[] = [];
    for (const [jid, priority, caps] of [
      ['alice@localhost/laptop', 0, ASKS.caps],
      ['bob@localhost/capsless', 0, null],
      ['bob@localhost/other', 0, null],
      ['carol@localhost/a', 0, null],
      ['carol@localhost/b', 1, DECLINES.caps],
      ['carol@localhost/hidden', -1, null],
      ['dave@localhost/x', 0, null],
    ] as const)
      hub.sessions.bind(session(jid, priority, caps, inbox));
    const notifier = new PepNotifier({
      hub,
      resolver: new CapsResolver({ query: async () => ASKS.info, cacheSize: 10 }),
      blocks: { isBlocked: async (_owner, address) => address.startsWith('dave@') },
      ids: sequentialIdSource('n'),
    });
    await notifier.announce({
      ownerId: asUserId('u-alice'),
      owner: ALICE,
      node: NICK,
      event: { kind: 'deleted' },
      contacts: [],
      subscribers: [
        'bob@localhost/capsless',
        'bob@localhost/offline',
        'carol@localhost',
        'carol@localhost/a',
        'alice@localhost/laptop',
        'dave@localhost/x',
      ] as Jid[],
    });
    assert.deepEqual(
      inbox.map((line) => line.slice(0, line.indexOf(':'))),
      ['alice@localhost/laptop', 'bob@localhost/capsless', 'carol@localhost/a', 'carol@localhost/b'],
    );
  });

  it('sends the last item with its time to a new resource that asks, and nothing to one that declines', async () => {
    const hub = new XmppHub('localhost', silentLogger(), { maxResourcesPerUser: 10 });
    const inbox: string[] = [];
    const notifier = new PepNotifier({
      hub,
      resolver: new CapsResolver({
        query: async (to) => (to.includes('romeo') ? ASKS.info : DECLINES.info),
        cacheSize: 10,
      }),
      blocks: { isBlocked: async () => false },
      ids: sequentialIdSource('n'),
    });
    const last = {
      ownerId: asUserId('u-alice'),
      owner: ALICE,
      node: NICK,
      item: {
        id: 'i1',
        payload: `<nick xmlns='${NICK}'>Alice</nick>`,
        publisher: 'alice@localhost/laptop',
        publishedAt: Date.UTC(2026, 0, 2),
      },
    };
    await notifier.sendLast(session('romeo@localhost/orchard', 0, ASKS.caps, inbox), last);
    await notifier.sendLast(session('tybalt@localhost/street', 0, DECLINES.caps, inbox), last);
    assert.equal(inbox.length, 1);
    assert.match(
      inbox[0] ?? '',
      /^romeo@localhost\/orchard: .*<delay xmlns='urn:xmpp:delay' stamp='2026-01-02T00:00:00.000Z'\/><\/message>$/,
    );
  });
});
