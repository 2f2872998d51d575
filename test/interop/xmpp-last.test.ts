/**
 * XEP-0012 Last Activity with xmpp.js clients: bob logs out with a status; alice, his contact,
 * learns how long ago and the status, also after a server restart; a stranger is forbidden; the
 * server answers its uptime.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import xml from '@xmpp/xml';
import { systemPrincipal } from '../../src/core/identity/principal.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, XmppCast, type XmppJsClient } from '../support/xmpp-clients.js';

const NS_LAST = 'jabber:iq:last';

describe('XEP-0012 Last Activity with real clients', () => {
  let herald: TestServer;
  let dataDir: string;
  const cast = new XmppCast(() => herald.ports.xmpp ?? 0);
  const login = async (username: string, resource: string, password = DEMO_PASSWORD) =>
    (await cast.login(username, resource, { password, available: false })).client;
  const askLast = (client: XmppJsClient, to?: string) =>
    client.iqCaller.request(xml('iq', { type: 'get', to }, xml('query', { xmlns: NS_LAST })));
  const condition = (name: string) => (error: unknown) => {
    assert.equal((error as { condition?: string }).condition, name);
    return true;
  };
  /** Asks until bob's logout is recorded (it is written as his session ends, after the stream closes). */
  const bobsLastActivity = async (client: XmppJsClient) => {
    for (let attempt = 0; ; attempt++) {
      const query = (await askLast(client, 'bob@localhost')).getChild('query');
      if (query?.getText() || attempt === 40) return query;
      await sleep(50);
    }
  };

  before(async () => {
    allowSelfSigned();
    dataDir = mkdtempSync(join(tmpdir(), 'herald-last-'));
    herald = await startTestServer({ keepDataDir: dataDir });
  });
  after(async () => {
    await cast.stopAll();
    await herald.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('bob is online: alice, his contact, is told he is active now (seconds 0)', async () => {
    const bob = await login('bob', 'desk');
    await bob.send(xml('presence', {}, xml('status', {}, 'At my desk')));
    const alice = await login('alice', 'last');
    const query = (await askLast(alice, 'bob@localhost')).getChild('query');
    assert.equal(query?.attrs.seconds, '0');
    assert.equal(query?.getText(), '');
    // Bob goes, leaving a status on his unavailable presence.
    await bob.send(xml('presence', { type: 'unavailable' }, xml('status', {}, 'Gone fishing')));
    await bob.stop();
    const last = await bobsLastActivity(alice);
    assert.equal(last?.getText(), 'Gone fishing');
    assert.ok(Number(last?.attrs.seconds) >= 0 && Number(last?.attrs.seconds) < 60);
  });

  it('a stranger, who may not see bob’s presence, is forbidden', async () => {
    await herald.server.accounts.addUser(systemPrincipal('test'), {
      username: 'mallory',
      password: 'mallory-password',
    });
    const mallory = await login('mallory', 'm', 'mallory-password');
    await assert.rejects(askLast(mallory, 'bob@localhost'), condition('forbidden'));
    await assert.rejects(askLast(mallory, 'nobody@localhost'), condition('service-unavailable'));
  });

  it('the server answers its uptime (§5), and advertises the feature', async () => {
    const alice = await login('alice', 'uptime');
    const query = (await askLast(alice, 'localhost')).getChild('query');
    assert.ok(Number(query?.attrs.seconds) >= 0);
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
    assert.ok(features.includes(NS_LAST), features.join(' '));
  });

  it('the last logout survives a server restart', async () => {
    await cast.stopAll();
    await herald.stop();
    herald = await startTestServer({ keepDataDir: dataDir });
    const alice = await login('alice', 'after-restart');
    const query = (await askLast(alice, 'bob@localhost')).getChild('query');
    assert.equal(query?.getText(), 'Gone fishing');
    assert.ok(Number(query?.attrs.seconds) >= 0);
  });
});
