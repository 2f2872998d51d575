/**
 * XEP-0045 group chat with real xmpp.js clients against a real Herald on conference.localhost:
 * instant and reserved rooms, history on join, nick conflicts, members-only and password rooms,
 * invitations, kicks, bans, subject, moderated voice, private messages and disco.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import xml, { type XmlElement } from '@xmpp/xml';
import { systemPrincipal } from '../../src/core/identity/principal.js';
import { basic, call, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, isMessage, XmppCast, type XmppJsClient } from '../support/xmpp-clients.js';

const SERVICE = 'conference.localhost';
const MUC = 'http://jabber.org/protocol/muc';
const MUC_USER = 'http://jabber.org/protocol/muc#user';
const MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';

const codes = (s: XmlElement): string[] =>
  (s.getChild('x', MUC_USER)?.getChildren('status') ?? []).map((c) => String(c.attrs.code));
const isSelfPresence = (room: string) => (s: XmlElement) =>
  s.name === 'presence' && String(s.attrs.from).startsWith(`${room}/`) && codes(s).includes('110');
const isErrorFrom = (from: string) => (s: XmlElement) => s.attrs.type === 'error' && s.attrs.from === from;

describe('XEP-0045 multi-user chat with real clients', () => {
  let herald: TestServer;
  const cast = new XmppCast(() => herald.ports.xmpp ?? 0);

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer();
  });
  after(async () => {
    await cast.stopAll();
    await herald.stop();
  });

  const join = (client: XmppJsClient, room: string, nick: string, x: XmlElement[] = []) =>
    client.send(xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: MUC }, ...x)));
  const owner = (client: XmppJsClient, room: string, form: XmlElement) =>
    client.iqCaller.request(xml('iq', { type: 'set', to: room }, xml('query', { xmlns: MUC_OWNER }, form)));
  const submit = (fields: Record<string, string>) =>
    xml(
      'x',
      { xmlns: 'jabber:x:data', type: 'submit' },
      xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/muc#roomconfig')),
      ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v))),
    );
  const admin = (client: XmppJsClient, room: string, item: Record<string, string>) =>
    client.iqCaller.request(
      xml('iq', { type: 'set', to: room }, xml('query', { xmlns: MUC_ADMIN }, xml('item', item))),
    );

  it('creates an instant room (201), another user joins, groupchat carries a stanza-id, history and subject on join', async () => {
    const room = `instant@${SERVICE}`;
    const a = await cast.login('alice', 'muc1');
    const b = await cast.login('bob', 'muc1');
    await join(a.client, room, 'Alice');
    const created = await a.inbox.take(isSelfPresence(room), 'alice self-presence');
    assert.deepEqual(codes(created).sort(), ['110', '201']);
    // Locked until configured: bob is refused (§10.1.1).
    await join(b.client, room, 'Bob');
    await b.inbox.take(isErrorFrom(`${room}/Bob`), 'bob refused while locked');
    await owner(a.client, room, xml('x', { xmlns: 'jabber:x:data', type: 'submit' })); // §10.1.2 instant
    await a.client.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'first')));
    const echo = await a.inbox.take(isMessage('first'), 'alice echo');
    assert.equal(echo.attrs.from, `${room}/Alice`);
    const sid = echo.getChild('stanza-id', 'urn:xmpp:sid:0');
    assert.equal(sid?.attrs.by, room);
    await a.client.send(xml('message', { to: room, type: 'groupchat' }, xml('subject', {}, 'Plans')));
    await join(b.client, room, 'Bob');
    const history = await b.inbox.take(isMessage('first'), 'bob gets history');
    assert.ok(history.getChild('delay', 'urn:xmpp:delay'), 'history carries a delay');
    assert.equal(history.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id, sid?.attrs.id);
    const subject = await b.inbox.take((s) => s.getChildText('subject') === 'Plans', 'subject on join');
    assert.equal(subject.attrs.from, `${room}/Alice`);
    await a.inbox.take((s) => s.name === 'presence' && s.attrs.from === `${room}/Bob`, 'alice sees bob join');
    // §7.2.9 nick conflict
    const c = await cast.login('carol', 'muc1');
    await join(c.client, room, 'bob');
    const conflict = await c.inbox.take(isErrorFrom(`${room}/bob`), 'nick conflict');
    assert.ok(conflict.getChild('error')?.getChild('conflict'));
    // §7.5 private message
    await b.client.send(xml('message', { to: `${room}/Alice`, type: 'chat' }, xml('body', {}, 'psst')));
    const pm = await a.inbox.take(isMessage('psst'), 'private message');
    assert.equal(pm.attrs.from, `${room}/Bob`);
    // disco: the server lists the service, the service lists the room, the room describes itself.
    const items = await a.client.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: 'localhost' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' }),
      ),
    );
    assert.ok(
      items
        .getChild('query')
        ?.getChildren('item')
        .some((i) => i.attrs.jid === SERVICE),
    );
    const rooms = await a.client.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: SERVICE },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' }),
      ),
    );
    assert.ok(
      rooms
        .getChild('query')
        ?.getChildren('item')
        .some((i) => i.attrs.jid === room),
    );
    const info = await a.client.iqCaller.request(
      xml('iq', { type: 'get', to: room }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })),
    );
    const features =
      info
        .getChild('query')
        ?.getChildren('feature')
        .map((f) => f.attrs.var) ?? [];
    assert.ok(features.includes(MUC) && features.includes('muc_temporary'));
    // Leaving: bob's disconnect removes him (§7.14).
    await b.client.stop();
    await a.inbox.take(
      (s) => s.name === 'presence' && s.attrs.from === `${room}/Bob` && s.attrs.type === 'unavailable',
      'bob left on disconnect',
    );
  });

  it('a reserved room configured by form: members-only, password, moderated; invite, voice, kick and ban', async () => {
    const room = `reserved@${SERVICE}`;
    const a = await cast.login('alice', 'muc2');
    const b = await cast.login('bob', 'muc2');
    const d = await cast.login('dave', 'muc2');
    await join(a.client, room, 'Alice');
    await a.inbox.take(isSelfPresence(room), 'created');
    const form = await a.client.iqCaller.request(
      xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_OWNER })),
    );
    const vars = form
      .getChild('query')
      ?.getChild('x', 'jabber:x:data')
      ?.getChildren('field')
      .map((f) => f.attrs.var);
    assert.ok(vars?.includes('muc#roomconfig_membersonly'));
    await owner(
      a.client,
      room,
      submit({
        'muc#roomconfig_membersonly': '1',
        'muc#roomconfig_moderatedroom': '1',
        'muc#roomconfig_passwordprotectedroom': '1',
        'muc#roomconfig_roomsecret': 'sesame',
      }),
    );
    // §7.2.8 members-only refusal
    await join(b.client, room, 'Bob', [xml('password', {}, 'sesame')]);
    const refused = await b.inbox.take(isErrorFrom(`${room}/Bob`), 'members only');
    assert.ok(refused.getChild('error')?.getChild('registration-required'));
    // §7.8.2 mediated invitation makes bob a member.
    await a.client.send(
      xml(
        'message',
        { to: room },
        xml('x', { xmlns: MUC_USER }, xml('invite', { to: 'bob@localhost' }, xml('reason', {}, 'join us'))),
      ),
    );
    const invite = await b.inbox.take(
      (s) => s.attrs.from === room && !!s.getChild('x', MUC_USER)?.getChild('invite'),
      'invite',
    );
    assert.equal(invite.getChild('x', MUC_USER)?.getChildText('password'), 'sesame');
    // §7.2.6 wrong password
    await join(b.client, room, 'Bob', [xml('password', {}, 'wrong')]);
    const badPw = await b.inbox.take(isErrorFrom(`${room}/Bob`), 'wrong password');
    assert.ok(badPw.getChild('error')?.getChild('not-authorized'));
    await join(b.client, room, 'Bob', [xml('password', {}, 'sesame')]);
    const bobSelf = await b.inbox.take(isSelfPresence(room), 'bob joined');
    assert.equal(bobSelf.getChild('x', MUC_USER)?.getChild('item')?.attrs.role, 'participant');
    // Dave is made a member but enters moderated as member -> participant; make him visitor by revoking voice.
    await admin(a.client, room, { jid: 'dave@localhost', affiliation: 'member' });
    await join(d.client, room, 'Dave', [xml('password', {}, 'sesame')]);
    await d.inbox.take(isSelfPresence(room), 'dave joined');
    await admin(a.client, room, { nick: 'Dave', role: 'visitor' });
    await d.inbox.take(
      (s) => isSelfPresence(room)(s) && s.getChild('x', MUC_USER)?.getChild('item')?.attrs.role === 'visitor',
      'dave is a visitor',
    );
    await d.client.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'may I?')));
    const forbidden = await d.inbox.take(isErrorFrom(room), 'visitor may not speak');
    assert.ok(forbidden.getChild('error')?.getChild('forbidden'));
    // §8.2 kick (307); bob (participant) cannot kick
    await assert.rejects(admin(b.client, room, { nick: 'Dave', role: 'none' }));
    await admin(a.client, room, { nick: 'Dave', role: 'none' });
    const kicked = await d.inbox.take(
      (s) => s.attrs.type === 'unavailable' && codes(s).includes('307'),
      'kicked',
    );
    assert.ok(codes(kicked).includes('110'));
    // §9.1 ban (301), then refused with forbidden
    await admin(a.client, room, { jid: 'bob@localhost', affiliation: 'outcast' });
    await b.inbox.take((s) => s.attrs.type === 'unavailable' && codes(s).includes('301'), 'banned');
    await join(b.client, room, 'Bob', [xml('password', {}, 'sesame')]);
    const banned = await b.inbox.take(isErrorFrom(`${room}/Bob`), 'banned refused');
    assert.ok(banned.getChild('error')?.getChild('forbidden'));
    const outcasts = await a.client.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: room },
        xml('query', { xmlns: MUC_ADMIN }, xml('item', { affiliation: 'outcast' })),
      ),
    );
    assert.deepEqual(
      outcasts
        .getChild('query')
        ?.getChildren('item')
        .map((i) => i.attrs.jid),
      ['bob@localhost'],
    );
    // §10.9 destroy
    await a.client.iqCaller.request(
      xml(
        'iq',
        { type: 'set', to: room },
        xml('query', { xmlns: MUC_OWNER }, xml('destroy', {}, xml('reason', {}, 'done'))),
      ),
    );
    await a.inbox.take(
      (s) => s.attrs.type === 'unavailable' && !!s.getChild('x', MUC_USER)?.getChild('destroy'),
      'destroyed',
    );
  });

  it('an invitation to an offline user waits for their login; a decline reaches only the inviter', async () => {
    const room = `offline-invite@${SERVICE}`;
    const a = await cast.login('alice', 'inv');
    await join(a.client, room, 'Alice');
    await a.inbox.take(isSelfPresence(room), 'alice created the room');
    await owner(a.client, room, submit({}));
    await herald.server.accounts.addUser(systemPrincipal('test'), {
      username: 'erin',
      password: 'pw-erin-secret',
    });
    // erin has no session: the invitation is stored (XEP-0160), not dropped.
    await a.client.send(
      xml('message', { to: room }, xml('x', { xmlns: MUC_USER }, xml('invite', { to: 'erin@localhost' }))),
    );
    const isInvite = (s: XmlElement) =>
      s.attrs.from === room && !!s.getChild('x', MUC_USER)?.getChild('invite');
    const e = await cast.login('erin', 'inv', { password: 'pw-erin-secret' });
    const invite = await e.inbox.take(isInvite, 'the stored invitation at login');
    assert.equal(invite.getChild('x', MUC_USER)?.getChild('invite')?.attrs.from, 'alice@localhost');
    assert.match(invite.getChildText('body') ?? '', /alice@localhost invites you/);
    // A decline naming someone who never invited erin is not relayed (the room is no relay).
    const c = await cast.login('carol', 'inv');
    await e.client.send(
      xml('message', { to: room }, xml('x', { xmlns: MUC_USER }, xml('decline', { to: 'carol@localhost' }))),
    );
    // §7.8.2: erin declines alice's invitation; the room tells alice, naming erin.
    await e.client.send(
      xml(
        'message',
        { to: room },
        xml(
          'x',
          { xmlns: MUC_USER },
          xml('decline', { to: 'alice@localhost' }, xml('reason', {}, 'busy today')),
        ),
      ),
    );
    const declined = await a.inbox.take(
      (s) => s.attrs.from === room && !!s.getChild('x', MUC_USER)?.getChild('decline'),
      'the decline relayed to alice',
    );
    const decline = declined.getChild('x', MUC_USER)?.getChild('decline');
    assert.equal(decline?.attrs.from, 'erin@localhost');
    assert.equal(decline?.getChildText('reason'), 'busy today');
    assert.equal(
      await c.inbox.arrives((s) => !!s.getChild('x', MUC_USER)?.getChild('decline')),
      false,
      'carol never invited erin and gets no decline',
    );
  });

  it('escalates a 1:1 chat to a group over the API: members-only room, mediated invitations, members join', async () => {
    const b = await cast.login('bob', 'esc');
    const c = await cast.login('carol', 'esc');
    const auth = basic('alice', DEMO_PASSWORD);
    const refused = await call(herald.http, 'POST', '/api/v1/rooms/escalate', {
      authorization: auth,
      body: { with: 'nobody@elsewhere.example' },
    });
    assert.equal(refused.status, 400);
    const reply = await call(herald.http, 'POST', '/api/v1/rooms/escalate', {
      authorization: auth,
      body: { with: 'bob@localhost', invite: ['carol@localhost'], name: 'Project' },
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const room: string = reply.body.jid;
    assert.ok(room.endsWith(`@${SERVICE}`));
    assert.equal(reply.body.membersOnly, true);
    for (const who of [b, c]) {
      const invite = await who.inbox.take(
        (s) => s.attrs.from === room && !!s.getChild('x', MUC_USER)?.getChild('invite'),
        'invitation',
      );
      assert.equal(invite.getChild('x', MUC_USER)?.getChild('invite')?.attrs.from, 'alice@localhost');
      assert.equal(invite.getChild('x', 'jabber:x:conference')?.attrs.jid, room);
    }
    await join(b.client, room, 'Bob');
    await b.inbox.take(isSelfPresence(room), 'bob in the escalated room');
    await join(c.client, room, 'Carol');
    await c.inbox.take(isSelfPresence(room), 'carol in the escalated room');
    await b.client.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'hello group')));
    await c.inbox.take(isMessage('hello group'), 'carol gets the group message');
    // A stranger to the room (dave) is refused: members only.
    const d = await cast.login('dave', 'esc');
    await join(d.client, room, 'Dave');
    await d.inbox.take(isErrorFrom(`${room}/Dave`), 'dave refused');
    const mine = await call(herald.http, 'GET', '/api/v1/rooms', {
      authorization: basic('bob', DEMO_PASSWORD),
    });
    assert.ok(
      mine.body.some(
        (r: { jid: string; affiliation: string }) => r.jid === room && r.affiliation === 'member',
      ),
    );
    const daves = await call(herald.http, 'GET', '/api/v1/rooms', {
      authorization: basic('dave', DEMO_PASSWORD),
    });
    assert.ok(!daves.body.some((r: { jid: string }) => r.jid === room));
    const doc = await call(herald.http, 'GET', '/api/v1/openapi.json', { authorization: auth });
    assert.ok(doc.body.paths['/api/v1/rooms/escalate'], 'the OpenAPI document lists escalate');
  });
});
