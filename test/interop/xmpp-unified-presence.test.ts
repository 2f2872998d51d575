/**
 * Unified presence through XMPP, REST and the presence WebSocket stream, with real clients
 * (xmpp.js, StanzaJS, ws): bob's manual status, a call (a `line` source, as the SIP proxy feeds
 * it) and invisibility reach alice's clients as composed <show/>/<status/> with Herald's
 * <presence-detail/>; a person online only through other sources is shown as user@domain/herald;
 * the REST API and the stream apply the same watch policy.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import xml, { type XmlElement } from '@xmpp/xml';
import type * as Stanza from 'stanza';
import WebSocket from 'ws';
import { asUserId } from '../../src/core/ports.js';
import { basic, call, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, stanzaClient, withTimeout, XmppCast } from '../support/xmpp-clients.js';

const NS_DETAIL = 'urn:xmpp:herald:presence:0';
const bobAuth = basic('bob', DEMO_PASSWORD);
const aliceAuth = basic('alice', DEMO_PASSWORD);

const detailOf = (s: XmlElement) => s.getChild('presence-detail', NS_DETAIL);
/** Presence from `from` whose composed availability is `availability`. */
const composed = (from: string, availability: string) => (s: XmlElement) =>
  s.name === 'presence' && s.attrs.from === from && detailOf(s)?.attrs.availability === availability;
const unavailableFrom = (from: string) => (s: XmlElement) =>
  s.name === 'presence' && s.attrs.from === from && s.attrs.type === 'unavailable';

describe('unified presence with real XMPP clients, the REST API and the stream', () => {
  let herald: TestServer;
  const cast = new XmppCast(() => herald.ports.xmpp ?? 0);
  const setStatus = (body: unknown) =>
    call(herald.http, 'PUT', '/api/v1/me/status', { authorization: bobAuth, body });
  const clearStatus = () => call(herald.http, 'DELETE', '/api/v1/me/status', { authorization: bobAuth });

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer();
  });
  after(async () => {
    await cast.stopAll();
    await herald.stop();
    rmSync(herald.dataDir, { recursive: true, force: true }); // kept across the restart below
  });

  it('bob sets DND through the API: alice’s xmpp.js and StanzaJS clients show dnd', async () => {
    const bob = await cast.login('bob', 'desk');
    const alice = await cast.login('alice', 'laptop');
    await alice.inbox.take(composed('bob@localhost/desk', 'available'), 'bob available');
    const stanza: Stanza.Agent = await stanzaClient({
      url: `ws://127.0.0.1:${herald.ports.http}/xmpp-websocket`,
      jid: 'alice@localhost',
      password: DEMO_PASSWORD,
      resource: 'web',
    });
    const seen: { from: string; show?: string; status?: string; type?: string }[] = [];
    stanza.on('presence', (p) => seen.push({ from: p.from, show: p.show, status: p.status, type: p.type }));
    await stanza.sendPresence();
    try {
      const reply = await setStatus({ availability: 'dnd', note: 'Writing the report' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body, { availability: 'dnd', note: 'Writing the report', until: null });
      const p = await alice.inbox.take(composed('bob@localhost/desk', 'dnd'), 'bob dnd');
      assert.equal(p.getChildText('show'), 'dnd');
      assert.equal(p.getChildText('status'), 'Writing the report');
      assert.equal(detailOf(p)?.attrs.source, 'manual');
      // The same for StanzaJS, a different client library over WebSocket.
      await withTimeout(
        (async () => {
          while (!seen.some((s) => s.from === 'bob@localhost/desk' && s.show === 'dnd'))
            await new Promise((r) => setTimeout(r, 20));
        })(),
        5000,
        `stanza sees bob dnd: ${JSON.stringify(seen)}`,
      );
      // Bob's own other resource sees it too: his presence is one.
      await bob.inbox.take(
        (s) => s.name === 'presence' && s.attrs.from === 'alice@localhost/laptop',
        'alice seen by bob',
      );
      // A client's own <show/> is kept in its source; DND from the API still wins.
      const rest = await call(herald.http, 'GET', '/api/v1/presence/bob', { authorization: aliceAuth });
      assert.equal(rest.status, 200);
      assert.equal(rest.body.availability, 'dnd');
      assert.equal(rest.body.source, 'manual');
      assert.equal(rest.body.invisible, undefined);
    } finally {
      stanza.disconnect();
      assert.equal((await clearStatus()).status, 204);
    }
    await alice.inbox.take(composed('bob@localhost/desk', 'available'), 'bob available again');
  });

  it('on vacation until a time: xa with the note and the end; after bob logs out he is bob@localhost/herald', async () => {
    const alice = await cast.login('alice', 'vacation-watch');
    const bob = await cast.login('bob', 'holiday');
    await alice.inbox.take(composed('bob@localhost/holiday', 'available'), 'bob available');
    const until = new Date(Date.now() + 3_600_000);
    const reply = await setStatus({
      availability: 'on-vacation',
      note: 'Back Monday',
      until: until.toISOString(),
    });
    assert.equal(reply.status, 200);
    const p = await alice.inbox.take(composed('bob@localhost/holiday', 'on-vacation'), 'bob on vacation');
    assert.equal(p.getChildText('show'), 'xa');
    assert.equal(p.getChildText('status'), 'Back Monday');
    assert.equal(detailOf(p)?.attrs.until, until.toISOString());
    // Every XMPP resource of bob's goes; the vacation is still his presence (rule 4).
    await cast.stopAll();
    const watcher = await cast.login('alice', 'after');
    const herald1 = await watcher.inbox.take(
      composed('bob@localhost/herald', 'on-vacation'),
      'server resource',
    );
    assert.equal(herald1.getChildText('show'), 'xa');
    assert.equal(herald1.getChildText('priority'), '-1');
    void bob;
    assert.equal((await clearStatus()).status, 204);
    await watcher.inbox.take(unavailableFrom('bob@localhost/herald'), 'server resource goes');
    await cast.stopAll();
  });

  it('bob on a call (a line source) is on-the-phone for alice; invisible bob is offline for her', async () => {
    const alice = await cast.login('alice', 'phone-watch');
    const bob = await cast.login('bob', 'desk');
    await alice.inbox.take(composed('bob@localhost/desk', 'available'), 'bob available');
    const bobUser = await herald.server.store.accounts.findUserByName('bob');
    const bobId = asUserId(bobUser?.id ?? '');
    const started = Date.now();
    herald.server.presence.update(bobId, {
      kind: 'line',
      id: '1002',
      state: 'on-call',
      updatedAt: Date.now(),
    });
    const p = await alice.inbox.take(
      composed('bob@localhost/desk', 'on-the-phone'),
      'bob on the phone',
      1000,
    );
    assert.ok(Date.now() - started < 1000);
    assert.equal(p.getChildText('show'), 'away');
    assert.equal(p.getChildText('status'), 'On the phone');
    assert.equal(detailOf(p)?.attrs.source, 'line');
    herald.server.presence.update(bobId, { kind: 'line', id: '1002', state: 'idle', updatedAt: Date.now() });
    await alice.inbox.take(composed('bob@localhost/desk', 'available'), 'call over');

    assert.equal((await setStatus({ availability: 'invisible' })).status, 200);
    await alice.inbox.take(unavailableFrom('bob@localhost/desk'), 'invisible bob is unavailable');
    const rest = await call(herald.http, 'GET', '/api/v1/presence/bob', { authorization: aliceAuth });
    assert.equal(rest.body.availability, 'offline');
    const own = await call(herald.http, 'GET', '/api/v1/me/presence', { authorization: bobAuth });
    assert.equal(own.body.availability, 'available');
    assert.equal(own.body.invisible, true);
    // A new watcher's probe is answered from the composed state: nothing from bob.
    const late = await cast.login('alice', 'late');
    assert.equal(await late.inbox.arrives(composed('bob@localhost/desk', 'available'), 400), false);
    assert.equal((await clearStatus()).status, 204);
    await alice.inbox.take(composed('bob@localhost/desk', 'available'), 'visible again');
    void bob;
    await cast.stopAll();
  });

  it('a client’s own <show>dnd</show> is DND for the whole person: every resource shows dnd', async () => {
    const alice = await cast.login('alice', 'dnd-watch');
    const desk = await cast.login('bob', 'desk');
    const phone = await cast.login('bob', 'phone');
    await alice.inbox.take(composed('bob@localhost/phone', 'available'), 'bob’s phone available');
    await phone.client.send(xml('presence', {}, xml('show', {}, 'dnd'), xml('status', {}, 'Driving')));
    for (const resource of ['desk', 'phone']) {
      const p = await alice.inbox.take(composed(`bob@localhost/${resource}`, 'dnd'), `bob/${resource} dnd`);
      assert.equal(p.getChildText('show'), 'dnd');
      assert.equal(p.getChildText('status'), 'Driving');
      assert.equal(detailOf(p)?.attrs.source, 'client');
    }
    void desk;
    await cast.stopAll();
  });

  it('REST: a contact’s presence; 403 for a non-contact, 404 for nobody, 400 for bad input; the OpenAPI document', async () => {
    const ok = await call(herald.http, 'GET', '/api/v1/presence/carol', { authorization: aliceAuth });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.availability, 'offline');
    const stranger = await call(herald.http, 'GET', '/api/v1/presence/bob', {
      authorization: basic('admin', DEMO_PASSWORD),
    });
    assert.equal(stranger.status, 403);
    const nobody = await call(herald.http, 'GET', '/api/v1/presence/nobody', { authorization: aliceAuth });
    assert.equal(nobody.status, 404);
    assert.equal((await setStatus({ availability: 'sleeping' })).status, 400);
    assert.equal((await setStatus({ availability: 'away', until: '2001-01-01T00:00:00Z' })).status, 400);
    const anonymous = await call(herald.http, 'GET', '/api/v1/me/presence');
    assert.equal(anonymous.status, 401);
    const doc = await call(herald.http, 'GET', '/api/v1/openapi.json', { authorization: aliceAuth });
    assert.ok(doc.body.paths['/api/v1/me/status']?.put);
    assert.ok(doc.body.paths['/api/v1/presence/{username}']?.get);
  });

  it('the WebSocket stream: alice gets her own presence, her contacts’, and bob’s change', async () => {
    const session = await call(herald.http, 'POST', '/api/v1/session', {
      body: { username: 'alice', password: DEMO_PASSWORD },
    });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    const socket = new WebSocket(
      `ws://127.0.0.1:${herald.ports.http}/api/v1/presence/stream`,
      'herald-presence',
    );
    // biome-ignore lint/suspicious/noExplicitAny: JSON messages
    const messages: any[] = [];
    const waiters: (() => void)[] = [];
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)));
      for (const w of waiters.splice(0)) w();
    });
    // biome-ignore lint/suspicious/noExplicitAny: JSON messages
    const next = (predicate: (m: any) => boolean, what: string) =>
      withTimeout(
        new Promise<unknown>((resolve) => {
          const check = () => {
            const m = messages.find(predicate);
            if (m) resolve(m);
            else waiters.push(check);
          };
          check();
        }),
        5000,
        `${what}: ${JSON.stringify(messages)}`,
      );
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    try {
      socket.send(JSON.stringify({ type: 'auth', token: session.body.token }));
      await next((m) => m.type === 'ready' && m.self.user === 'alice', 'ready');
      await next((m) => m.type === 'presence' && m.presence.user === 'bob', 'bob’s presence');
      const bob = await cast.login('bob', 'stream');
      await next(
        (m) => m.type === 'presence' && m.presence.user === 'bob' && m.presence.availability === 'available',
        'bob online',
      );
      assert.equal((await setStatus({ availability: 'busy', note: 'Deadline' })).status, 200);
      const busy = (await next(
        (m) => m.type === 'presence' && m.presence.user === 'bob' && m.presence.availability === 'busy',
        'bob busy',
      )) as { presence: { note: string; activities: string[] } };
      assert.equal(busy.presence.note, 'Deadline');
      assert.deepEqual(busy.presence.activities, ['busy']);
      void bob;
      assert.equal((await clearStatus()).status, 204);
    } finally {
      socket.close();
      await cast.stopAll();
    }
    // A wrong token is refused and the socket closed.
    const bad = new WebSocket(
      `ws://127.0.0.1:${herald.ports.http}/api/v1/presence/stream`,
      'herald-presence',
    );
    await new Promise((resolve) => bad.once('open', resolve));
    const closed = new Promise<number>((resolve) => bad.once('close', (code) => resolve(code)));
    bad.send(JSON.stringify({ type: 'auth', token: 'nope' }));
    assert.equal(await withTimeout(closed, 5000, 'bad token closes'), 1008);
  });

  it('manual status survives a restart', async () => {
    assert.equal((await setStatus({ availability: 'away', note: 'Lunch' })).status, 200);
    const dataDir = herald.dataDir;
    await herald.server.stop();
    herald = await startTestServer({ keepDataDir: dataDir });
    const status = await call(herald.http, 'GET', '/api/v1/me/status', { authorization: bobAuth });
    assert.equal(status.status, 200);
    assert.equal(status.body.availability, 'away');
    const bob = await cast.login('bob', 'after-restart');
    const alice = await cast.login('alice', 'after-restart');
    const p = await alice.inbox.take(
      composed('bob@localhost/after-restart', 'away'),
      'bob away after restart',
    );
    assert.equal(p.getChildText('status'), 'Lunch');
    void bob;
    assert.equal((await clearStatus()).status, 204);
  });
});
