/**
 * XEP-0198 with xmpp.js (which enables stream management and resumes by itself): a dropped TCP
 * connection is resumed and the message sent meanwhile arrives; a session whose client never
 * comes back hands its unacknowledged message to offline storage — nothing is lost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import xml from '@xmpp/xml';
import { basic, call, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import {
  allowSelfSigned,
  isMessage,
  isPresenceFrom,
  withTimeout,
  XmppCast,
} from '../support/xmpp-clients.js';

const RESUME_SECONDS = 6;
/** How long a test waits for a session that is not resumed to end. */
const AFTER_THE_WINDOW_MS = RESUME_SECONDS * 1000 + 4000;

async function until(condition: () => boolean, what: string): Promise<void> {
  await withTimeout(
    (async () => {
      while (!condition()) await new Promise((r) => setTimeout(r, 20));
    })(),
    5000,
    what,
  );
}

describe('XEP-0198 stream management with xmpp.js', () => {
  let herald: TestServer;
  const cast = new XmppCast(() => herald.ports.xmpp ?? 0);
  const login = (username: string, resource: string) => cast.login(username, resource);

  before(async () => {
    allowSelfSigned();
    // The window holds xmpp.js's reconnect (1 s of backoff, TCP, TLS, SCRAM) on a slow machine: at
    // 2 s the resumption missed it while the shared host was in a slow spell (2026-12-03).
    herald = await startTestServer({ raw: { modules: { 'xmpp-c2s': { resumeSeconds: RESUME_SECONDS } } } });
  });
  after(async () => {
    await cast.stopAll();
    await herald.stop();
  });

  it('a dropped connection is resumed, and what was sent meanwhile arrives; contacts never saw it go', async () => {
    const bob = await login('bob', 'mobile');
    await until(() => bob.client.streamManagement.enabled, 'stream management enabled');
    const alice = await login('alice', 'desk');
    await alice.inbox.take(isPresenceFrom('bob@localhost/mobile'), 'bob online');

    bob.client.socket?.socket.destroy(); // the train enters a tunnel
    await new Promise((r) => setTimeout(r, 100));
    await alice.client.send(
      xml('message', { to: 'bob@localhost/mobile', type: 'chat' }, xml('body', {}, 'in the tunnel')),
    );

    const resumed = new Promise<void>((resolve) => bob.client.streamManagement.on('resumed', resolve));
    bob.client.reconnect.start();
    bob.client.reconnect.scheduleReconnect();
    await withTimeout(resumed, 5000, 'resumed');
    await bob.inbox.take(isMessage('in the tunnel'), 'the message sent during the outage');
    assert.equal(
      await alice.inbox.arrives(isPresenceFrom('bob@localhost/mobile', 'unavailable'), 300),
      false,
    );
    bob.client.reconnect.stop();
  });

  it('a session that is never resumed gives its unacknowledged message to offline storage', async () => {
    const carol = await login('carol', 'gone');
    await until(() => carol.client.streamManagement.enabled, 'stream management enabled');
    const dave = await login('dave', 'sender');
    await dave.inbox.take(isPresenceFrom('carol@localhost/gone'), 'carol online');
    carol.client.socket?.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await dave.client.send(
      xml('message', { to: 'carol@localhost', type: 'chat' }, xml('body', {}, 'are you there?')),
    );
    // carol's session waits RESUME_SECONDS for her, then ends: dave sees her go, the message is stored.
    await dave.inbox.take(
      isPresenceFrom('carol@localhost/gone', 'unavailable'),
      'carol goes after the resumption window',
      AFTER_THE_WINDOW_MS,
    );
    const carolAgain = await login('carol', 'home');
    const stored = await carolAgain.inbox.take(
      isMessage('are you there?'),
      'delivered from offline storage at the next login',
    );
    // Delivered again, not sent anew (SPEC M5): one archive entry, whose id the offline copy carries.
    const stanzaId = stored.getChild('stanza-id', 'urn:xmpp:sid:0');
    assert.equal(stanzaId?.attrs.by, 'carol@localhost');
    const history = await call(herald.http, 'GET', '/api/v1/conversations/dave@localhost/messages', {
      authorization: basic('carol', DEMO_PASSWORD),
    });
    assert.equal(history.status, 200);
    const copies = history.body.messages.filter((m: { body: string | null }) => m.body === 'are you there?');
    assert.deepEqual(
      copies.map((m: { id: string }) => m.id),
      [stanzaId?.attrs.id],
    );
  });

  it('a message the client read and acknowledged is not delivered again after it signs off', async () => {
    await cast.stopAll(); // bob has no other resource to receive a reroute
    const bob = await login('bob', 'reader');
    await until(() => bob.client.streamManagement.enabled, 'stream management enabled');
    const alice = await login('alice', 'writer');
    await alice.inbox.take(isPresenceFrom('bob@localhost/reader'), 'bob online');
    await alice.client.send(
      xml('message', { to: 'bob@localhost', type: 'chat' }, xml('body', {}, 'read once')),
    );
    await bob.inbox.take(isMessage('read once'), 'the message');
    // The server asks for an acknowledgement after the burst (§4) and xmpp.js answers it; the
    // client then goes away without a resumable session, as a closed laptop does.
    await new Promise((r) => setTimeout(r, 200)); // the <a/> on its way to the server
    bob.client.socket?.socket.destroy();
    await alice.inbox.take(
      isPresenceFrom('bob@localhost/reader', 'unavailable'),
      'bob gone',
      AFTER_THE_WINDOW_MS,
    );
    await new Promise((r) => setTimeout(r, 300)); // an unacknowledged message would be rerouted now
    const bobAgain = await login('bob', 'next-day');
    assert.equal(
      await bobAgain.inbox.arrives(isMessage('read once'), 500),
      false,
      'not rerouted as if undelivered',
    );
  });
});
