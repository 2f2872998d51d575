/**
 * SPEC M7 over SIP: with compliance.required and the sink unreachable, a SIP MESSAGE (RFC 3428) is
 * answered 503 and the recipient's XMPP client gets nothing; with the sink up it is 200 and the
 * webhook gets the message with protocol 'sip'.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { UdpUa } from '../../support/sip-udp-ua.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../../support/test-server.js';
import { allowSelfSigned, isMessage, XmppCast } from '../../support/xmpp-clients.js';

allowSelfSigned();
/** Sends one MESSAGE as `user` over UDP, answering one digest challenge; resolves to the final status. */
async function sipMessage(server: number, user: string, to: string, text: string): Promise<number> {
  const ua = new UdpUa(user, DEMO_PASSWORD, server);
  await ua.start();
  try {
    return (await ua.message(to, text)).status;
  } finally {
    ua.close();
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
