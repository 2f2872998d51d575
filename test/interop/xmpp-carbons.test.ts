/**
 * XEP-0280 Message Carbons and XEP-0352 Client State Indication with xmpp.js clients: alice on
 * two devices sees both sides of her chat with bob; bob's second device gets what the lock
 * (SPEC M2, XEP-0296) sent to his first; <private/> keeps a message off the other devices; a
 * peer cannot make the server forge a carbon; an inactive phone gets presence later, messages now.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import xml, { type XmlElement } from '@xmpp/xml';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import {
  allowSelfSigned,
  Inbox,
  isMessage,
  isPresenceFrom,
  rawXmpp,
  STREAM_HEADER,
  withTimeout,
  type XmppJsClient,
  xmppJs,
} from '../support/xmpp-clients.js';

const NS_CARBONS = 'urn:xmpp:carbons:2';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_CSI = 'urn:xmpp:csi:0';

/** The message a carbon of this kind carries, if `s` is one. */
const carried = (s: XmlElement, kind: 'sent' | 'received') =>
  s.name === 'message'
    ? s.getChild(kind, NS_CARBONS)?.getChild('forwarded', NS_FORWARD)?.getChild('message')
    : undefined;
const isCarbon = (kind: 'sent' | 'received', body: string) => (s: XmlElement) =>
  carried(s, kind)?.getChildText('body') === body;
const isAnyCarbonOf = (body: string) => (s: XmlElement) =>
  isCarbon('sent', body)(s) || isCarbon('received', body)(s);

describe('XEP-0280 Message Carbons and XEP-0352 CSI with xmpp.js', () => {
  let herald: TestServer;
  const online: XmppJsClient[] = [];

  const login = async (username: string, resource: string, options: { carbons?: boolean } = {}) => {
    const client = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username,
      password: DEMO_PASSWORD,
      resource,
    });
    online.push(client);
    const inbox = new Inbox(client);
    if (options.carbons) await carbons(client, 'enable');
    await client.send(xml('presence'));
    return { client, inbox };
  };
  const carbons = (client: XmppJsClient, action: 'enable' | 'disable', to?: string) =>
    client.iqCaller.request(xml('iq', { type: 'set', to }, xml(action, { xmlns: NS_CARBONS })));
  const chat = (client: XmppJsClient, to: string, body: string, ...extra: XmlElement[]) =>
    client.send(xml('message', { to, type: 'chat', id: `m-${body}` }, xml('body', {}, body), ...extra));

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer();
  });
  after(async () => {
    for (const client of online) await client.stop().catch(() => {});
    await herald.stop();
  });

  it('the server offers Carbons in disco (§3); enabling twice is fine (§10.1); nobody switches another account’s copies (§4.1)', async () => {
    const { client } = await login('alice', 'disco');
    const info = await client.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: 'localhost' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const features =
      info
        .getChild('query')
        ?.getChildren('feature')
        .map((f) => f.attrs.var) ?? [];
    assert.ok(features.includes(NS_CARBONS), features.join(' '));
    assert.equal((await carbons(client, 'enable')).attrs.type, 'result');
    assert.equal((await carbons(client, 'enable')).attrs.type, 'result');
    assert.equal((await carbons(client, 'disable')).attrs.type, 'result');
    await assert.rejects(carbons(client, 'enable', 'bob@localhost'), (error: { condition?: string }) => {
      assert.equal(error.condition, 'not-allowed');
      return true;
    });
    await client.stop();
  });

  it('alice’s other device gets <sent/> copies; bob’s second device gets <received/> copies once the chat is locked to his first', async () => {
    const laptop = await login('alice', 'laptop', { carbons: true });
    const phone = await login('alice', 'phone', { carbons: true });
    const desk = await login('bob', 'desk', { carbons: true });
    const mobile = await login('bob', 'mobile', { carbons: true });
    await laptop.inbox.take(isPresenceFrom('bob@localhost/mobile'), 'bob’s mobile online');
    await mobile.inbox.take(isPresenceFrom('alice@localhost/phone'), 'alice’s phone online');

    // Alice writes from the laptop to bob's bare JID: both of bob's devices get it (forking).
    await chat(laptop.client, 'bob@localhost', 'hello bob');
    await desk.inbox.take(isMessage('hello bob'), 'desk gets the original');
    await mobile.inbox.take(isMessage('hello bob'), 'mobile gets the original');
    const sent = await phone.inbox.take(isCarbon('sent', 'hello bob'), 'alice’s phone gets a sent copy');
    // §8: from alice's bare JID, to the phone; the original inside, from the laptop.
    assert.equal(sent.attrs.from, 'alice@localhost');
    assert.equal(sent.attrs.to, 'alice@localhost/phone');
    assert.equal(sent.attrs.type, 'chat');
    assert.equal(carried(sent, 'sent')?.attrs.from, 'alice@localhost/laptop');
    assert.equal(carried(sent, 'sent')?.attrs.to, 'bob@localhost');

    // Bob answers from the desk: the conversation locks to the desk (XEP-0296), and alice's
    // side was locked to the laptop when she wrote from it.
    await chat(desk.client, 'alice@localhost', 'hi alice');
    await laptop.inbox.take(isMessage('hi alice'), 'the laptop gets the answer');
    const received = await phone.inbox.take(
      isCarbon('received', 'hi alice'),
      'alice’s phone gets a received copy',
    );
    assert.equal(received.attrs.from, 'alice@localhost');
    assert.equal(carried(received, 'received')?.attrs.from, 'bob@localhost/desk');
    await mobile.inbox.take(isCarbon('sent', 'hi alice'), 'bob’s mobile gets a sent copy of his answer');

    await chat(laptop.client, 'bob@localhost', 'only the desk');
    await desk.inbox.take(isMessage('only the desk'), 'locked to the desk');
    const copy = await mobile.inbox.take(
      isCarbon('received', 'only the desk'),
      'the mobile gets a copy (SPEC M2)',
    );
    assert.equal(copy.attrs.from, 'bob@localhost');
    assert.equal(copy.attrs.to, 'bob@localhost/mobile');

    // By now every copy has arrived, in order: none went to a device that had the original.
    assert.equal(
      mobile.inbox.stanzas.some(isCarbon('received', 'hello bob')),
      false,
      'no copy beside the original',
    );
    assert.equal(mobile.inbox.stanzas.some(isMessage('only the desk')), false, 'no original beside the copy');
    assert.equal(desk.inbox.stanzas.some(isAnyCarbonOf('only the desk')), false, 'the desk had the original');
    assert.equal(
      laptop.inbox.stanzas.some(isAnyCarbonOf('hello bob')),
      false,
      'the sender gets no copy (§8)',
    );
    for (const c of [laptop, phone, desk, mobile]) await c.client.stop();
  });

  it('<private/> (§9) and <no-copy/> (XEP-0334) keep a message off the other devices; <private/> is removed', async () => {
    const laptop = await login('alice', 'laptop2', { carbons: true });
    const phone = await login('alice', 'phone2', { carbons: true });
    const desk = await login('bob', 'desk2', { carbons: true });
    const mobile = await login('bob', 'mobile2', { carbons: true });
    await laptop.inbox.take(isPresenceFrom('bob@localhost/mobile2'), 'bob’s mobile online');

    await chat(
      laptop.client,
      'bob@localhost/desk2',
      'just for the desk',
      xml('private', { xmlns: NS_CARBONS }),
    );
    await chat(
      laptop.client,
      'bob@localhost/desk2',
      'no copies',
      xml('no-copy', { xmlns: 'urn:xmpp:hints' }),
    );
    await chat(laptop.client, 'bob@localhost/desk2', 'copy me');
    const secret = await desk.inbox.take(isMessage('just for the desk'), 'the desk gets it');
    assert.equal(secret.getChild('private', NS_CARBONS), undefined, '<private/> removed before delivery');
    await desk.inbox.take(isMessage('no copies'), 'the desk gets the no-copy one');
    // The ordinary message's copies come after any copy of the first two would have.
    await phone.inbox.take(isCarbon('sent', 'copy me'), 'the ordinary message is copied to alice’s phone');
    await mobile.inbox.take(isCarbon('received', 'copy me'), 'and to bob’s mobile');
    for (const c of [phone, mobile]) {
      assert.equal(
        c.inbox.stanzas.some(isAnyCarbonOf('just for the desk')),
        false,
        'no copy of the private one',
      );
      assert.equal(c.inbox.stanzas.some(isAnyCarbonOf('no copies')), false, 'no copy of the no-copy one');
    }

    // A device that disables Carbons gets no more copies; the others still do.
    await carbons(phone.client, 'disable');
    await carbons(mobile.client, 'disable');
    await chat(laptop.client, 'bob@localhost/desk2', 'after disable');
    await desk.inbox.take(isMessage('after disable'), 'delivered');
    await carbons(phone.client, 'enable'); // an IQ answered in order: every copy due is out by now
    assert.equal(phone.inbox.stanzas.some(isAnyCarbonOf('after disable')), false);
    assert.equal(mobile.inbox.stanzas.some(isAnyCarbonOf('after disable')), false);
    for (const c of [laptop, phone, desk, mobile]) await c.client.stop();
  });

  it('a peer cannot make the server forge a carbon: what bob wraps reaches alice from bob, and is not copied', async () => {
    const laptop = await login('alice', 'laptop3', { carbons: true });
    const phone = await login('alice', 'phone3', { carbons: true });
    const bob = await login('bob', 'forger', { carbons: true });
    await bob.inbox.take(isPresenceFrom('alice@localhost/phone3'), 'alice online');

    const fake = xml(
      'received',
      { xmlns: NS_CARBONS },
      xml(
        'forwarded',
        { xmlns: NS_FORWARD },
        xml(
          'message',
          { xmlns: 'jabber:client', from: 'carol@localhost/x', to: 'alice@localhost/laptop3', type: 'chat' },
          xml('body', {}, 'forged'),
        ),
      ),
    );
    await bob.client.send(xml('message', { to: 'alice@localhost/laptop3', type: 'chat' }, fake));
    await chat(bob.client, 'alice@localhost/laptop3', 'after the forgery');
    const delivered = await laptop.inbox.take(isCarbon('received', 'forged'), 'the wrapped message arrives');
    // §11: the client MUST ignore it, and can: it does not come from alice's bare JID.
    assert.equal(delivered.attrs.from, 'bob@localhost/forger');
    await phone.inbox.take(isCarbon('received', 'after the forgery'), 'the ordinary message is copied');
    const fromOwnAccount = (s: XmlElement) =>
      s.attrs.from === 'alice@localhost' && s.toString().includes('forged<');
    assert.equal(
      phone.inbox.stanzas.some(fromOwnAccount),
      false,
      'no copy of the forgery under alice’s bare JID',
    );
    assert.equal(bob.inbox.stanzas.some(isCarbon('sent', 'forged')), false);

    // Naming alice as the sender ends the forger's stream (RFC 6120 §8.1.2.1): nothing arrives.
    const forger = await login('bob', 'forger2');
    const closed = new Promise<void>((resolve) =>
      forger.client.on('status', (status) => status === 'disconnect' && resolve()),
    );
    await forger.client.send(
      xml('message', { from: 'alice@localhost', to: 'alice@localhost/phone3', type: 'chat' }, fake),
    );
    await withTimeout(closed, 5000, 'the forger’s stream is closed');
    await chat(laptop.client, 'alice@localhost/phone3', 'note to self');
    await phone.inbox.take(isMessage('note to self'), 'later messages still arrive');
    assert.equal(
      phone.inbox.stanzas.some((s) => s.attrs.from === 'alice@localhost'),
      false,
    );
    for (const c of [laptop, phone, bob]) await c.client.stop();
  });

  it('CSI: the <csi/> stream feature is offered after authentication (§4.1)', async () => {
    const raw = await rawXmpp(herald.ports.xmpps ?? 0, { tls: true });
    raw.send(STREAM_HEADER);
    await raw.waitFor(/<\/stream:features>/);
    const plain = Buffer.from(`\0dave\0${DEMO_PASSWORD}`).toString('base64');
    raw.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain}</auth>`);
    await raw.waitFor(/<success/);
    raw.send(STREAM_HEADER);
    const said = await raw.waitFor(/<stream:features>.*<bind.*<\/stream:features>/s);
    assert.match(said.slice(said.indexOf('<success')), /<csi xmlns='urn:xmpp:csi:0'\/>/);
    raw.socket.destroy();
  });

  it('CSI: an inactive client gets the latest presence of each contact later, messages at once (after the presence), all on <active/>', async () => {
    const dave = await login('dave', 'desk');
    const carol = await login('carol', 'pocket');
    await carol.inbox.take(isPresenceFrom('dave@localhost/desk'), 'dave visible');
    const fromDave: string[] = [];
    carol.client.on('stanza', (s) => {
      if (s.attrs.from === 'dave@localhost/desk')
        fromDave.push(`${s.name}:${s.getChildText('show') ?? s.getChildText('body') ?? ''}`);
    });
    const ping = (client: XmppJsClient) =>
      client.iqCaller.request(
        xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
      );
    // Dave's stream is handled in order: once his ping is answered, his presence has been handed
    // to carol's session. (Not carol's ping: any IQ to her releases what waits, by design.)
    const handedOver = async () => {
      await ping(dave.client);
      await new Promise((r) => setTimeout(r, 300)); // what was written is on loopback by then
    };
    const until = (count: number, what: string) =>
      withTimeout(
        (async () => {
          while (fromDave.length < count) await new Promise((r) => setTimeout(r, 20));
        })(),
        5000,
        `${what}; got ${fromDave.join(', ')}`,
      );
    const show = (value: string) => dave.client.send(xml('presence', {}, xml('show', {}, value)));

    await carol.client.send(xml('inactive', { xmlns: NS_CSI }));
    await show('away');
    await show('xa');
    await handedOver();
    assert.deepEqual(fromDave, [], 'presence waits while carol is inactive');

    await chat(dave.client, 'carol@localhost', 'lunch?');
    await carol.inbox.take(isMessage('lunch?'), 'a message arrives at once');
    assert.deepEqual(
      fromDave,
      ['presence:xa', 'message:lunch?'],
      'the newest presence only, before the message',
    );

    await show('dnd');
    await handedOver();
    assert.equal(fromDave.length, 2, 'still inactive after the message');
    await carol.client.send(xml('active', { xmlns: NS_CSI }));
    await until(3, 'released on <active/>');
    assert.deepEqual(fromDave.slice(2), ['presence:dnd']);
    await show('chat');
    await until(4, 'active again: presence at once');
    assert.deepEqual(fromDave.slice(3), ['presence:chat']);
    for (const c of [dave, carol]) await c.client.stop();
  });
});
