/**
 * SPEC P2, P3, M1, M2, M3 with xmpp.js clients: rosters of the demo users, presence, forking to
 * several resources with the lock after a reply and the unlock on presence change, offline
 * delivery that survives a server restart, a subscription from request to approval, blocking.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import xml from '@xmpp/xml';
import { systemPrincipal } from '../../src/core/identity/principal.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import {
  allowSelfSigned,
  isMessage,
  isPresenceFrom,
  XmppCast,
  type XmppJsClient,
} from '../support/xmpp-clients.js';

describe('XMPP IM with real clients (RFC 6121)', () => {
  let herald: TestServer;
  let dataDir: string;
  const cast = new XmppCast(() => herald.ports.xmpp ?? 0);
  const login = (username: string, resource: string, password = DEMO_PASSWORD) =>
    cast.login(username, resource, { password, available: false });
  const available = (
    client: XmppJsClient,
    extra: { show?: string; status?: string; priority?: string } = {},
  ) =>
    client.send(
      xml(
        'presence',
        {},
        extra.show ? xml('show', {}, extra.show) : undefined,
        extra.status ? xml('status', {}, extra.status) : undefined,
        extra.priority ? xml('priority', {}, extra.priority) : undefined,
      ),
    );
  const chat = (client: XmppJsClient, to: string, body: string) =>
    client.send(xml('message', { to, type: 'chat', id: `m-${body}` }, xml('body', {}, body)));

  before(async () => {
    allowSelfSigned();
    dataDir = mkdtempSync(join(tmpdir(), 'herald-im-'));
    herald = await startTestServer({ keepDataDir: dataDir });
  });
  after(async () => {
    await cast.stopAll();
    await herald.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the demo users are mutual contacts: alice’s roster lists bob, carol and dave with subscription both', async () => {
    const { client } = await login('alice', 'roster');
    const result = await client.iqCaller.request(
      xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })),
    );
    const items = result.getChild('query')?.getChildren('item') ?? [];
    assert.deepEqual(
      items.map((i) => [i.attrs.jid, i.attrs.subscription, i.attrs.name, i.getChildText('group')]),
      [
        ['bob@localhost', 'both', 'Bob Brown', 'Colleagues'],
        ['carol@localhost', 'both', 'Carol Clark', 'Colleagues'],
        ['dave@localhost', 'both', 'Dave Davis', 'Colleagues'],
      ],
    );
    assert.match(result.getChild('query')?.attrs.ver ?? '', /^\d+$/);
    await client.stop();
  });

  it('alice sees bob come online and change his status; bob sees alice', async () => {
    const alice = await login('alice', 'laptop');
    await available(alice.client);
    const bob = await login('bob', 'desk');
    await available(bob.client);
    await alice.inbox.take(isPresenceFrom('bob@localhost/desk'), 'bob’s available presence');
    await bob.inbox.take(
      isPresenceFrom('alice@localhost/laptop'),
      'the probe answered with alice’s presence',
    );
    await available(bob.client, { show: 'away', status: 'At lunch' });
    const away = await alice.inbox.take(
      (s) => isPresenceFrom('bob@localhost/desk')(s) && s.getChildText('show') === 'away',
      'away',
    );
    assert.equal(away.getChildText('status'), 'At lunch');
  });

  it('forking: a message to bob’s bare JID reaches both his resources; after he replies from one, only that one; its presence change unlocks', async () => {
    const alice = await login('alice', 'forker');
    await available(alice.client);
    const desk = await login('bob', 'desk2');
    const phone = await login('bob', 'phone');
    await available(desk.client);
    await available(phone.client);
    await alice.inbox.take(isPresenceFrom('bob@localhost/phone'), 'phone online');

    await chat(alice.client, 'bob@localhost', 'hello both');
    await desk.inbox.take(isMessage('hello both'), 'desk gets the forked message');
    await phone.inbox.take(isMessage('hello both'), 'phone gets the forked message');

    await chat(phone.client, 'alice@localhost/forker', 'answer from phone');
    await alice.inbox.take(isMessage('answer from phone'), 'alice gets the reply');
    await chat(alice.client, 'bob@localhost', 'only phone');
    await phone.inbox.take(isMessage('only phone'), 'locked to the phone');
    assert.equal(
      await desk.inbox.arrives(isMessage('only phone')),
      false,
      'the desk is not bothered once bob answered from the phone',
    );

    await available(phone.client, { show: 'xa' });
    await alice.inbox.take(
      (s) => isPresenceFrom('bob@localhost/phone')(s) && s.getChildText('show') === 'xa',
      'phone xa',
    );
    await chat(alice.client, 'bob@localhost', 'both again');
    await desk.inbox.take(isMessage('both again'), 'desk again after the unlock');
    await phone.inbox.take(isMessage('both again'), 'phone again after the unlock');
  });

  it('offline messages are stored durably: carol gets them after a server restart, with a delay stamp', async () => {
    const alice = await login('alice', 'offline-sender');
    await chat(alice.client, 'carol@localhost', 'while you were out');
    // No error comes back: the message was accepted and stored (XEP-0160).
    assert.equal(await alice.inbox.arrives((s) => s.attrs.type === 'error'), false);
    await cast.stopAll();
    await herald.stop();
    herald = await startTestServer({ keepDataDir: dataDir });

    const carol = await login('carol', 'back');
    await available(carol.client);
    const stored = await carol.inbox.take(isMessage('while you were out'), 'the stored message');
    assert.equal(stored.attrs.from, 'alice@localhost/offline-sender');
    assert.equal(stored.getChild('delay', 'urn:xmpp:delay')?.attrs.from, 'localhost');
    await carol.client.stop();
    const again = await login('carol', 'again');
    await available(again.client);
    assert.equal(
      await again.inbox.arrives(isMessage('while you were out')),
      false,
      'delivered once, then gone',
    );
  });

  it('a subscription from request to approval: erin asks dave, dave approves, erin sees dave’s presence', async () => {
    await herald.server.accounts.addUser(systemPrincipal('test'), {
      username: 'erin',
      password: 'erin-password',
    });
    const erin = await login('erin', 'e', 'erin-password');
    await erin.client.iqCaller.request(
      xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })),
    );
    await available(erin.client);
    const dave = await login('dave', 'd');
    await dave.client.iqCaller.request(
      xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })),
    );
    await available(dave.client, { status: 'Working' });

    await erin.client.send(xml('presence', { to: 'dave@localhost', type: 'subscribe' }));
    const push = await erin.inbox.take(
      (s) => s.name === 'iq' && s.getChild('query')?.getChild('item')?.attrs.ask === 'subscribe',
      'roster push with ask',
    );
    assert.equal(push.getChild('query')?.getChild('item')?.attrs.jid, 'dave@localhost');
    await dave.inbox.take(
      (s) => s.name === 'presence' && s.attrs.type === 'subscribe' && s.attrs.from === 'erin@localhost',
      'dave sees the request',
    );

    await dave.client.send(xml('presence', { to: 'erin@localhost', type: 'subscribed' }));
    await erin.inbox.take(
      (s) => s.name === 'iq' && s.getChild('query')?.getChild('item')?.attrs.subscription === 'to',
      'erin’s push: to',
    );
    const presence = await erin.inbox.take(
      isPresenceFrom('dave@localhost/d'),
      'dave’s presence reaches erin',
    );
    assert.equal(presence.getChildText('status'), 'Working');
  });

  it('blocking: dave blocks alice; her message to him is refused, and his presence no longer reaches her', async () => {
    const dave = await login('dave', 'blocker');
    await available(dave.client);
    const alice = await login('alice', 'blocked');
    await available(alice.client);
    await alice.inbox.take(isPresenceFrom('dave@localhost/blocker'), 'dave visible before the block');
    await dave.client.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml('block', { xmlns: 'urn:xmpp:blocking' }, xml('item', { jid: 'alice@localhost' })),
      ),
    );
    await alice.inbox.take(
      isPresenceFrom('dave@localhost/blocker', 'unavailable'),
      'alice sees dave go (XEP-0191 §3.3)',
    );
    await chat(dave.client, 'alice@localhost', 'should not go');
    const refused = await dave.inbox.take(
      (s) => s.name === 'message' && s.attrs.type === 'error',
      'dave’s own message to alice is refused',
    );
    assert.ok(refused.getChild('error')?.getChild('blocked', 'urn:xmpp:blocking:errors'));
    await chat(alice.client, 'dave@localhost', 'hello?');
    const bounced = await alice.inbox.take(
      (s) => s.name === 'message' && s.attrs.type === 'error',
      'alice’s message bounces',
    );
    assert.ok(
      bounced.getChild('error')?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'),
    );
  });
});
