/**
 * SIP SIMPLE with SIPp as the peer (RFC 6665, RFC 3856, RFC 3903, RFC 4235): a SIPp watcher
 * SUBSCRIBEs with digest auth and follows, NOTIFY by NOTIFY, what a SIPp publisher PUBLISHes
 * (initial, modify by SIP-If-Match, refresh, remove), then unsubscribes; a watcher of Bob's
 * `dialog` event sees his call from SIPp Alice through the proxy go early → confirmed → terminated.
 * The scenarios are written here (into a temporary directory) so that they stay beside the checks.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import xml from '@xmpp/xml';
import { systemPrincipal } from '../../src/core/identity/principal.js';
import { digestHa1, digestResponse } from '../../src/core/identity/sip-digest.js';
import { freePort } from '../support/free-port.js';
import { runSipp, type SippRun, skipWithoutSipp as skip, stopSipps } from '../support/sipp.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';
import { allowSelfSigned, Inbox, xmppJs } from '../support/xmpp-clients.js';

const DOMAIN = 'localhost';
const SHARED = join(dirname(fileURLToPath(import.meta.url)), 'sipp');

const ok200 = `
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>`;

/** A NOTIFY whose body (or headers) must match `regexp`, answered 200. */
const notify = (name: string, regexp: string, where: 'body' | 'msg' = 'body') => `
  <recv request="NOTIFY" crlf="true">
    <action><ereg regexp="${regexp}" search_in="${where}" check_it="true" assign_to="${name}"/></action>
  </recv>${ok200}`;

const subscribe = (cseq: number, expires: number, auth: boolean, inDialog: boolean) => `
  <send retrans="500">
    <![CDATA[
      SUBSCRIBE sip:[service]@[domain] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[user]@[domain]>;tag=[pid]sub[call_number]
      To: <sip:[service]@[domain]>${inDialog ? '[peer_tag_param]' : ''}
      Call-ID: [call_id]
      CSeq: ${cseq} SUBSCRIBE
      Contact: <sip:[user]@[local_ip]:[local_port]>
      Event: [event]
      Accept: [accept]
      Expires: ${expires}
${auth ? '      [authentication]\n' : ''}      Max-Forwards: 70
      User-Agent: SIPp
      Content-Length: 0

    ]]>
  </send>`;

/** The watcher: closed → open → busy (on the phone) → closed, then Expires 0 → terminated. */
const WATCH_PRESENCE = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="watch-presence">
  ${subscribe(1, 600, false, false)}
  <recv response="401" auth="true"/>
  ${subscribe(2, 600, true, false)}
  <recv response="200" rrs="true"/>
  ${notify('s1', 'Subscription-State: active;expires=[0-9]+', 'msg')}
  ${notify('n2', '<basic>open</basic>')}
  ${notify('n3', '<rpid:busy/>')}
  ${notify('n4', '<basic>closed</basic>')}
  ${subscribe(3, 0, false, true)}
  <recv response="401" auth="true"/>
  ${subscribe(4, 0, true, true)}
  <recv response="200"/>
  ${notify('n5', 'Subscription-State: terminated', 'msg')}
  <Reference variables="s1,n2,n3,n4,n5"/>
</scenario>`;

const publish = (cseq: number, opts: { auth: boolean; ifMatch: boolean; expires: number; body?: string }) => `
  <send retrans="500">
    <![CDATA[
      PUBLISH sip:[user]@[domain] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[user]@[domain]>;tag=[pid]pub[call_number]
      To: <sip:[user]@[domain]>
      Call-ID: [call_id]
      CSeq: ${cseq} PUBLISH
      Event: presence
      Expires: ${opts.expires}
${opts.ifMatch ? '      SIP-If-Match: [$etag]\n' : ''}${opts.auth ? '      [authentication]\n' : ''}      Max-Forwards: 70
      User-Agent: SIPp
${opts.body ? '      Content-Type: application/pidf+xml\n' : ''}      Content-Length: [len]

${opts.body ?? ''}
    ]]>
  </send>`;

const pidf = (activity: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:[user]@[domain]">
<tuple id="sipp"><status><basic>open</basic></status></tuple>
<dm:person id="p"><rpid:activities>${activity}</rpid:activities></dm:person>
</presence>`;

const etagOf = `
  <recv response="200">
    <action><ereg regexp="[A-Za-z0-9_.!%*+~-]+" search_in="hdr" header="SIP-ETag:" check_it="true" assign_to="etag"/></action>
  </recv>`;

/** The publisher: initial (open), modify (on the phone), refresh (no body), remove (Expires 0). */
const PUBLISH = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="publish">
  ${publish(1, { auth: false, ifMatch: false, expires: 600, body: pidf('') })}
  <recv response="401" auth="true"/>
  ${publish(2, { auth: true, ifMatch: false, expires: 600, body: pidf('') })}
  ${etagOf}
  <pause/>
  ${publish(3, { auth: false, ifMatch: true, expires: 600, body: pidf('<rpid:on-the-phone/>') })}
  <recv response="401" auth="true"/>
  ${publish(4, { auth: true, ifMatch: true, expires: 600, body: pidf('<rpid:on-the-phone/>') })}
  ${etagOf}
  <pause/>
  ${publish(5, { auth: false, ifMatch: true, expires: 600 })}
  <recv response="401" auth="true"/>
  ${publish(6, { auth: true, ifMatch: true, expires: 600 })}
  ${etagOf}
  ${publish(7, { auth: false, ifMatch: true, expires: 0 })}
  <recv response="401" auth="true"/>
  ${publish(8, { auth: true, ifMatch: true, expires: 0 })}
  <recv response="200"/>
</scenario>`;

/** A dialog watcher: the full document, then Bob's leg trying, early, confirmed and terminated (partial). */
const WATCH_DIALOG = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="watch-dialog">
  ${subscribe(1, 600, false, false)}
  <recv response="401" auth="true"/>
  ${subscribe(2, 600, true, false)}
  <recv response="200" rrs="true"/>
  ${notify('d0', 'state=.full.')}
  ${notify('d5', '<state>trying</state>')}
  ${notify('d1', '<state>early</state>')}
  ${notify('d2', '<state>confirmed</state>')}
  ${notify('d3', '<state>terminated</state>')}
  ${subscribe(3, 0, false, true)}
  <recv response="401" auth="true"/>
  ${subscribe(4, 0, true, true)}
  <recv response="200"/>
  ${notify('d4', 'Subscription-State: terminated', 'msg')}
  <Reference variables="d0,d1,d2,d3,d4,d5"/>
</scenario>`;

let work = '';

function sipp(args: readonly string[], timeoutMs = 30_000): Promise<SippRun> {
  return runSipp(args, { cwd: work, timeoutMs });
}

async function untilOr(
  run: Promise<SippRun>,
  file: string,
  what: string,
  check: () => boolean,
): Promise<void> {
  try {
    await until(what, check);
  } catch (error) {
    const done = await Promise.race([run, new Promise<undefined>((r) => setTimeout(r, 3000, undefined))]);
    throw new Error(
      `${String(error)}\n${done?.output ?? 'still running'}\n${existsSync(file) ? readFileSync(file, 'utf8') : 'no log'}`,
    );
  }
}

const keys = (pairs: Record<string, string | number>) =>
  Object.entries(pairs).flatMap(([k, v]) => ['-key', k, String(v)]);

/** One SIP request with digest, over UDP, for the set-up steps (a fetch that asks the owner). */
async function fetchOnce(port: number, user: string, password: string, owner: string): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const local = socket.address().port;
  const uri = `sip:${owner}@${DOMAIN}`;
  const send = (cseq: number, auth: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer')), 5000);
      socket.removeAllListeners('message');
      socket.on('message', (data) => {
        const text = data.toString('utf8');
        if (!text.startsWith('SIP/2.0')) return;
        clearTimeout(timer);
        resolve(text);
      });
      const lines = [
        `SUBSCRIBE ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK${Math.random().toString(36).slice(2)};rport`,
        `From: <sip:${user}@${DOMAIN}>;tag=f${cseq}`,
        `To: <${uri}>`,
        `Call-ID: fetch-${user}@127.0.0.1`,
        `CSeq: ${cseq} SUBSCRIBE`,
        `Contact: <sip:${user}@127.0.0.1:${local}>`,
        'Event: presence',
        'Expires: 0',
        ...(auth ? [auth] : []),
        'Content-Length: 0',
      ];
      socket.send(`${lines.join('\r\n')}\r\n\r\n`, port, '127.0.0.1');
    });
  try {
    const challenge = await send(1, '');
    const nonce = /WWW-Authenticate: Digest .*nonce="([^"]+)".*algorithm=MD5/i.exec(challenge)?.[1] ?? '';
    const ha1 = digestHa1('MD5', user, DOMAIN, password);
    const response = digestResponse({
      algorithm: 'MD5',
      ha1,
      method: 'SUBSCRIBE',
      uri,
      nonce,
      qop: 'auth',
      nc: '00000001',
      cnonce: 'c',
    });
    const answer = await send(
      2,
      `Authorization: Digest username="${user}", realm="${DOMAIN}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c"`,
    );
    return Number(/^SIP\/2\.0 (\d{3})/.exec(answer)?.[1]);
  } finally {
    socket.close();
  }
}

describe('SIP SIMPLE with SIPp (RFC 6665, 3856, 3903, 4235)', { skip }, () => {
  let herald: TestServer;
  let target = '';

  /** The watcher asks (a SIP fetch raises the roster request), the owner approves on XMPP. */
  async function approve(watcher: string, watcherPassword: string, owner: string, ownerPassword: string) {
    assert.equal(await fetchOnce(herald.ports['sip-udp'] ?? 0, watcher, watcherPassword, owner), 200);
    const client = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username: owner,
      password: ownerPassword,
      resource: 'approve',
    });
    const inbox = new Inbox(client);
    try {
      await client.send(xml('presence', {}));
      await inbox.take(
        (s) =>
          s.name === 'presence' && s.attrs.type === 'subscribe' && s.attrs.from === `${watcher}@${DOMAIN}`,
        'the request',
      );
      await client.send(xml('presence', { to: `${watcher}@${DOMAIN}`, type: 'subscribed' }));
      await client.send(xml('presence', { type: 'unavailable' }));
    } finally {
      await client.stop().catch(() => {});
    }
  }

  before(async () => {
    allowSelfSigned();
    work = mkdtempSync(join(tmpdir(), 'herald-sipp-simple-'));
    writeFileSync(join(work, 'watch-presence.xml'), WATCH_PRESENCE);
    writeFileSync(join(work, 'publish.xml'), PUBLISH);
    writeFileSync(join(work, 'watch-dialog.xml'), WATCH_DIALOG);
    herald = await startTestServer({
      raw: {
        modules: {
          'sip-registrar': { md5OnlyUserAgents: ['sipsak', 'SIPp'] },
          'sip-events': { pendingRecheckMs: 200 },
        },
      },
    });
    target = `127.0.0.1:${herald.ports['sip-udp']}`;
    for (const username of ['swatch', 'sowner'])
      await herald.server.accounts.addUser(systemPrincipal('test'), {
        username,
        password: `pw-${username}-secret`,
      });
  });
  after(async () => {
    stopSipps();
    await herald.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('SIPp watcher follows a SIPp publisher: initial, modify, refresh, remove; then unsubscribes', async () => {
    await approve('swatch', 'pw-swatch-secret', 'sowner', 'pw-sowner-secret');
    const messages = join(work, 'watch.log');
    const watcher = sipp([
      target,
      '-sf',
      join(work, 'watch-presence.xml'),
      '-s',
      'sowner',
      '-p',
      String(await freePort()),
      '-au',
      'swatch',
      '-ap',
      'pw-swatch-secret',
      '-auth_uri',
      `sowner@${DOMAIN}`,
      '-message_file',
      messages,
      ...keys({ user: 'swatch', domain: DOMAIN, event: 'presence', accept: 'application/pidf+xml' }),
    ]);
    // The publisher starts once the watcher holds an active subscription (its first NOTIFY).
    await untilOr(
      watcher,
      messages,
      'the first NOTIFY',
      () => existsSync(messages) && /Subscription-State: active/.test(readFileSync(messages, 'utf8')),
    );
    const publisher = await sipp([
      target,
      '-sf',
      join(work, 'publish.xml'),
      '-p',
      String(await freePort()),
      '-d',
      '300',
      '-au',
      'sowner',
      '-ap',
      'pw-sowner-secret',
      '-auth_uri',
      `sowner@${DOMAIN}`,
      ...keys({ user: 'sowner', domain: DOMAIN }),
    ]);
    assert.equal(publisher.code, 0, publisher.output);
    const watched = await watcher;
    assert.equal(watched.code, 0, `${watched.output}\n${readFileSync(messages, 'utf8').slice(-3000)}`);
    const log = readFileSync(messages, 'utf8');
    assert.match(log, /Content-Type: application\/pidf\+xml/i);
    assert.match(log, /<rpid:on-the-phone\/>|<rpid:busy\/>/);
  });

  it('a SIPp dialog watcher sees Bob’s call through the proxy: trying, early, confirmed, terminated', async () => {
    await approve('swatch', 'pw-swatch-secret', 'bob', DEMO_PASSWORD);
    const messages = join(work, 'dialog.log');
    const watcher = sipp([
      target,
      '-sf',
      join(work, 'watch-dialog.xml'),
      '-s',
      'bob',
      '-p',
      String(await freePort()),
      '-au',
      'swatch',
      '-ap',
      'pw-swatch-secret',
      '-auth_uri',
      `bob@${DOMAIN}`,
      '-message_file',
      messages,
      ...keys({ user: 'swatch', domain: DOMAIN, event: 'dialog', accept: 'application/dialog-info+xml' }),
    ]);
    await untilOr(
      watcher,
      messages,
      'the first NOTIFY',
      () => existsSync(messages) && /state="full"|state='full'/.test(readFileSync(messages, 'utf8')),
    );
    const bobPort = await freePort();
    const uas = sipp([
      '-sf',
      join(SHARED, 'uas.xml'),
      '-p',
      String(bobPort),
      '-mp',
      String(await freePort()),
      '-d',
      '300',
      ...keys({ user: 'bob' }),
    ]);
    const registered = await sipp([
      target,
      '-sf',
      join(SHARED, 'register.xml'),
      '-p',
      String(await freePort()),
      '-au',
      'bob',
      '-ap',
      DEMO_PASSWORD,
      '-auth_uri',
      DOMAIN,
      ...keys({ user: 'bob', domain: DOMAIN, contact_port: bobPort, expires: 300 }),
    ]);
    assert.equal(registered.code, 0, registered.output);
    const caller = await sipp([
      target,
      '-sf',
      join(SHARED, 'uac.xml'),
      '-s',
      'bob',
      '-p',
      String(await freePort()),
      '-mp',
      String(await freePort()),
      '-au',
      'alice',
      '-ap',
      DEMO_PASSWORD,
      '-auth_uri',
      `bob@${DOMAIN}`,
      '-d',
      '500',
      ...keys({ user: 'alice', domain: DOMAIN }),
    ]);
    assert.equal(caller.code, 0, caller.output);
    assert.equal((await uas).code, 0);
    const watched = await watcher;
    assert.equal(watched.code, 0, `${watched.output}\n${readFileSync(messages, 'utf8').slice(-3000)}`);
    const log = readFileSync(messages, 'utf8');
    assert.match(log, /Content-Type: application\/dialog-info\+xml/i);
    assert.match(log, /state=.partial./);
    assert.match(log, /direction=.recipient./);
  });
});
