/**
 * SPEC M7 over SIP: with compliance.required and the sink unreachable, a SIP MESSAGE (RFC 3428) is
 * answered 503 and the recipient's XMPP client gets nothing; with the sink up it is 200 and the
 * webhook gets the message with protocol 'sip'.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { digestHa1, digestResponse } from '../../../src/core/identity/sip-digest.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../../support/test-server.js';
import { allowSelfSigned, isMessage, XmppCast } from '../../support/xmpp-clients.js';

allowSelfSigned();
const DOMAIN = 'localhost';

/** Sends one MESSAGE as `user` over UDP, answering one digest challenge; resolves to the final status. */
async function sipMessage(server: number, user: string, to: string, text: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  const uri = `sip:${to}@${DOMAIN}`;
  const callId = `c-${Math.random().toString(36).slice(2)}@127.0.0.1`;
  let cseq = 1;
  const exchange = (auth: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
      const timer = setTimeout(() => reject(new Error('no SIP answer')), 10_000);
      const onMessage = (data: Buffer) => {
        const reply = data.toString('utf8');
        if (!reply.includes(branch) || /^SIP\/2\.0 1\d\d/.test(reply)) return;
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve(reply);
      };
      socket.on('message', onMessage);
      const lines = [
        `MESSAGE ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:${user}@${DOMAIN}>;tag=${user}`,
        `To: <${uri}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq++} MESSAGE`,
        'Content-Type: text/plain',
        ...auth,
        `Content-Length: ${Buffer.byteLength(text)}`,
      ];
      socket.send(`${lines.join('\r\n')}\r\n\r\n${text}`, server, '127.0.0.1');
    });
  try {
    let reply = await exchange([]);
    const challenge = /^(WWW|Proxy)-Authenticate: (Digest .*)$/im.exec(reply);
    if (challenge) {
      const nonce = /nonce="([^"]+)"/.exec(challenge[2] ?? '')?.[1] ?? '';
      const ha1 = digestHa1('MD5', user, DOMAIN, DEMO_PASSWORD);
      const response = digestResponse({
        algorithm: 'MD5',
        ha1,
        method: 'MESSAGE',
        uri,
        nonce,
        qop: 'auth',
        nc: '00000001',
        cnonce: 'c1',
      });
      const header = challenge[1] === 'WWW' ? 'Authorization' : 'Proxy-Authorization';
      reply = await exchange([
        `${header}: Digest username="${user}", realm="${DOMAIN}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"`,
      ]);
    }
    return Number(/^SIP\/2\.0 (\d{3})/.exec(reply)?.[1]);
  } finally {
    socket.close();
  }
}

describe('SIP MESSAGE and the compliance policy (SPEC M7, RFC 3428)', () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  async function herald(url: string): Promise<{ herald: TestServer; cast: XmppCast }> {
    const started = await startTestServer({
      raw: { compliance: { sink: 'webhook', url, required: true, timeoutMs: 1000 } },
    });
    const cast = new XmppCast(() => started.ports.xmpp ?? 0);
    stops.push(
      () => started.stop(),
      () => cast.stopAll(),
    );
    return { herald: started, cast };
  }

  it('503 while the sink is unreachable; the recipient gets nothing', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { herald: server, cast } = await herald(`http://127.0.0.1:${port}/hook`);
    const bob = await cast.login('bob', 'phone');
    const status = await sipMessage(server.ports['sip-udp'] ?? 0, 'alice', 'bob', 'sip refused');
    assert.equal(status, 503);
    assert.equal(await bob.inbox.arrives(isMessage('sip refused'), 500), false);
  });

  it('200 with the sink up, and the webhook gets protocol sip', async () => {
    const bodies: Record<string, unknown>[] = [];
    const hook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => hook.close(() => resolve())));
    const { port } = hook.address() as AddressInfo;
    const { herald: server, cast } = await herald(`http://127.0.0.1:${port}/hook`);
    const bob = await cast.login('bob', 'phone');
    const status = await sipMessage(server.ports['sip-udp'] ?? 0, 'alice', 'bob', 'sip archived');
    assert.equal(status, 200);
    await bob.inbox.take(isMessage('sip archived'), 'bob gets the SIP message');
    assert.equal(bodies.length, 1);
    assert.equal(bodies[0]?.protocol, 'sip');
    assert.equal(bodies[0]?.sender, 'alice@localhost');
    assert.equal(bodies[0]?.body, 'sip archived');
    // The original SIP MESSAGE as it came, without the digest credentials.
    const original = String(bodies[0]?.original);
    assert.match(original, /^MESSAGE sip:bob@localhost SIP\/2\.0\r\n/);
    assert.match(original, /\r\n\r\nsip archived$/);
    assert.doesNotMatch(original, /Authorization|response=/i);
  });
});
