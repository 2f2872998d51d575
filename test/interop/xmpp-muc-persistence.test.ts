/**
 * XEP-0045 §10.1.3 persistent rooms and XEP-0313 §5 room archives with real xmpp.js clients
 * against a real Herald on SQLite, restarted on the same data dir: a persistent members-only
 * room keeps its configuration, subject and member list; history on join and MAM on the room
 * JID (paged with XEP-0059) still show the messages; a non-member is refused both; a room turned
 * temporary is gone once empty.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, it } from 'node:test';
import xml, { type XmlElement } from '@xmpp/xml';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, isMessage, XmppCast, type XmppJsClient } from '../support/xmpp-clients.js';

const ROOM = 'coven@conference.localhost';
const MUC = 'http://jabber.org/protocol/muc';
const MUC_USER = 'http://jabber.org/protocol/muc#user';
const MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const DISCO_INFO = 'http://jabber.org/protocol/disco#info';

const codes = (s: XmlElement): string[] =>
  (s.getChild('x', MUC_USER)?.getChildren('status') ?? []).map((c) => String(c.attrs.code));
const isSelfPresence = (s: XmlElement) =>
  s.name === 'presence' && String(s.attrs.from).startsWith(`${ROOM}/`) && codes(s).includes('110');
const errorCondition = (s: XmlElement): string | undefined =>
  s.getChild('error')?.children.find((c): c is XmlElement => typeof c !== 'string' && c.name !== 'text')
    ?.name;

const join = (client: XmppJsClient, nick: string) =>
  client.send(xml('presence', { to: `${ROOM}/${nick}` }, xml('x', { xmlns: MUC })));
const configure = (client: XmppJsClient, fields: Record<string, string>) =>
  client.iqCaller.request(
    xml(
      'iq',
      { type: 'set', to: ROOM },
      xml(
        'query',
        { xmlns: MUC_OWNER },
        xml(
          'x',
          { xmlns: 'jabber:x:data', type: 'submit' },
          xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/muc#roomconfig')),
          ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, xml('value', {}, v))),
        ),
      ),
    ),
  );

/** XEP-0313 §5: a MAM query addressed to the room; the results of its queryid and the <fin/>. */
async function roomMam(client: XmppJsClient, rsm: { max?: number; after?: string } = {}) {
  const queryid = `q${Math.random().toString(36).slice(2)}`;
  const results: { id: string; body: string | undefined; from: string | undefined; resultFrom: string }[] =
    [];
  const listener = (stanza: XmlElement) => {
    const result = stanza.name === 'message' ? stanza.getChild('result', NS_MAM) : undefined;
    if (result?.attrs.queryid !== queryid) return;
    const inner = result.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message');
    results.push({
      id: String(result.attrs.id),
      body: inner?.getChildText('body') ?? undefined,
      from: inner?.attrs.from,
      resultFrom: String(stanza.attrs.from),
    });
  };
  client.on('stanza', listener);
  try {
    const set = xml(
      'set',
      { xmlns: NS_RSM },
      ...(rsm.max !== undefined ? [xml('max', {}, String(rsm.max))] : []),
      ...(rsm.after !== undefined ? [xml('after', {}, rsm.after)] : []),
    );
    const reply = await client.iqCaller.request(
      xml('iq', { type: 'set', to: ROOM }, xml('query', { xmlns: NS_MAM, queryid }, set)),
      10_000,
    );
    const fin = reply.getChild('fin', NS_MAM);
    assert.ok(fin, 'the IQ result carries <fin/>');
    return { results, fin };
  } finally {
    (client as unknown as NodeJS.EventEmitter).removeListener('stanza', listener);
  }
}

describe('XEP-0045 persistent rooms and their archive survive a restart', () => {
  let herald: TestServer;
  const dataDir = mkdtempSync(joinPath(tmpdir(), 'herald-muc-'));
  const cast = new XmppCast(() => herald.ports.xmpp ?? 0);

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer({ keepDataDir: dataDir });
  });
  after(async () => {
    await cast.stopAll();
    await herald.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const restart = async () => {
    await cast.stopAll();
    await herald.stop();
    herald = await startTestServer({ keepDataDir: dataDir });
  };

  it('keeps the room, its members, subject, history on join and MAM on the room JID', async () => {
    let a = await cast.login('alice', 'p1');
    let b = await cast.login('bob', 'p1');
    await join(a.client, 'Alice');
    await a.inbox.take(isSelfPresence, 'alice creates the room');
    await configure(a.client, {
      'muc#roomconfig_persistentroom': '1',
      'muc#roomconfig_membersonly': '1',
      'muc#roomconfig_roomname': 'The Coven',
    });
    await a.client.iqCaller.request(
      xml(
        'iq',
        { type: 'set', to: ROOM },
        xml(
          'query',
          { xmlns: MUC_ADMIN },
          xml('item', { affiliation: 'member', jid: 'bob@localhost' }, xml('reason', {}, 'a friend')),
        ),
      ),
    );
    await a.client.send(xml('message', { to: ROOM, type: 'groupchat' }, xml('subject', {}, 'Spells')));
    await a.inbox.take((s) => s.getChildText('subject') === 'Spells', 'subject set');
    await join(b.client, 'Bob');
    await b.inbox.take(isSelfPresence, 'bob joins as a member');
    for (const body of ['one', 'two']) {
      await a.client.send(xml('message', { to: ROOM, type: 'groupchat' }, xml('body', {}, body)));
      await b.inbox.take(isMessage(body), `bob gets ${body}`);
    }
    await b.client.send(xml('message', { to: ROOM, type: 'groupchat' }, xml('body', {}, 'three')));
    const live = await a.inbox.take(isMessage('three'), 'alice gets three');
    const liveId = live.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id;
    assert.ok(liveId);

    await restart();

    // Carol has no affiliation: the members-only room refuses her (§7.2.5) and its archive too.
    const c = await cast.login('carol', 'p2');
    await join(c.client, 'Carol');
    const refused = await c.inbox.take(
      (s) => s.name === 'presence' && s.attrs.type === 'error' && s.attrs.from === `${ROOM}/Carol`,
      'carol refused',
    );
    assert.equal(errorCondition(refused), 'registration-required');
    await assert.rejects(
      roomMam(c.client),
      (e: Error & { condition?: string }) => e.condition === 'forbidden',
    );

    b = await cast.login('bob', 'p2');
    // The room is there, unlocked, with its configuration (§6.4 disco#info).
    const info = await b.client.iqCaller.request(
      xml('iq', { type: 'get', to: ROOM }, xml('query', { xmlns: DISCO_INFO })),
    );
    const features = info
      .getChild('query', DISCO_INFO)!
      .getChildren('feature')
      .map((f) => String(f.attrs.var));
    for (const f of ['muc_persistent', 'muc_membersonly', NS_MAM]) assert.ok(features.includes(f), f);
    assert.equal(info.getChild('query', DISCO_INFO)?.getChild('identity')?.attrs.name, 'The Coven');

    // A member may read a members-only room's archive without joining (XEP-0313 §5), paged.
    const first = await roomMam(b.client, { max: 2 });
    assert.deepEqual(
      first.results.map((r) => r.body),
      ['one', 'two'],
    );
    assert.equal(first.results[0]?.from, `${ROOM}/Alice`);
    assert.equal(first.results[0]?.resultFrom, ROOM);
    assert.equal(first.fin.getChild('set', NS_RSM)?.getChildText('count'), '3');
    assert.notEqual(first.fin.attrs.complete, 'true');
    const rest = await roomMam(b.client, { after: first.results[1]!.id });
    assert.deepEqual(
      rest.results.map((r) => [r.body, r.from]),
      [['three', `${ROOM}/Bob`]],
    );
    assert.equal(rest.results[0]?.id, liveId, 'the MAM id is the stanza-id every copy carried');
    assert.equal(rest.fin.attrs.complete, 'true');

    // History on join comes from the archive; the subject was kept.
    await join(b.client, 'Bob');
    await b.inbox.take(isSelfPresence, 'bob joins after the restart');
    for (const body of ['one', 'two', 'three']) {
      const h = await b.inbox.take(isMessage(body), `history ${body}`);
      assert.ok(h.getChild('delay', 'urn:xmpp:delay'), 'history carries a delay');
    }
    const subject = await b.inbox.take(
      (s) => s.name === 'message' && s.getChild('subject') !== undefined,
      'subject on join',
    );
    assert.equal(subject.getChildText('subject'), 'Spells');

    // The owner still owns it, and the member list kept bob.
    a = await cast.login('alice', 'p2');
    const members = await a.client.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: ROOM },
        xml('query', { xmlns: MUC_ADMIN }, xml('item', { affiliation: 'member' })),
      ),
    );
    assert.deepEqual(
      members
        .getChild('query', MUC_ADMIN)!
        .getChildren('item')
        .map((i) => String(i.attrs.jid)),
      ['bob@localhost'],
    );
  });

  it('forgets a room turned temporary once it is empty', async () => {
    const a = await cast.login('alice', 'p3');
    await join(a.client, 'Alice');
    await a.inbox.take(isSelfPresence, 'alice joins');
    await configure(a.client, { 'muc#roomconfig_persistentroom': '0' });
    await a.client.send(xml('presence', { to: `${ROOM}/Alice`, type: 'unavailable' }));
    await a.inbox.take((s) => s.name === 'presence' && s.attrs.type === 'unavailable', 'alice leaves');
    // The session that created the row is gone; the delete is written before the server stops.
    await restart();
    const again = await cast.login('alice', 'p4');
    await assert.rejects(
      again.client.iqCaller.request(
        xml('iq', { type: 'get', to: ROOM }, xml('query', { xmlns: DISCO_INFO })),
      ),
      (e: Error & { condition?: string }) => e.condition === 'item-not-found',
    );
  });
});
