/**
 * XEP-0313 MAM, XEP-0359 stanza-ids and XEP-0059 RSM with real clients (xmpp.js, StanzaJS):
 * a message is archived once per user archive however many copies went out (two resources,
 * carbons); every copy carries the archive's stanza-id; queries by peer, time and text; paging
 * across 10,000 messages; an offline copy and MAM agree on the id (no duplicates); history
 * survives a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import xml, { type XmlElement } from '@xmpp/xml';
import type { Agent } from 'stanza';
import { asUserId } from '../../src/core/ports.js';
import { basic, call, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import {
  allowSelfSigned,
  Inbox,
  isMessage,
  stanzaClient,
  type XmppJsClient,
  xmppJs,
} from '../support/xmpp-clients.js';

const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_SID = 'urn:xmpp:sid:0';
const NS_CARBONS = 'urn:xmpp:carbons:2';

interface MamPage {
  readonly results: { id: string; body: string | undefined; from: string | undefined }[];
  readonly fin: XmlElement;
}

/** Runs one MAM query as xmpp.js sends it and collects the result messages of its queryid. */
async function mam(
  client: XmppJsClient,
  fields: Record<string, string>,
  rsm: { max?: number; after?: string; before?: string } = {},
): Promise<MamPage> {
  const queryid = `q${Math.random().toString(36).slice(2)}`;
  const results: MamPage['results'] = [];
  const listener = (stanza: XmlElement) => {
    const result = stanza.name === 'message' ? stanza.getChild('result', NS_MAM) : undefined;
    if (result?.attrs.queryid !== queryid) return;
    const inner = result.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message');
    results.push({
      id: String(result.attrs.id),
      body: inner?.getChildText('body') ?? undefined,
      from: inner?.attrs.from,
    });
  };
  client.on('stanza', listener);
  try {
    const form = xml(
      'x',
      { xmlns: 'jabber:x:data', type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
      ...Object.entries(fields).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))),
    );
    const set = xml(
      'set',
      { xmlns: NS_RSM },
      ...(rsm.max !== undefined ? [xml('max', {}, String(rsm.max))] : []),
      ...(rsm.after !== undefined ? [xml('after', {}, rsm.after)] : []),
      ...(rsm.before !== undefined ? [xml('before', {}, rsm.before)] : []),
    );
    const reply = await client.iqCaller.request(
      xml('iq', { type: 'set' }, xml('query', { xmlns: NS_MAM, queryid }, form, set)),
      10_000,
    );
    const fin = reply.getChild('fin', NS_MAM);
    assert.ok(fin, 'the IQ result carries <fin/>');
    assert.equal(fin.attrs.queryid, queryid);
    return { results, fin };
  } finally {
    (client as unknown as NodeJS.EventEmitter).removeListener('stanza', listener);
  }
}

const stanzaIdOf = (stanza: XmlElement) => stanza.getChild('stanza-id', NS_SID);

describe('XEP-0313 MAM with XEP-0359 stanza-ids and XEP-0059 paging', () => {
  let herald: TestServer;
  const online: XmppJsClient[] = [];
  const agents: Agent[] = [];
  const login = async (username: string, resource: string, options: { carbons?: boolean } = {}) => {
    const client = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username,
      password: DEMO_PASSWORD,
      resource,
    });
    online.push(client);
    const inbox = new Inbox(client);
    if (options.carbons)
      await client.iqCaller.request(xml('iq', { type: 'set' }, xml('enable', { xmlns: NS_CARBONS })));
    await client.send(xml('presence'));
    return { client, inbox };
  };

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer();
  });
  after(async () => {
    for (const client of online) await client.stop().catch(() => {});
    for (const agent of agents) agent.disconnect();
    await herald.stop();
  });

  it('disco shows urn:xmpp:mam:2 and urn:xmpp:sid:0 on the account; the form lists the fields', async () => {
    const { client } = await login('carol', 'disco');
    const info = await client.iqCaller.request(
      xml(
        'iq',
        { type: 'get', to: 'carol@localhost' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const features =
      info
        .getChild('query')
        ?.getChildren('feature')
        .map((f) => f.attrs.var) ?? [];
    assert.ok(features.includes(NS_MAM), features.join());
    assert.ok(features.includes(NS_SID));
    const form = await client.iqCaller.request(xml('iq', { type: 'get' }, xml('query', { xmlns: NS_MAM })));
    const vars =
      form
        .getChild('query')
        ?.getChild('x')
        ?.getChildren('field')
        .map((f) => f.attrs.var) ?? [];
    for (const name of ['FORM_TYPE', 'with', 'start', 'end', '{urn:xmpp:fulltext:0}fulltext'])
      assert.ok(vars.includes(name), name);
    // Another user's archive is not yours to read.
    await assert.rejects(
      client.iqCaller.request(
        xml('iq', { type: 'set', to: 'alice@localhost' }, xml('query', { xmlns: NS_MAM })),
      ),
      /forbidden/,
    );
  });

  it('archives once per archive with two resources and carbons; every copy has the same stanza-id', async () => {
    const phone = await login('alice', 'phone', { carbons: true });
    const desk = await login('alice', 'desk', { carbons: true });
    const bob = await login('bob', 'laptop', { carbons: true });
    // bob writes first, to alice's bare JID: no lock yet, so both of her resources get it
    // (RFC 6121 §8.5.2.1.1 fork), each with the one stanza-id of alice's archive.
    await bob.client.send(
      xml('message', { to: 'alice@localhost', type: 'chat', id: 'b1' }, xml('body', {}, 'hi alice')),
    );
    const a1 = await phone.inbox.take(isMessage('hi alice'), 'phone');
    const a2 = await desk.inbox.take(isMessage('hi alice'), 'desk');
    assert.equal(stanzaIdOf(a1)?.attrs.by, 'alice@localhost');
    assert.ok(stanzaIdOf(a1)?.attrs.id);
    assert.equal(stanzaIdOf(a1)?.attrs.id, stanzaIdOf(a2)?.attrs.id);
    // alice answers from her phone (desk gets a carbon); a forged stanza-id claiming bob's
    // archive is removed (XEP-0359 §3.1).
    await phone.client.send(
      xml(
        'message',
        { to: 'bob@localhost', type: 'chat', id: 'a1' },
        xml('body', {}, 'hello bob'),
        xml('origin-id', { xmlns: NS_SID, id: 'origin-a1' }),
        xml('stanza-id', { xmlns: NS_SID, by: 'bob@localhost', id: 'forged' }),
      ),
    );
    const atBob = await bob.inbox.take(isMessage('hello bob'), 'bob gets it');
    const bobIds = atBob.getChildren('stanza-id', NS_SID);
    assert.equal(bobIds.length, 1);
    assert.equal(bobIds[0]?.attrs.by, 'bob@localhost');
    assert.notEqual(bobIds[0]?.attrs.id, 'forged');

    const aliceHistory = await mam(phone.client, { with: 'bob@localhost' });
    assert.deepEqual(
      aliceHistory.results.map((r) => r.body),
      ['hi alice', 'hello bob'],
    );
    assert.equal(aliceHistory.results[0]?.id, stanzaIdOf(a1)?.attrs.id, 'the MAM id is the stanza-id');
    assert.equal(aliceHistory.fin.attrs.complete, 'true');
    assert.equal(aliceHistory.fin.getChild('set', NS_RSM)?.getChildText('count'), '2');
    const bobHistory = await mam(bob.client, { with: 'alice@localhost' });
    assert.deepEqual(
      bobHistory.results.map((r) => r.body),
      ['hi alice', 'hello bob'],
    );
    assert.equal(bobHistory.results[1]?.id, bobIds[0]?.attrs.id);
    assert.equal(bobHistory.results[1]?.from?.split('/')[0], 'alice@localhost');
  });

  it('queries by text and by time; bad input gets a clear error', async () => {
    const { client } = await login('alice', 'search');
    const byText = await mam(client, { '{urn:xmpp:fulltext:0}fulltext': 'HELLO' });
    assert.deepEqual(
      byText.results.map((r) => r.body),
      ['hello bob'],
    );
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await mam(client, { start: future });
    assert.equal(none.results.length, 0);
    assert.equal(none.fin.attrs.complete, 'true');
    const past = await mam(client, { end: future, with: 'bob@localhost' });
    assert.equal(past.results.length, 2);
    await assert.rejects(mam(client, { start: 'yesterday' }), /bad-request/);
    await assert.rejects(mam(client, {}, { after: 'no-such-id' }), /item-not-found/);
  });

  it('StanzaJS searchHistory reads the same archive', async () => {
    const agent = await stanzaClient({
      url: `ws://127.0.0.1:${herald.ports.http}/xmpp-websocket`,
      jid: 'bob@localhost',
      password: DEMO_PASSWORD,
      resource: 'stanzajs',
    });
    agents.push(agent);
    const found = await agent.searchHistory({ with: 'alice@localhost' });
    assert.equal(found.results?.length, 2);
    assert.equal(found.results?.[0]?.item.message?.body, 'hi alice');
    assert.equal(found.complete, true);
  });

  it('pages with RSM across 10,000 messages, forwards and backwards', async () => {
    const store = herald.server.store;
    const dave = await store.accounts.findUserByName('dave');
    assert.ok(dave);
    const t0 = Date.UTC(2026, 0, 1);
    await store.transaction(async (tx) => {
      for (let i = 0; i < 10_000; i++)
        await tx.archive.append({
          id: `bulk-${String(i).padStart(5, '0')}`,
          userId: asUserId(dave.id),
          peer: 'carol@localhost',
          direction: i % 2 === 0 ? 'in' : 'out',
          at: t0 + i * 1000,
          originId: null,
          body: `message ${i}`,
          payload: { format: 'text', content: `message ${i}` },
        });
    });
    const { client } = await login('dave', 'pager');
    const seen: string[] = [];
    let afterId: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await mam(
        client,
        { with: 'carol@localhost' },
        { max: 250, ...(afterId ? { after: afterId } : {}) },
      );
      pages++;
      const set = page.fin.getChild('set', NS_RSM);
      assert.equal(set?.getChildText('count'), '10000');
      seen.push(...page.results.map((r) => r.id));
      if (page.results.length > 0) assert.equal(set?.getChildText('last'), page.results.at(-1)?.id);
      if (page.fin.attrs.complete === 'true') break;
      afterId = set?.getChildText('last') ?? undefined;
      assert.ok(pages <= 41, 'ends');
    }
    assert.equal(pages, 40);
    assert.equal(seen.length, 10_000);
    assert.equal(new Set(seen).size, 10_000);
    assert.equal(seen[0], 'bulk-00000');
    assert.equal(seen.at(-1), 'bulk-09999');
    // The last page (an empty <before/>), then the page before it.
    const last = await mam(client, {}, { max: 3, before: '' });
    assert.deepEqual(
      last.results.map((r) => r.id),
      ['bulk-09997', 'bulk-09998', 'bulk-09999'],
    );
    assert.notEqual(last.fin.attrs.complete, 'true');
    const earlier = await mam(client, {}, { max: 3, before: 'bulk-09997' });
    assert.deepEqual(
      earlier.results.map((r) => r.id),
      ['bulk-09994', 'bulk-09995', 'bulk-09996'],
    );
    // The page size is capped (config archive.maxPageSize, 250 by default).
    const capped = await mam(client, {}, { max: 100_000 });
    assert.equal(capped.results.length, 250);
    // A SIP-less, text-format record comes back as a chat message with its body.
    assert.equal(capped.results[0]?.body, 'message 0');
  });

  it('an offline copy carries the stanza-id MAM gives the same message: no duplicates', async () => {
    const sender = await login('carol', 'sender');
    await sender.client.send(
      xml(
        'message',
        { to: 'bob@localhost', type: 'chat', id: 'off1' },
        xml('body', {}, 'while you were out'),
      ),
    );
    // bob has a session online from earlier tests; wait till carol's message is stored by asking MAM.
    await sender.client.iqCaller.request(
      xml('iq', { type: 'get', to: 'localhost', id: 'sync' }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
    );
    for (const client of online.filter((c) => String(c.jid ?? '').startsWith('bob@')))
      await client.stop().catch(() => {});
    for (const agent of agents) agent.disconnect();
    await sender.client.send(
      xml('message', { to: 'bob@localhost', type: 'chat', id: 'off2' }, xml('body', {}, 'stored for later')),
    );
    await sender.client.iqCaller.request(
      xml('iq', { type: 'get', to: 'localhost' }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
    );
    const bob = await login('bob', 'back');
    const offline = await bob.inbox.take(isMessage('stored for later'), 'the offline copy');
    assert.ok(offline.getChild('delay', 'urn:xmpp:delay'), 'XEP-0203 stamp');
    const sid = stanzaIdOf(offline);
    assert.equal(sid?.attrs.by, 'bob@localhost');
    const history = await mam(bob.client, { with: 'carol@localhost' });
    const matching = history.results.filter((r) => r.body === 'stored for later');
    assert.equal(matching.length, 1);
    assert.equal(matching[0]?.id, sid?.attrs.id, 'client rule: dedupe by stanza-id');
  });
  it('the HTTP API lists conversations, pages one and searches: the caller’s archive only', async () => {
    const auth = { authorization: basic('bob', DEMO_PASSWORD) };
    const list = await call(herald.http, 'GET', '/api/v1/conversations', auth);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const peers = list.body.conversations.map((c: { peer: string }) => c.peer);
    assert.deepEqual(peers, ['carol@localhost', 'alice@localhost']);
    assert.equal(list.body.conversations[0].last.body, 'stored for later');
    const page = await call(
      herald.http,
      'GET',
      '/api/v1/conversations/alice@localhost/messages?limit=1',
      auth,
    );
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.messages.map((m: { body: string }) => m.body),
      ['hello bob'],
    );
    assert.equal(page.body.total, 2);
    const older = await call(
      herald.http,
      'GET',
      `/api/v1/conversations/alice@localhost/messages?limit=1&before=${page.body.before}`,
      auth,
    );
    assert.deepEqual(
      older.body.messages.map((m: { body: string }) => m.body),
      ['hi alice'],
    );
    assert.equal(older.body.before, null);
    const search = await call(herald.http, 'GET', '/api/v1/messages/search?q=LATER', auth);
    assert.deepEqual(
      search.body.messages.map((m: { body: string }) => m.body),
      ['stored for later'],
    );
    // dave's 10,000 messages are not bob's to see; no credentials, no history.
    const none = await call(herald.http, 'GET', '/api/v1/messages/search?q=message', auth);
    assert.equal(none.body.total, 0);
    assert.equal((await call(herald.http, 'GET', '/api/v1/conversations')).status, 401);
    assert.equal((await call(herald.http, 'GET', '/api/v1/messages/search', auth)).status, 400);
  });
});

describe('MAM history survives a restart', () => {
  it('keeps the archive in the data dir', async () => {
    allowSelfSigned();
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-mam-'));
    try {
      let herald = await startTestServer({ keepDataDir: dataDir });
      let alice = await xmppJs({
        service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
        username: 'alice',
        password: DEMO_PASSWORD,
      });
      await alice.send(xml('presence'));
      await alice.send(
        xml('message', { to: 'dave@localhost', type: 'chat' }, xml('body', {}, 'remember me')),
      );
      await mam(alice, {}); // sync: the message was handled before the query
      await alice.stop();
      await herald.stop();
      herald = await startTestServer({ keepDataDir: dataDir });
      alice = await xmppJs({
        service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
        username: 'alice',
        password: DEMO_PASSWORD,
      });
      const page = await mam(alice, { with: 'dave@localhost' });
      assert.deepEqual(
        page.results.map((r) => r.body),
        ['remember me'],
      );
      await alice.stop();
      await herald.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
