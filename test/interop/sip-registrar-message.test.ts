/**
 * SIP registrar and MESSAGE with real peers: sipsak REGISTERs with digest auth (RFC 3261 §10,
 * §22) and un-REGISTERs; a MESSAGE to an offline user is 202 and reaches the UA when it
 * registers (RFC 3428 §7); a wrong password and another user's AoR are refused.
 * Alice, Bob and Carol are SIP UAs: sipsak, or a small UDP UA written here.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import xml from '@xmpp/xml';
import { systemPrincipal } from '../../src/core/identity/principal.js';
import { UdpUa } from '../support/sip-udp-ua.js';
import { DEMO_PASSWORD, sipLocationOf, startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';
import { allowSelfSigned, Inbox, isMessage, xmppJs } from '../support/xmpp-clients.js';

const run = promisify(execFile);
const hasSipsak = spawnSync('which', ['sipsak']).status === 0;
const skipSipsak = hasSipsak || process.env.CI === 'true' ? false : 'sipsak is not installed';
const DOMAIN = 'localhost';

describe('SIP registrar and MESSAGE (RFC 3261 §10, RFC 3428)', () => {
  let herald: TestServer;
  let port = 0;
  before(async () => {
    allowSelfSigned();
    herald = await startTestServer();
    port = herald.ports['sip-udp'] ?? 0;
    for (const username of ['1003', 'sipalice', 'sipbob', 'sipcarol'])
      await herald.server.accounts.addUser(systemPrincipal('test'), {
        username,
        password: `pw-${username}-secret`,
      });
  });
  after(() => herald.stop());

  it('sipsak REGISTERs with digest auth, then un-REGISTERs', { skip: skipSipsak }, async () => {
    const base = [
      '-U',
      '-i',
      '-vv',
      '-s',
      `sip:1003@${DOMAIN}`,
      '-p',
      `127.0.0.1:${port}`,
      '-C',
      'sip:1003@127.0.0.1:5093',
    ];
    const auth = ['-a', 'pw-1003-secret', '-u', '1003', '-l', '5093'];
    const registered = await run('sipsak', [...base, '-x', '300', ...auth], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.match(registered.stdout, /authorizing/);
    assert.match(registered.stdout, /All usrloc tests completed successful/);
    const user = await herald.server.store.accounts.findUserByName('1003');
    assert.ok(user);
    const location = sipLocationOf(herald);
    assert.equal(location.liveOf(user.id, Date.now()).length, 1);
    // Written behind (ADR 0009): in the store once flushed, as a restart reads it back.
    await location.flush();
    assert.equal((await herald.server.store.location.bindingsOf(user.id, Date.now())).length, 1);
    await run('sipsak', [...base, '-x', '0', ...auth], { encoding: 'utf8', timeout: 15_000 });
    assert.deepEqual(location.liveOf(user.id, Date.now()), []);
    await location.flush();
    assert.deepEqual(await herald.server.store.location.bindingsOf(user.id, Date.now()), []);
  });

  it('refuses a wrong password with a new challenge and another user’s AoR with 403', async () => {
    const mallory = new UdpUa('sipalice', 'not-her-password!', port);
    await mallory.start();
    try {
      assert.equal((await mallory.register(300)).status, 401);
      const bob = new UdpUa('sipbob', 'pw-sipbob-secret', port);
      await bob.start();
      const forged = await bob.send('REGISTER', `sip:${DOMAIN}`, {}, [
        `To: <sip:sipalice@${DOMAIN}>`,
        `Contact: <sip:sipbob@127.0.0.1:${bob.port}>`,
      ]);
      bob.close();
      assert.equal(forged.status, 403);
    } finally {
      mallory.close();
    }
  });

  it('challenges statelessly: a retransmitted REGISTER gets a fresh nonce under the same To tag (§8.2.7)', async () => {
    const socket = createSocket('udp4');
    const replies: string[] = [];
    socket.on('message', (data) => replies.push(data.toString('utf8')));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const local = socket.address().port;
    const register = [
      `REGISTER sip:${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKstateless1;rport`,
      'Max-Forwards: 70',
      `From: <sip:sipbob@${DOMAIN}>;tag=retransmitted`,
      `To: <sip:sipbob@${DOMAIN}>`,
      'Call-ID: stateless-challenge@127.0.0.1',
      'CSeq: 1 REGISTER',
      `Contact: <sip:sipbob@127.0.0.1:${local}>`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    try {
      for (const expected of [1, 2]) {
        socket.send(register, port, '127.0.0.1');
        await until(`answer ${expected}`, () => replies.length >= expected, 5000);
      }
      const [first, second] = replies.map((text) => ({
        status: /^SIP\/2\.0 (\d{3})/.exec(text)?.[1],
        nonce: /nonce="([^"]+)"/.exec(text)?.[1],
        toTag: /^To: .*;tag=([^;\s]+)/im.exec(text)?.[1],
      }));
      assert.equal(first?.status, '401');
      assert.equal(second?.status, '401', 'answered anew, not the kept 401 resent');
      assert.ok(first?.nonce && second?.nonce && first.nonce !== second.nonce);
      // §8.2.6.2: a tag on every response but 100; §8.2.7: the same one for a retransmission.
      assert.ok(first?.toTag);
      assert.equal(second?.toTag, first.toTag);
      // And the registrar's 200 has a To tag too.
      const bob = new UdpUa('sipbob', 'pw-sipbob-secret', port);
      await bob.start();
      const ok = await bob.register(0);
      bob.close();
      assert.equal(ok.status, 200);
      assert.match(ok.text, /^To: <sip:sipbob@localhost>;tag=[0-9a-f]{16}\r$/m);
    } finally {
      socket.close();
    }
  });

  it('a MESSAGE to an unregistered user is 202, and reaches the UA when it registers', async () => {
    const alice = new UdpUa('sipalice', 'pw-sipalice-secret', port);
    const carol = new UdpUa('sipcarol', 'pw-sipcarol-secret', port);
    await alice.start();
    await carol.start();
    try {
      const stored = await alice.message('sipcarol', 'hello while away');
      assert.equal(stored.status, 202, stored.text);
      const registered = await carol.register(300);
      assert.equal(registered.status, 200);
      assert.match(
        registered.text,
        new RegExp(`Contact: <sip:sipcarol@127\\.0\\.0\\.1:${carol.port}>;expires=300`),
      );
      const delivered = await carol.waitForMessage('hello while away');
      assert.match(delivered, /^MESSAGE sip:sipcarol@127\.0\.0\.1/);
      assert.match(delivered, /From: <sip:sipalice@localhost>/);
      // Now online: the next one is 200 (delivered to the UA, which answered 2xx).
      assert.equal((await alice.message('sipcarol', 'now live')).status, 200);
      await carol.waitForMessage('now live');
      assert.equal((await alice.message('nobody', 'hi')).status, 404);
      assert.equal((await carol.register(0)).status, 200);
    } finally {
      alice.close();
      carol.close();
    }
  });

  it('a phone that names the server by its address (sip:user@127.0.0.1) registers and messages as with the domain', async () => {
    // Herald binds 127.0.0.1 here, so that address means the domain (sip-domain.ts), on Herald's ports.
    const alice = new UdpUa('sipalice', 'pw-sipalice-secret', port, '127.0.0.1');
    const carol = new UdpUa('sipcarol', 'pw-sipcarol-secret', port, '127.0.0.1');
    await alice.start();
    await carol.start();
    try {
      const registered = await carol.register(300);
      assert.equal(registered.status, 200, registered.text);
      const user = await herald.server.store.accounts.findUserByName('sipcarol');
      assert.ok(user);
      assert.equal(sipLocationOf(herald).liveOf(user.id, Date.now()).length, 1);
      const sent = await alice.message('sipcarol', 'addressed by IP');
      assert.equal(sent.status, 200, sent.text);
      const delivered = await carol.waitForMessage('addressed by IP');
      // Delivered in the domain's name: the sender is alice of the domain, whatever host she used.
      assert.match(delivered, /From: <sip:sipalice@localhost>/);
      // The same address on a port that is not Herald's is another server: not this domain.
      const elsewhere = await alice.send(
        'MESSAGE',
        'sip:sipcarol@127.0.0.1:9',
        {},
        ['Content-Type: text/plain'],
        'elsewhere',
      );
      assert.equal(elsewhere.status, 404, elsewhere.text);
      assert.equal((await carol.register(0)).status, 200);
    } finally {
      alice.close();
      carol.close();
    }
  });

  it('cross-protocol: Dave’s XMPP chat reaches Carol’s SIP UA, and her MESSAGE reaches his client', async () => {
    const dave = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username: 'dave',
      password: DEMO_PASSWORD,
      resource: 'desk',
    });
    const inbox = new Inbox(dave);
    const carol = new UdpUa('sipcarol', 'pw-sipcarol-secret', port);
    await carol.start();
    try {
      await dave.send(xml('presence', {}));
      assert.equal((await carol.register(300)).status, 200);
      await dave.send(
        xml(
          'message',
          { to: 'sipcarol@localhost', type: 'chat', id: 'x1' },
          xml('body', {}, 'from xmpp ☃'),
          xml('thread', {}, 'th-42'),
        ),
      );
      const received = await carol.waitForMessage('from xmpp ☃');
      assert.match(received, /From: <sip:dave@localhost>/);
      assert.match(received, /Content-Type: text\/plain/);
      // RFC 7572: the XMPP thread is the SIP Call-ID, both ways.
      assert.match(received, /^Call-ID: th-42\r?$/m);
      assert.equal(
        (
          await carol.send(
            'MESSAGE',
            'sip:dave@localhost',
            { callId: 'th-43' },
            ['Content-Type: text/plain'],
            'from sip',
          )
        ).status,
        200,
      );
      const stanza = await inbox.take(isMessage('from sip'), 'Carol’s MESSAGE at Dave’s client');
      assert.equal(stanza.attrs.from, 'sipcarol@localhost');
      assert.equal(stanza.getChildText('thread'), 'th-43');
      assert.equal((await carol.register(0)).status, 200);
    } finally {
      carol.close();
      await dave.stop().catch(() => {});
    }
  });
});
