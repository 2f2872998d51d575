/**
 * SPEC P2, M6, S4 with real clients: xmpp.js over STARTTLS and direct TLS (SCRAM-SHA-1), StanzaJS
 * over WebSocket (SCRAM-SHA-256); wrong passwords; and hostile input that must end only the
 * offending stream while everyone else's session goes on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import xml from '@xmpp/xml';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import {
  allowSelfSigned,
  rawXmpp,
  STREAM_HEADER,
  stanzaClient,
  withTimeout,
  xmppJs,
} from '../support/xmpp-clients.js';

describe('XMPP streams with real clients (RFC 6120, RFC 7395)', () => {
  let herald: TestServer;

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer();
  });
  after(async () => {
    await herald.stop();
  });

  it('xmpp.js logs in over STARTTLS with SCRAM-SHA-1, binds its resource and is answered a ping', async () => {
    const alice = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username: 'alice',
      password: DEMO_PASSWORD,
      resource: 'laptop',
    });
    try {
      assert.equal(alice.jid?.toString(), 'alice@localhost/laptop');
      const pong = await alice.iqCaller.request(
        xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
      );
      assert.equal(pong.attrs.type, 'result');
      const info = await alice.iqCaller.request(
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
      assert.ok(features.includes('urn:xmpp:ping'));
    } finally {
      await alice.stop();
    }
  });

  it('xmpp.js logs in over direct TLS (XEP-0368)', async () => {
    const bob = await xmppJs({
      service: `xmpps://127.0.0.1:${herald.ports.xmpps}`,
      username: 'bob',
      password: DEMO_PASSWORD,
    });
    try {
      assert.match(bob.jid?.toString() ?? '', /^bob@localhost\/herald-/);
    } finally {
      await bob.stop();
    }
  });

  it('StanzaJS logs in over WebSocket (ws: on loopback and wss:) with SCRAM-SHA-256', async () => {
    for (const url of [
      `ws://127.0.0.1:${herald.ports.http}/xmpp-websocket`,
      `wss://127.0.0.1:${herald.ports.https}/xmpp-websocket`,
    ]) {
      const carol = await stanzaClient({
        url,
        jid: 'carol@localhost',
        password: DEMO_PASSWORD,
        resource: 'web',
      });
      assert.equal(carol.jid, 'carol@localhost/web');
      carol.disconnect();
    }
  });

  it('a wrong password is <not-authorized/>, and the client may not go on', async () => {
    await assert.rejects(
      xmppJs({
        service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
        username: 'dave',
        password: 'not-the-password',
      }),
      /not-authorized/,
    );
  });

  it('before STARTTLS only STARTTLS is offered (TLS required), and auth is refused', async () => {
    const raw = await rawXmpp(herald.ports.xmpp ?? 0);
    raw.send(STREAM_HEADER);
    const features = await raw.waitFor(/<\/stream:features>/);
    assert.match(features, /<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required\/><\/starttls>/);
    assert.doesNotMatch(features, /mechanism/);
    raw.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>");
    await raw.waitFor(/encryption-required/);
    raw.socket.destroy();
  });

  it('a billion-laughs document, an oversized stanza and garbage each get their stream error; others go on', async () => {
    const bystander = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username: 'alice',
      password: DEMO_PASSWORD,
      resource: 'bystander',
    });
    try {
      const attacks: [string, string, RegExp][] = [
        [
          'billion laughs',
          `<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`,
          /<restricted-xml|<not-well-formed/,
        ],
        [
          'oversized stanza',
          `${STREAM_HEADER}<message to='bob@localhost'><body>${'x'.repeat(300_000)}</body></message>`,
          /<policy-violation/,
        ],
        [
          'garbage',
          '\u0000\u0001\u00ffGET / HTTP/1.1\r\n\r\n<<<>>>',
          /<not-well-formed|<bad-format|<invalid-namespace/,
        ],
      ];
      for (const [name, payload, expected] of attacks) {
        const raw = await rawXmpp(herald.ports.xmpp ?? 0);
        raw.send(payload);
        const said = await raw.waitFor(/<\/stream:stream>/);
        assert.match(said, expected, name);
        await withTimeout(raw.closed, 5000, `${name}: the server closes the connection`);
      }
      const pong = await bystander.iqCaller.request(
        xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
      );
      assert.equal(pong.attrs.type, 'result', 'the bystander is still served');
    } finally {
      await bystander.stop();
    }
  });

  it('a second session for the same resource replaces the first (<conflict/>)', async () => {
    const first = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username: 'bob',
      password: DEMO_PASSWORD,
      resource: 'desk',
    });
    const conflict = new Promise<string>((resolve) =>
      first.on('error', (error: Error) => resolve(error.message)),
    );
    const second = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username: 'bob',
      password: DEMO_PASSWORD,
      resource: 'desk',
    });
    try {
      assert.match(await withTimeout(conflict, 5000, 'conflict stream error'), /conflict/);
      assert.equal(second.jid?.toString(), 'bob@localhost/desk');
    } finally {
      await second.stop();
      await first.stop().catch(() => {});
    }
  });
});
