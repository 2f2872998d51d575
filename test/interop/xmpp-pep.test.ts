/**
 * XEP-0163 personal eventing and XEP-0054 vcard-temp with xmpp.js clients: alice publishes her
 * nickname (XEP-0172), avatar metadata (XEP-0084) and bookmarks (XEP-0402, private storage per
 * XEP-0223); bob, a contact whose caps ask for +notify, is told; mallory, a stranger, is refused
 * what only contacts may see; vCards round-trip.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import xml, { type XmlElement } from '@xmpp/xml';
import { systemPrincipal } from '../../src/core/identity/principal.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import {
  allowSelfSigned,
  Inbox,
  isPresenceFrom,
  type XmppJsClient,
  xmppJs,
} from '../support/xmpp-clients.js';

const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
const NS_EVENT = 'http://jabber.org/protocol/pubsub#event';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
const NS_CAPS = 'http://jabber.org/protocol/caps';
const NICK = 'http://jabber.org/protocol/nick';
const AVATAR = 'urn:xmpp:avatar:metadata';
const BOOKMARKS = 'urn:xmpp:bookmarks:1';
const CAPS_NODE = 'https://herald.example/interop';
const ALICE = 'alice@localhost';

/** The iq responder xmpp.js has (the test typings leave it out). */
type WithCallee = XmppJsClient & {
  iqCallee: { get(ns: string, name: string, handler: () => XmlElement): void };
};

/** XEP-0115 §5.1 for one identity and some features, written out as the spec spells it. */
function capsVer(features: readonly string[]): string {
  const verification = `client/pc//Herald interop<${[...features]
    .sort()
    .map((f) => `${f}<`)
    .join('')}`;
  return createHash('sha1').update(verification).digest('base64');
}

function form(formType: string, fields: Record<string, string>): XmlElement {
  return xml(
    'x',
    { xmlns: 'jabber:x:data', type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
    ...Object.entries(fields).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))),
  );
}

const publishOptions = (fields: Record<string, string>) =>
  xml('publish-options', {}, form('http://jabber.org/protocol/pubsub#publish-options', fields));

/** XEP-0402 §3.1 (and XEP-0223 §3): the options a bookmarks client publishes with. */
const BOOKMARK_OPTIONS = {
  'pubsub#persist_items': 'true',
  'pubsub#max_items': 'max',
  'pubsub#send_last_published_item': 'never',
  'pubsub#access_model': 'whitelist',
};

const isEvent = (node: string) => (s: XmlElement) =>
  s.name === 'message' &&
  s.attrs.from === ALICE &&
  s.getChild('event', NS_EVENT)?.getChild('items')?.attrs.node === node;

const eventItem = (message: XmlElement) =>
  message.getChild('event', NS_EVENT)?.getChild('items')?.getChild('item');

/** The condition and the application condition of an IQ error (or a failed test, if it succeeded). */
async function refusal(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    const { condition, application } = error as { condition: string; application?: XmlElement };
    return application ? `${condition} ${application.name}` : condition;
  }
  return assert.fail('the request succeeded');
}

describe('XMPP personal eventing and vCards with real clients (XEP-0163, XEP-0054)', () => {
  let herald: TestServer;
  const online: XmppJsClient[] = [];

  /** Logs in and sends available presence, with caps asking for `notify` nodes when given. */
  const login = async (
    username: string,
    resource: string,
    notify: readonly string[] | null,
    password = DEMO_PASSWORD,
  ) => {
    const client = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username,
      password,
      resource,
    });
    online.push(client);
    const inbox = new Inbox(client);
    if (notify === null) {
      await client.send(xml('presence'));
      return { client, inbox };
    }
    const features = [NS_CAPS, NS_DISCO_INFO, ...notify.map((node) => `${node}+notify`)];
    const ver = capsVer(features);
    // XEP-0115 §6.3: the server may ask what the ver stands for; the answer hashes to it.
    (client as WithCallee).iqCallee.get(NS_DISCO_INFO, 'query', () =>
      xml(
        'query',
        { xmlns: NS_DISCO_INFO, node: `${CAPS_NODE}#${ver}` },
        xml('identity', { category: 'client', type: 'pc', name: 'Herald interop' }),
        ...features.map((feature) => xml('feature', { var: feature })),
      ),
    );
    await client.send(xml('presence', {}, xml('c', { xmlns: NS_CAPS, hash: 'sha-1', node: CAPS_NODE, ver })));
    return { client, inbox };
  };

  const publish = (client: XmppJsClient, node: string, item: XmlElement, options?: XmlElement) =>
    client.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml('pubsub', { xmlns: NS_PUBSUB }, xml('publish', { node }, item), options),
      ),
    );
  const items = (client: XmppJsClient, node: string, to: string = ALICE) =>
    client.iqCaller.request(
      xml('iq', { type: 'get', to }, xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node }))),
    );
  const vcard = (client: XmppJsClient, type: 'get' | 'set', to?: string, ...fields: XmlElement[]) =>
    client.iqCaller.request(xml('iq', { type, to }, xml('vCard', { xmlns: 'vcard-temp' }, ...fields)));

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer();
    await herald.server.accounts.addUser(systemPrincipal('test'), {
      username: 'mallory',
      password: 'mallory-password',
    });
  });
  after(async () => {
    for (const client of online) await client.stop().catch(() => {});
    await herald.stop();
  });

  it('alice publishes her nickname: bob and her laptop (+notify caps) are told; carol and alice’s phone (no caps) and bob’s watch and alice’s tablet (caps without nick+notify) are not', async () => {
    const bob = await login('bob', 'desk', [NICK, AVATAR]);
    const watch = await login('bob', 'watch', [AVATAR]);
    const carol = await login('carol', 'plain', null);
    const laptop = await login('alice', 'laptop', [NICK, BOOKMARKS]);
    const phone = await login('alice', 'phone', null);
    const tablet = await login('alice', 'tablet', [BOOKMARKS]);
    await laptop.inbox.take(isPresenceFrom('bob@localhost/desk'), 'bob is online');
    await laptop.inbox.take(isPresenceFrom('bob@localhost/watch'), 'bob’s watch is online');
    await laptop.inbox.take(isPresenceFrom('carol@localhost/plain'), 'carol is online');
    await bob.inbox.take(isPresenceFrom('alice@localhost/tablet'), 'bob sees alice');

    const result = await publish(
      laptop.client,
      NICK,
      xml('item', {}, xml('nick', { xmlns: NICK }, 'Alice A.')),
    );
    const itemId = result.getChild('pubsub', NS_PUBSUB)?.getChild('publish')?.getChild('item')?.attrs.id;
    assert.ok(itemId, 'XEP-0060 §7.1.2: the result names the ItemID the service made');

    for (const [who, inbox] of [
      ['bob', bob.inbox],
      ['alice’s laptop', laptop.inbox],
    ] as const) {
      const event = await inbox.take(isEvent(NICK), `${who} gets the nick event`);
      assert.equal(event.attrs.type, 'headline');
      assert.equal(eventItem(event)?.attrs.id, itemId);
      assert.equal(eventItem(event)?.getChildText('nick', NICK), 'Alice A.');
      const replyTo = event.getChild('addresses', 'http://jabber.org/protocol/address')?.getChild('address');
      assert.equal(replyTo?.attrs.jid, 'alice@localhost/laptop', 'XEP-0163 §4.3.1: the publishing resource');
    }
    assert.equal(await carol.inbox.arrives(isEvent(NICK)), false, 'carol did not ask');
    assert.equal(await phone.inbox.arrives(isEvent(NICK)), false, 'the phone did not ask');
    // XEP-0163 §4.2 filtered notifications: the server asked each ver (XEP-0115 §6.3) and knows.
    assert.equal(await watch.inbox.arrives(isEvent(NICK)), false, 'the watch has no nick+notify');
    assert.equal(await tablet.inbox.arrives(isEvent(NICK)), false, 'the tablet has no nick+notify');
  });

  it('mallory, a stranger, is refused alice’s presence-access nick but reads her open avatar metadata; bob reads both', async () => {
    const mallory = await login('mallory', 'm', null, 'mallory-password');
    const bob = await login('bob', 'reader', null);
    assert.equal(await refusal(items(mallory.client, NICK)), 'not-authorized presence-subscription-required');
    const nick = await items(bob.client, NICK);
    assert.equal(
      nick.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChild('item')?.getChildText('nick', NICK),
      'Alice A.',
    );

    const alice = await login('alice', 'avatar', null);
    const metadata = xml(
      'metadata',
      { xmlns: AVATAR },
      xml('info', { id: 'abc123', bytes: '1234', type: 'image/png' }),
    );
    await publish(
      alice.client,
      AVATAR,
      xml('item', { id: 'abc123' }, metadata),
      publishOptions({ 'pubsub#access_model': 'open' }),
    );
    for (const reader of [mallory.client, bob.client]) {
      const read = await items(reader, AVATAR);
      const item = read.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChild('item');
      assert.equal(item?.attrs.id, 'abc123');
      assert.equal(item?.getChild('metadata', AVATAR)?.getChild('info')?.attrs.bytes, '1234');
    }
    assert.equal(await refusal(items(mallory.client, 'urn:nothing:here')), 'item-not-found');
  });

  it('bookmarks (XEP-0402) stay alice’s: her laptop is told, bob can neither read them nor is told, other options fail', async () => {
    const bob = await login('bob', 'nosy', [BOOKMARKS]);
    const laptop = await login('alice', 'books', [BOOKMARKS]);
    await laptop.inbox.take(isPresenceFrom('bob@localhost/nosy'), 'bob is online');
    const conference = xml(
      'conference',
      { xmlns: BOOKMARKS, name: 'Team', autojoin: 'true' },
      xml('nick', {}, 'alice'),
    );
    await publish(
      laptop.client,
      BOOKMARKS,
      xml('item', { id: 'team@conference.localhost' }, conference),
      publishOptions(BOOKMARK_OPTIONS),
    );

    const event = await laptop.inbox.take(isEvent(BOOKMARKS), 'alice’s laptop gets the bookmark');
    assert.equal(eventItem(event)?.attrs.id, 'team@conference.localhost');
    assert.equal(await bob.inbox.arrives(isEvent(BOOKMARKS)), false, 'bob is not told of alice’s bookmarks');
    assert.equal(await refusal(items(bob.client, BOOKMARKS)), 'not-allowed closed-node');
    const mine = await items(laptop.client, BOOKMARKS);
    assert.equal(
      mine
        .getChild('pubsub', NS_PUBSUB)
        ?.getChild('items')
        ?.getChild('item')
        ?.getChild('conference', BOOKMARKS)?.attrs.name,
      'Team',
    );

    const opened = publish(
      laptop.client,
      BOOKMARKS,
      xml('item', { id: 'other@conference.localhost' }, conference),
      publishOptions({ 'pubsub#access_model': 'open' }),
    );
    assert.equal(await refusal(opened), 'conflict precondition-not-met'); // XEP-0060 §7.1.5
  });

  it('dave comes online asking for nicks: he gets alice’s last nick with a delay stamp, not her bookmarks', async () => {
    const dave = await login('dave', 'late', [NICK, BOOKMARKS]);
    const last = await dave.inbox.take(isEvent(NICK), 'the last published nick (XEP-0163 §4.3.4)');
    assert.equal(eventItem(last)?.getChildText('nick', NICK), 'Alice A.');
    assert.match(last.getChild('delay', 'urn:xmpp:delay')?.attrs.stamp ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(await dave.inbox.arrives(isEvent(BOOKMARKS)), false);
  });

  it('alice retracts a bookmark and her laptop is told; she reads the node’s configuration as its owner, bob may not', async () => {
    const laptop = await login('alice', 'admin', [BOOKMARKS]);
    await laptop.client.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml(
          'pubsub',
          { xmlns: NS_PUBSUB },
          xml(
            'retract',
            { node: BOOKMARKS, notify: 'true' },
            xml('item', { id: 'team@conference.localhost' }),
          ),
        ),
      ),
    );
    const retracted = await laptop.inbox.take(
      (s) =>
        isEvent(BOOKMARKS)(s) &&
        s.getChild('event', NS_EVENT)?.getChild('items')?.getChild('retract') !== undefined,
      'the retraction',
    );
    assert.equal(
      retracted.getChild('event', NS_EVENT)?.getChild('items')?.getChild('retract')?.attrs.id,
      'team@conference.localhost',
    );

    const configure = xml('pubsub', { xmlns: `${NS_PUBSUB}#owner` }, xml('configure', { node: BOOKMARKS }));
    const config = await laptop.client.iqCaller.request(xml('iq', { type: 'get' }, configure));
    const fields =
      config
        .getChild('pubsub', `${NS_PUBSUB}#owner`)
        ?.getChild('configure')
        ?.getChild('x', 'jabber:x:data')
        ?.getChildren('field') ?? [];
    const values = Object.fromEntries(fields.map((f) => [f.attrs.var, f.getChildText('value')]));
    assert.equal(values['pubsub#access_model'], 'whitelist');
    assert.equal(values['pubsub#send_last_published_item'], 'never');
    const bob = await login('bob', 'config', null);
    const forbidden = bob.client.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: ALICE },
        xml('pubsub', { xmlns: `${NS_PUBSUB}#owner` }, xml('configure', { node: BOOKMARKS })),
      ),
    );
    assert.equal(await refusal(forbidden), 'forbidden');
  });

  it('vCards round-trip: alice sets hers with a photo; she, bob and mallory read it; bob cannot set it; carol has none', async () => {
    const alice = await login('alice', 'card', null);
    const photo = xml(
      'PHOTO',
      {},
      xml('TYPE', {}, 'image/png'),
      xml('BINVAL', {}, Buffer.alloc(600, 7).toString('base64')),
    );
    await vcard(
      alice.client,
      'set',
      undefined,
      xml('FN', {}, 'Alice Adams'),
      xml('NICKNAME', {}, 'alice'),
      photo,
    );
    const bob = await login('bob', 'cards', null);
    const mallory = await login('mallory', 'cards', null, 'mallory-password');
    for (const [reader, to] of [
      [alice.client, undefined],
      [bob.client, ALICE],
      [mallory.client, ALICE],
    ] as const) {
      const card = (await vcard(reader, 'get', to)).getChild('vCard', 'vcard-temp');
      assert.equal(card?.getChildText('FN'), 'Alice Adams');
      assert.equal(card?.getChild('PHOTO')?.getChildText('BINVAL'), Buffer.alloc(600, 7).toString('base64'));
    }
    assert.equal(await refusal(vcard(bob.client, 'set', ALICE, xml('FN', {}, 'Not Alice'))), 'forbidden');
    assert.equal(await refusal(vcard(bob.client, 'get', 'carol@localhost')), 'item-not-found');
    const carol = await login('carol', 'card', null);
    const empty = (await vcard(carol.client, 'get')).getChild('vCard', 'vcard-temp');
    assert.deepEqual(empty?.children, [], 'XEP-0054 §3.1: her own missing vCard is an empty one');
    const huge = xml('DESC', {}, 'x'.repeat(70 * 1024));
    assert.equal(await refusal(vcard(alice.client, 'set', undefined, huge)), 'not-acceptable');
  });

  it('the account and the server advertise what they support, the account the nodes each asker may read (XEP-0163 §6, XEP-0054 §4)', async () => {
    const alice = await login('alice', 'disco', null);
    const account = await alice.client.iqCaller.request(
      xml('iq', { type: 'get', to: ALICE }, xml('query', { xmlns: NS_DISCO_INFO })),
    );
    const features =
      account
        .getChild('query', NS_DISCO_INFO)
        ?.getChildren('feature')
        .map((f) => f.attrs.var) ?? [];
    for (const feature of [
      'auto-create',
      'publish-options',
      'filtered-notifications',
      'access-whitelist',
      'access-roster',
      'subscribe',
    ])
      assert.ok(features.includes(`${NS_PUBSUB}#${feature}`), feature);
    const identities =
      account
        .getChild('query', NS_DISCO_INFO)
        ?.getChildren('identity')
        .map((i) => `${i.attrs.category}/${i.attrs.type}`) ?? [];
    assert.deepEqual(identities.sort(), ['account/registered', 'pubsub/pep']); // XEP-0163 §6.1

    // §6.2: the account's items are the nodes the asker may read.
    const nodesSeenBy = async (client: XmppJsClient) => {
      const items = await client.iqCaller.request(
        xml('iq', { type: 'get', to: ALICE }, xml('query', { xmlns: NS_DISCO_ITEMS })),
      );
      const listed = items.getChild('query', NS_DISCO_ITEMS)?.getChildren('item') ?? [];
      for (const item of listed) assert.equal(item.attrs.jid, ALICE);
      return listed.map((item) => item.attrs.node).sort();
    };
    const bob = await login('bob', 'items', null);
    const mallory = await login('mallory', 'items', null, 'mallory-password');
    // The vCard of the test before lives in an open node (XEP-0054 module, VCARD_NODE).
    assert.deepEqual(await nodesSeenBy(alice.client), [NICK, AVATAR, BOOKMARKS, 'vcard-temp'].sort());
    assert.deepEqual(await nodesSeenBy(bob.client), [NICK, AVATAR, 'vcard-temp'].sort());
    assert.deepEqual(await nodesSeenBy(mallory.client), [AVATAR, 'vcard-temp'].sort());
    const server = await alice.client.iqCaller.request(
      xml('iq', { type: 'get', to: 'localhost' }, xml('query', { xmlns: NS_DISCO_INFO })),
    );
    const serverFeatures =
      server
        .getChild('query', NS_DISCO_INFO)
        ?.getChildren('feature')
        .map((f) => f.attrs.var) ?? [];
    assert.ok(serverFeatures.includes('vcard-temp'));
  });
  it('a caps-less resource of bob that subscribes to alice’s nick (XEP-0060 §6.1) gets her next nick; unsubscribed, it does not', async () => {
    const bob = await login('bob', 'subscriber', null);
    const jid = 'bob@localhost/subscriber';
    const subscribe = (name: 'subscribe' | 'unsubscribe', attrs: Record<string, string> = {}) =>
      bob.client.iqCaller.request(
        xml(
          'iq',
          { type: 'set', to: ALICE },
          xml('pubsub', { xmlns: NS_PUBSUB }, xml(name, { node: NICK, jid, ...attrs })),
        ),
      );
    const result = await subscribe('subscribe');
    const subscription = result.getChild('pubsub', NS_PUBSUB)?.getChild('subscription');
    assert.equal(subscription?.attrs.subscription, 'subscribed'); // §6.1.2
    assert.equal(subscription?.attrs.jid, jid);
    assert.equal(subscription?.attrs.node, NICK);
    assert.ok(subscription?.attrs.subid, '§6.1.2: the SubID');

    const alice = await login('alice', 'renamer', null);
    await publish(alice.client, NICK, xml('item', {}, xml('nick', { xmlns: NICK }, 'Alice B.')));
    const event = await bob.inbox.take(isEvent(NICK), 'the subscribed resource gets the nick event');
    assert.equal(eventItem(event)?.getChildText('nick', NICK), 'Alice B.');

    assert.equal(await refusal(subscribe('unsubscribe', { subid: 'nope' })), 'not-acceptable invalid-subid');
    await subscribe('unsubscribe', { subid: subscription?.attrs.subid ?? '' });
    assert.equal(await refusal(subscribe('unsubscribe')), 'unexpected-request not-subscribed'); // §6.2.3.2
    await publish(alice.client, NICK, xml('item', {}, xml('nick', { xmlns: NICK }, 'Alice C.')));
    assert.equal(await bob.inbox.arrives(isEvent(NICK)), false, 'no longer subscribed, no caps');
  });

  it('a roster-access node (XEP-0060 §4.5) for alice’s Colleagues: bob reads it; carol, moved to another group, is refused', async () => {
    const TEAM = 'urn:herald:test:team';
    const alice = await login('alice', 'roster', null);
    const config = xml(
      'x',
      { xmlns: 'jabber:x:data', type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, `${NS_PUBSUB}#node_config`)),
      xml('field', { var: 'pubsub#access_model' }, xml('value', {}, 'roster')),
      xml(
        'field',
        { var: 'pubsub#roster_groups_allowed', type: 'list-multi' },
        xml('value', {}, 'Colleagues'),
      ),
    );
    await alice.client.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml('pubsub', { xmlns: NS_PUBSUB }, xml('create', { node: TEAM }), xml('configure', {}, config)),
      ),
    );
    await publish(alice.client, TEAM, xml('item', { id: 'plan' }, xml('plan', { xmlns: TEAM }, 'ship it')));
    const bob = await login('bob', 'team', null);
    const carol = await login('carol', 'team', null);
    const planOf = async (client: XmppJsClient) =>
      (await items(client, TEAM)).getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChild('item')?.attrs
        .id;
    assert.equal(await planOf(bob.client), 'plan');
    assert.equal(await planOf(carol.client), 'plan', 'carol is a Colleague too, for now');

    await alice.client.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml(
          'query',
          { xmlns: 'jabber:iq:roster' },
          xml('item', { jid: 'carol@localhost', name: 'carol' }, xml('group', {}, 'Other')),
        ),
      ),
    );
    assert.equal(await refusal(items(carol.client, TEAM)), 'not-authorized not-in-roster-group'); // §6.5.9.7
    assert.equal(await planOf(bob.client), 'plan');
  });
});
