/**
 * SPEC M2/M3 options with xmpp.js: `messaging.forkPolicy: all` keeps forking after a reply, and
 * `messaging.offlineQuota` refuses (resource-constraint) beyond the quota while keeping what fits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import xml from '@xmpp/xml';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  allowSelfSigned,
  isMessage,
  isPresenceFrom,
  XmppCast,
  type XmppJsClient,
} from '../support/xmpp-clients.js';

describe('fork policy and offline quota options', () => {
  let herald: TestServer;
  const cast = new XmppCast(() => herald.ports.xmpp ?? 0);
  const login = (username: string, resource: string) => cast.login(username, resource);
  const chat = (client: XmppJsClient, to: string, body: string) =>
    client.send(xml('message', { to, type: 'chat' }, xml('body', {}, body)));

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer({ raw: { messaging: { forkPolicy: 'all', offlineQuota: 1 } } });
  });
  after(async () => {
    await cast.stopAll();
    await herald.stop();
  });

  it('with forkPolicy "all", a reply from one resource does not lock the conversation', async () => {
    const alice = await login('alice', 'a');
    const desk = await login('bob', 'desk');
    const phone = await login('bob', 'phone');
    await alice.inbox.take(isPresenceFrom('bob@localhost/phone'), 'bob online twice');
    await chat(phone.client, 'alice@localhost/a', 'reply from the phone');
    await alice.inbox.take(isMessage('reply from the phone'), 'alice gets it');
    await chat(alice.client, 'bob@localhost', 'still to both');
    await desk.inbox.take(isMessage('still to both'), 'desk');
    await phone.inbox.take(isMessage('still to both'), 'phone');
  });

  it('beyond the offline quota the sender hears resource-constraint; what fit is delivered', async () => {
    const dave = await login('dave', 'd');
    await chat(dave.client, 'carol@localhost', 'first');
    await chat(dave.client, 'carol@localhost', 'second');
    const refused = await dave.inbox.take(
      (s) => s.name === 'message' && s.attrs.type === 'error',
      'the second is refused',
    );
    assert.ok(
      refused.getChild('error')?.getChild('resource-constraint', 'urn:ietf:params:xml:ns:xmpp-stanzas'),
    );
    const carol = await login('carol', 'c');
    await carol.inbox.take(isMessage('first'), 'the first was kept');
    assert.equal(await carol.inbox.arrives(isMessage('second')), false);
  });
});
