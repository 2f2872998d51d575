/**
 * The unified-presence matrix (issue 5): alice on XMPP (xmpp.js) and bob on SIP (baresip 1.0.0)
 * against one Herald. They subscribe to each other — bob's SUBSCRIBE both approves alice's
 * waiting request and asks for hers — see each other's changes, message both ways, and bob's call
 * through Herald's proxy (to carol's baresip) makes him on-the-phone for alice. dave's desk phone
 * only REGISTERs (sipsak): the registration alone shows him available, and un-REGISTER offline.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import xml, { type XmlElement } from '@xmpp/xml';
import { systemPrincipal } from '../../src/core/identity/principal.js';
import { Baresip, skipWithoutBaresip, until } from '../support/baresip.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, Inbox, type XmppJsClient, xmppJs } from '../support/xmpp-clients.js';

const run = promisify(execFile);
const DOMAIN = 'localhost';
const NS_DETAIL = 'urn:xmpp:herald:presence:0';
const hasSipsak = spawnSync('which', ['sipsak']).status === 0;
const skip =
  skipWithoutBaresip || (hasSipsak || process.env.CI === 'true' ? false : 'sipsak is not installed');
const password = (user: string) => `pw-${user}-secret`;

/** Presence from `bare` (any resource) whose composed availability is `availability`. */
const composedFrom = (bare: string, availability: string) => (s: XmlElement) =>
  s.name === 'presence' &&
  s.attrs.from?.startsWith(`${bare}/`) === true &&
  s.attrs.type === undefined &&
  s.getChild('presence-detail', NS_DETAIL)?.attrs.availability === availability;
const unavailableFrom = (bare: string) => (s: XmlElement) =>
  s.name === 'presence' && s.attrs.from?.startsWith(bare) === true && s.attrs.type === 'unavailable';
const subscriptionFrom = (bare: string, type: string) => (s: XmlElement) =>
  s.name === 'presence' && s.attrs.from === bare && s.attrs.type === type;

describe('presence matrix: alice (XMPP) ↔ bob (SIP), and a phone that only registers', { skip }, () => {
  let herald: TestServer;
  let work = '';
  const clients: XmppJsClient[] = [];
  const phones: Baresip[] = [];
  const login = async (username: string, resource: string) => {
    const client = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username,
      password: password(username),
      resource,
    });
    clients.push(client);
    return { client, inbox: new Inbox(client) };
  };

  before(async () => {
    allowSelfSigned();
    work = mkdtempSync(join(tmpdir(), 'herald-matrix-'));
    herald = await startTestServer({
      raw: {
        modules: {
          'sip-registrar': { md5OnlyUserAgents: ['sipsak', 'SIPp', 'baresip'] },
          'sip-events': { pendingRecheckMs: 200 },
        },
      },
    });
    for (const username of ['mxalice', 'mxbob', 'mxcarol', 'mxdave'])
      await herald.server.accounts.addUser(systemPrincipal('test'), {
        username,
        password: password(username),
      });
  });
  after(async () => {
    for (const phone of phones) phone.stop();
    for (const client of clients) await client.stop().catch(() => {});
    await herald.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('subscribe, approve, see each other’s changes, message both ways, on the phone', async () => {
    const proxy = `127.0.0.1:${herald.ports['sip-udp']}`;
    const alice = await login('mxalice', 'laptop');
    await alice.client.send(xml('presence', {}));
    // alice asks to see bob, who is on SIP only: the request waits in his roster.
    await alice.client.send(xml('presence', { to: `mxbob@${DOMAIN}`, type: 'subscribe' }));

    const bob = await Baresip.create({
      dir: join(work, 'bob'),
      user: 'mxbob',
      password: password('mxbob'),
      domain: DOMAIN,
      proxy,
      contacts: ['mxalice'],
    });
    const carol = await Baresip.create({
      dir: join(work, 'carol'),
      user: 'mxcarol',
      password: password('mxcarol'),
      domain: DOMAIN,
      proxy,
    });
    phones.push(bob, carol);
    await bob.start();
    await carol.start();

    // bob's SUBSCRIBE to alice approves her request (she is told `subscribed`) and asks for hers.
    await alice.inbox.take(subscriptionFrom(`mxbob@${DOMAIN}`, 'subscribed'), 'bob approved alice', 15_000);
    await alice.inbox.take(subscriptionFrom(`mxbob@${DOMAIN}`, 'subscribe'), 'bob asks alice', 10_000);
    await alice.client.send(xml('presence', { to: `mxbob@${DOMAIN}`, type: 'subscribed' }));

    // Each sees the other: bob's baresip shows alice Online; alice gets bob's PUBLISHed state.
    await bob.contactsUntil(/Online.{0,40}umxalice/, 15_000);
    await alice.inbox.take(composedFrom(`mxbob@${DOMAIN}`, 'available'), 'bob available for alice', 15_000);

    // alice goes DND on XMPP: bob's phone shows her Busy (PIDF + RPID busy).
    await alice.client.send(xml('presence', {}, xml('show', {}, 'dnd'), xml('status', {}, 'Writing')));
    await bob.contactsUntil(/Busy.{0,40}umxalice/);
    await alice.client.send(xml('presence', {}));
    await bob.contactsUntil(/Online.{0,40}umxalice/);

    // Messages both ways through the core MessageService.
    await alice.client.send(
      xml('message', { to: `mxbob@${DOMAIN}`, type: 'chat' }, xml('body', {}, 'matrix hello from XMPP')),
    );
    await until('bob’s baresip got the MESSAGE', () =>
      /MESSAGE sip:[\s\S]*matrix hello from XMPP/.test(bob.log),
    );
    bob.command('message matrix hello from SIP');
    const fromBob = await alice.inbox.take(
      (s) => s.name === 'message' && s.getChildText('body') === 'matrix hello from SIP',
      'bob’s SIP MESSAGE reaches alice’s XMPP client',
      10_000,
    );
    assert.match(String(fromBob.attrs.from), /^mxbob@localhost/);

    // bob calls carol through Herald's proxy: alice sees him on the phone within 1 s of the call
    // being confirmed at the proxy.
    const bobUser = await herald.server.store.accounts.findUserByName('mxbob');
    assert.ok(bobUser);
    let confirmedAt = 0;
    const off = herald.server.calls.onChanged(({ leg }) => {
      if (leg.userId === bobUser.id && leg.state === 'confirmed' && confirmedAt === 0)
        confirmedAt = Date.now();
    });
    try {
      bob.command(`dial sip:mxcarol@${DOMAIN}`);
      const onPhone = alice.inbox.take(
        composedFrom(`mxbob@${DOMAIN}`, 'on-the-phone'),
        'bob on the phone for alice',
        20_000,
      );
      await onPhone;
      const seenAt = Date.now();
      assert.ok(confirmedAt > 0, 'the proxy saw the call confirmed');
      assert.ok(seenAt - confirmedAt < 1000, `alice saw it ${seenAt - confirmedAt} ms after the proxy`);
    } finally {
      off();
    }
    bob.command('hangup');
    await alice.inbox.take(composedFrom(`mxbob@${DOMAIN}`, 'available'), 'bob back to available', 15_000);

    // bob sets himself offline: his closed PUBLISH wins over his registration.
    bob.command('presence_offline');
    await alice.inbox.take(unavailableFrom(`mxbob@${DOMAIN}`), 'bob offline for alice', 10_000);
  });

  it('a phone that only REGISTERs shows its user available; un-REGISTER makes him offline', async () => {
    // dave approves alice once from an XMPP client, then leaves: only his desk phone remains.
    const dave = await login('mxdave', 'desk');
    const alice = await login('mxalice', 'tablet');
    await alice.client.send(xml('presence', {}));
    await alice.client.send(xml('presence', { to: `mxdave@${DOMAIN}`, type: 'subscribe' }));
    await dave.client.send(xml('presence', {}));
    await dave.inbox.take(subscriptionFrom(`mxalice@${DOMAIN}`, 'subscribe'), 'alice asks dave');
    await dave.client.send(xml('presence', { to: `mxalice@${DOMAIN}`, type: 'subscribed' }));
    await alice.inbox.take(composedFrom(`mxdave@${DOMAIN}`, 'available'), 'dave on XMPP');
    await dave.client.send(xml('presence', { type: 'unavailable' }));
    await alice.inbox.take(unavailableFrom(`mxdave@${DOMAIN}`), 'dave left XMPP');

    const base = [
      '-U',
      '-i',
      '-vv',
      '-s',
      `sip:mxdave@${DOMAIN}`,
      '-p',
      `127.0.0.1:${herald.ports['sip-udp']}`,
      '-C',
      'sip:mxdave@127.0.0.1:5097',
    ];
    const auth = ['-a', password('mxdave'), '-u', 'mxdave', '-l', '5097'];
    const registered = await run('sipsak', [...base, '-x', '300', ...auth], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.match(registered.stdout, /All usrloc tests completed successful/);
    const seen = await alice.inbox.take(
      composedFrom(`mxdave@${DOMAIN}`, 'available'),
      'dave’s phone registered',
    );
    assert.equal(seen.getChild('presence-detail', NS_DETAIL)?.attrs.source, 'registration');
    await run('sipsak', [...base, '-x', '0', ...auth], { encoding: 'utf8', timeout: 15_000 });
    await alice.inbox.take(unavailableFrom(`mxdave@${DOMAIN}`), 'dave’s phone un-registered');
  });
});
