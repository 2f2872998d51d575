/**
 * SIP registrar and MESSAGE with real peers: sipsak REGISTERs with digest auth (RFC 3261 §10,
 * §22) and un-REGISTERs; a MESSAGE to an offline user is 202 and reaches the UA when it
 * registers (RFC 3428 §7); a wrong password and another user's AoR are refused.
 * Alice, Bob and Carol are SIP UAs: sipsak, or a small UDP UA written here.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import xml from '@xmpp/xml';
import { systemPrincipal } from '../../src/core/identity/principal.js';
import { digestHa1, digestResponse } from '../../src/core/identity/sip-digest.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, Inbox, isMessage, xmppJs } from '../support/xmpp-clients.js';

const run = promisify(execFile);
const hasSipsak = spawnSync('which', ['sipsak']).status === 0;
const skipSipsak = hasSipsak || process.env.CI === 'true' ? false : 'sipsak is not installed';
const DOMAIN = 'localhost';

interface Reply {
  readonly status: number;
  readonly text: string;
}

/** A minimal UDP user agent: sends requests (answering digest challenges) and takes MESSAGEs. */
class UdpUa {
  readonly received: string[] = [];
  #socket: Socket = createSocket('udp4');
  #waiting = new Map<string, (reply: Reply) => void>();
  #cseq = 1;
  port = 0;

  constructor(
    readonly user: string,
    readonly password: string,
    readonly server: number,
  ) {}

  async start(): Promise<void> {
    this.#socket.on('message', (data) => this.#onMessage(data.toString('utf8')));
    await new Promise<void>((resolve) => this.#socket.bind(0, '127.0.0.1', resolve));
    this.port = this.#socket.address().port;
  }

  close(): void {
    this.#socket.close();
  }

  async send(method: string, uri: string, extra: string[] = [], body = ''): Promise<Reply> {
    const callId = `${method}-${Math.random().toString(36).slice(2)}@127.0.0.1`;
    let auth: string[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const reply = await this.#exchange(method, uri, callId, [...extra, ...auth], body);
      const challenge = /^(WWW|Proxy)-Authenticate: (Digest .*algorithm=MD5.*)$/im.exec(reply.text);
      if ((reply.status !== 401 && reply.status !== 407) || !challenge) return reply;
      const nonce = /nonce="([^"]+)"/.exec(challenge[2] ?? '')?.[1] ?? '';
      const ha1 = digestHa1('MD5', this.user, DOMAIN, this.password);
      const response = digestResponse({
        algorithm: 'MD5',
        ha1,
        method,
        uri,
        nonce,
        qop: 'auth',
        nc: '00000001',
        cnonce: 'c1',
      });
      const header = challenge[1] === 'WWW' ? 'Authorization' : 'Proxy-Authorization';
      auth = [
        `${header}: Digest username="${this.user}", realm="${DOMAIN}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"`,
      ];
    }
    return this.#exchange(method, uri, callId, [...extra, ...auth], body);
  }

  register(expires: number): Promise<Reply> {
    return this.send('REGISTER', `sip:${DOMAIN}`, [
      `To: <sip:${this.user}@${DOMAIN}>`,
      `Contact: <sip:${this.user}@127.0.0.1:${this.port}>`,
      `Expires: ${expires}`,
    ]);
  }

  message(to: string, text: string): Promise<Reply> {
    return this.send(
      'MESSAGE',
      `sip:${to}@${DOMAIN}`,
      [`To: <sip:${to}@${DOMAIN}>`, 'Content-Type: text/plain'],
      text,
    );
  }

  async waitForMessage(text: string, timeoutMs = 5000): Promise<string> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const found = this.received.find((m) => m.includes(text));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${this.user} got no MESSAGE with ${text}`);
  }

  #exchange(method: string, uri: string, callId: string, extra: string[], body: string): Promise<Reply> {
    const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
    const lines = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${this.user}@${DOMAIN}>;tag=${this.user}`,
      ...(extra.some((h) => h.startsWith('To:')) ? [] : [`To: <${uri}>`]),
      `Call-ID: ${callId}`,
      `CSeq: ${this.#cseq++} ${method}`,
      ...extra,
      `Content-Length: ${Buffer.byteLength(body)}`,
    ];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 5000);
      this.#waiting.set(branch, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.#socket.send(`${lines.join('\r\n')}\r\n\r\n${body}`, this.server, '127.0.0.1');
    });
  }

  #onMessage(text: string): void {
    const status = /^SIP\/2\.0 (\d{3})/.exec(text);
    if (status) {
      if (Number(status[1]) < 200) return;
      const branch = /branch=([^;\s]+)/.exec(text)?.[1] ?? '';
      this.#waiting.get(branch)?.({ status: Number(status[1]), text });
      this.#waiting.delete(branch);
      return;
    }
    this.received.push(text);
    // Answer the request 200, echoing the headers a response copies (RFC 3261 §8.2.6.2).
    const copied = text.split('\r\n').filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
    this.#socket.send(
      `SIP/2.0 200 OK\r\n${copied.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`,
      this.server,
      '127.0.0.1',
    );
  }
}

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
    assert.equal((await herald.server.store.location.bindingsOf(user.id, Date.now())).length, 1);
    await run('sipsak', [...base, '-x', '0', ...auth], { encoding: 'utf8', timeout: 15_000 });
    assert.deepEqual(await herald.server.store.location.bindingsOf(user.id, Date.now()), []);
  });

  it('refuses a wrong password with a new challenge and another user’s AoR with 403', async () => {
    const mallory = new UdpUa('sipalice', 'not-her-password!', port);
    await mallory.start();
    try {
      assert.equal((await mallory.register(300)).status, 401);
      const bob = new UdpUa('sipbob', 'pw-sipbob-secret', port);
      await bob.start();
      const forged = await bob.send('REGISTER', `sip:${DOMAIN}`, [
        `To: <sip:sipalice@${DOMAIN}>`,
        `Contact: <sip:sipbob@127.0.0.1:${bob.port}>`,
      ]);
      bob.close();
      assert.equal(forged.status, 403);
    } finally {
      mallory.close();
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
        xml('message', { to: 'sipcarol@localhost', type: 'chat', id: 'x1' }, xml('body', {}, 'from xmpp ☃')),
      );
      const received = await carol.waitForMessage('from xmpp ☃');
      assert.match(received, /From: <sip:dave@localhost>/);
      assert.match(received, /Content-Type: text\/plain/);
      assert.equal((await carol.message('dave', 'from sip')).status, 200);
      const stanza = await inbox.take(isMessage('from sip'), 'Carol’s MESSAGE at Dave’s client');
      assert.equal(stanza.attrs.from, 'sipcarol@localhost');
      assert.equal((await carol.register(0)).status, 200);
    } finally {
      carol.close();
      await dave.stop().catch(() => {});
    }
  });
});
