import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BareJid, Jid } from '../../core/address/jid.js';
import type { UserId, UserRecord } from '../../core/ports.js';
import { silentLogger } from '../../kernel/log.js';
import type { ModuleContext } from '../../kernel/module.js';
import { type Element, el, serialize } from '../../xml/index.js';
import { nonzaReceived, sessionResumed, XmppHub } from '../xmpp-hub.js';
import type { XmppSession } from '../xmpp-session.js';
import { csiModule } from './xep0352-csi.js';

/** The module set up on a bare hub, and one session of carol's that records what it is sent. */
async function carolsPhone() {
  const hub = new XmppHub('localhost', silentLogger(), { maxResourcesPerUser: 10 });
  const ctx = {
    module: csiModule.name,
    domain: 'localhost',
    options: { maxHeldStanzas: 10 },
    use: () => hub,
  } as unknown as ModuleContext<{ maxHeldStanzas: number }>;
  const teardown = await csiModule.setup(ctx);
  const written: string[] = [];
  const user: UserRecord = {
    id: 'u-carol' as UserId,
    username: 'carol',
    displayName: 'Carol',
    email: null,
    isAdmin: false,
    createdAt: 0,
  };
  const session: XmppSession = {
    id: 's1',
    user,
    bare: 'carol@localhost' as BareJid,
    jid: 'carol@localhost/phone' as Jid,
    resource: 'phone',
    remoteAddress: '127.0.0.1',
    send: (stanza: Element) => void written.push(serialize(stanza)),
    close: () => {},
    presence: { current: null, priority: 0, isInterested: true, directedTo: new Set() },
    state: new Map(),
  };
  hub.sessions.bind(session);
  const nonza = (name: string, xmlns = 'urn:xmpp:csi:0') =>
    hub.hooks.run(nonzaReceived, { session, element: el(name, { xmlns }) });
  return { hub, session, written, nonza, teardown };
}

const presence = (show: string) => el('presence', { from: 'dave@localhost/desk' }, el('show', show));
const message = el('message', { from: 'dave@localhost/desk', type: 'chat' }, el('body', 'lunch?'));

describe('XEP-0352 on the hub', () => {
  it('offers <csi/> among the stream features after authentication (§4.1)', async () => {
    const { hub } = await carolsPhone();
    assert.deepEqual(
      hub.streamFeatures({ isBound: false }).map((f) => serialize(f)),
      ["<csi xmlns='urn:xmpp:csi:0'/>"],
    );
  });

  it('takes <inactive/> and <active/>, and leaves other nonzas to the stream', async () => {
    const { nonza } = await carolsPhone();
    assert.equal(await nonza('inactive'), true);
    assert.equal(await nonza('active'), true);
    assert.equal(await nonza('frobnicate'), undefined, 'an unknown CSI element is not taken');
    assert.equal(await nonza('inactive', 'urn:example'), undefined, 'another namespace is not taken');
  });

  it('what features send goes through the queue: presence waits, a message releases it first, <active/> the rest', async () => {
    const { session, written, nonza } = await carolsPhone();
    await nonza('inactive');
    session.send(presence('away'));
    session.send(presence('xa'));
    assert.deepEqual(written, []);
    session.send(message);
    assert.deepEqual(written, [
      "<presence from='dave@localhost/desk'><show>xa</show></presence>",
      "<message from='dave@localhost/desk' type='chat'><body>lunch?</body></message>",
    ]);
    session.send(presence('dnd'));
    assert.equal(written.length, 2);
    await nonza('active');
    assert.equal(written[2], "<presence from='dave@localhost/desk'><show>dnd</show></presence>");
  });

  it('a session that never says <inactive/> is left as it is', async () => {
    const { session, nonza } = await carolsPhone();
    const send = session.send;
    await nonza('active');
    assert.equal(session.send, send);
  });

  it('§5.2: a resumed session starts active again; teardown releases what waits', async () => {
    const resumed = await carolsPhone();
    await resumed.nonza('inactive');
    resumed.session.send(presence('away'));
    await resumed.hub.hooks.notify(sessionResumed, resumed.session);
    assert.equal(resumed.written.length, 1, 'released on resumption');
    resumed.session.send(presence('xa'));
    assert.equal(resumed.written.length, 2, 'and active since');

    const stopped = await carolsPhone();
    await stopped.nonza('inactive');
    stopped.session.send(presence('away'));
    if (typeof stopped.teardown === 'function') await stopped.teardown();
    assert.equal(stopped.written.length, 1);
  });
});
