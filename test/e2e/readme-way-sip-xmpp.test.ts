/**
 * The README's way with a SIP phone and an XMPP client (issues 4 and 5): the built `herald serve
 * --demo` as a separate process with its default configuration; bob's softphone (baresip 1.0.0)
 * registers with the demo password, alice logs in with xmpp.js. The demo users are each other's
 * contacts, so alice sees bob's phone presence, they chat both ways, and bob going offline on his
 * phone is offline for her.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import xml, { type XmlElement } from '@xmpp/xml';
import { Baresip, skipWithoutBaresip, until } from '../support/baresip.js';
import { freePort } from '../support/free-port.js';
import { type HeraldProcess, spawnHerald } from '../support/herald-process.js';
import { allowSelfSigned, Inbox, xmppJs } from '../support/xmpp-clients.js';

const PASSWORD = 'demo-secret-e2e';
const NS_DETAIL = 'urn:xmpp:herald:presence:0';
const bobPresence = (availability: string) => (s: XmlElement) =>
  s.name === 'presence' &&
  s.attrs.from?.startsWith('bob@localhost/') === true &&
  s.attrs.type === undefined &&
  s.getChild('presence-detail', NS_DETAIL)?.attrs.availability === availability;

describe('herald serve --demo with a SIP softphone and an XMPP client', { skip: skipWithoutBaresip }, () => {
  let dataDir: string;
  let herald: HeraldProcess;
  let ports: Record<string, number>;

  before(async () => {
    allowSelfSigned();
    dataDir = mkdtempSync(join(tmpdir(), 'herald-e2e-sip-'));
    ports = {};
    for (const name of ['http', 'https', 'xmpp', 'xmpps', 'sip', 'sips']) ports[name] = await freePort();
    herald = spawnHerald(['serve', '--demo'], {
      HERALD_DATA_DIR: dataDir,
      HERALD_BIND: '127.0.0.1',
      HERALD_HTTP_PORT: String(ports.http),
      HERALD_HTTPS_PORT: String(ports.https),
      HERALD_XMPP_PORT: String(ports.xmpp),
      HERALD_XMPPS_PORT: String(ports.xmpps),
      HERALD_SIP_PORT: String(ports.sip),
      HERALD_SIPS_PORT: String(ports.sips),
      HERALD_DEMO_PASSWORD: PASSWORD,
      HERALD_LOG_LEVEL: 'warn',
    });
    await herald.waitFor(/serves localhost on/, 60_000);
  });
  after(async () => {
    await herald?.stop('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('bob’s phone registers and publishes; alice sees it, they chat both ways; offline on the phone', async () => {
    const alice = await xmppJs({
      service: `xmpp://127.0.0.1:${ports.xmpp}`,
      username: 'alice',
      password: PASSWORD,
      resource: 'laptop',
    });
    const inbox = new Inbox(alice);
    const bob = await Baresip.create({
      dir: join(dataDir, 'bob-phone'),
      user: 'bob',
      password: PASSWORD,
      domain: 'localhost',
      proxy: `127.0.0.1:${ports.sip}`,
      contacts: ['alice'],
    });
    try {
      await alice.send(xml('presence', {}));
      await bob.start();
      await until('bob registered', () => /bob@localhost: \{0\/UDP\/v4\} 200 OK/.test(bob.log), 20_000);
      await inbox.take(bobPresence('available'), 'bob’s phone presence for alice', 15_000);
      // bob's phone watches alice (the demo roster approves it): it shows her Online.
      await bob.contactsUntil(/Online.{0,40}ualice/, 15_000);

      await alice.send(
        xml('message', { to: 'bob@localhost', type: 'chat' }, xml('body', {}, 'ping from the laptop')),
      );
      await until('the MESSAGE reached bob’s phone', () => /ping from the laptop/.test(bob.log), 10_000);
      bob.command('message pong from the phone');
      const reply = await inbox.take(
        (s) => s.name === 'message' && s.getChildText('body') === 'pong from the phone',
        'bob’s MESSAGE at alice',
        10_000,
      );
      assert.match(String(reply.attrs.from), /^bob@localhost/);

      bob.command('presence_offline');
      await inbox.take(
        (s) =>
          s.name === 'presence' &&
          s.attrs.from?.startsWith('bob@localhost') === true &&
          s.attrs.type === 'unavailable',
        'bob offline for alice',
        10_000,
      );
    } finally {
      bob.stop();
      await alice.stop().catch(() => {});
    }
  });
});
