/**
 * SCRAM-SHA-256 over STARTTLS and SCRAM-SHA-256-PLUS with tls-exporter (RFC 9266) over direct TLS,
 * driven by a raw TLS client with an RFC-written SCRAM client (the npm clients here cannot do -PLUS
 * over TCP): the server's mechanisms, XEP-0440 binding types, success with the server signature,
 * and a refused proof when the channel binding does not match (a man in the middle).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { TestScramClient } from '../../src/core/identity/fixtures/scram/scram-test-client.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { STREAM_HEADER, withTimeout } from '../support/xmpp-clients.js';

class Conversation {
  text = '';
  #waiters: (() => void)[] = [];
  constructor(public socket: Socket | TLSSocket) {
    this.listen(socket);
  }
  listen(socket: Socket | TLSSocket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.text += chunk;
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  send(text: string) {
    this.socket.write(text);
  }
  /** Waits for `pattern` after everything read so far is consumed up to its match. */
  async expect(pattern: RegExp): Promise<RegExpMatchArray> {
    return withTimeout(
      new Promise((resolve) => {
        const check = () => {
          const m = this.text.match(pattern);
          if (m && m.index !== undefined) {
            this.text = this.text.slice(m.index + m[0].length);
            resolve(m);
          } else this.#waiters.push(check);
        };
        check();
      }),
      5000,
      `waiting for ${pattern}; got ${this.text.slice(-300)}`,
    );
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

async function scram(c: Conversation, mechanism: string, client: TestScramClient, alter?: Buffer) {
  c.send(
    `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='${mechanism}'>${b64(client.clientFirst)}</auth>`,
  );
  const [, challenge = ''] = await c.expect(/<challenge[^>]*>([^<]*)<\/challenge>/);
  const final = client.respond(unb64(challenge), alter ? { cbindInput: alter } : {});
  c.send(`<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${b64(final.clientFinal)}</response>`);
  const outcome = await c.expect(/<success[^>]*>([^<]*)<\/success>|<failure[^>]*>(.*?)<\/failure>/);
  return { outcome, expected: final.expectedServerFinal };
}

/** A TLS 1.3 connection to the direct-TLS port (XEP-0368) with the stream opened and its features read. */
async function openDirectTls(port: number): Promise<{ tls: TLSSocket; c: Conversation; features: string }> {
  const tls = connectTls({
    port,
    host: '127.0.0.1',
    rejectUnauthorized: false,
    servername: 'localhost',
    ALPNProtocols: ['xmpp-client'],
    minVersion: 'TLSv1.3',
  });
  await new Promise((r) => tls.once('secureConnect', r));
  const c = new Conversation(tls);
  c.send(STREAM_HEADER);
  const [features = ''] = await c.expect(/<stream:features>.*?<\/stream:features>/);
  return { tls, c, features };
}

/** A SCRAM-SHA-256-PLUS client binding to tls-exporter data `binding`. */
const plusClient = (username: string, binding: Buffer) =>
  new TestScramClient({
    hash: 'SHA-256',
    wireUsername: username,
    password: DEMO_PASSWORD,
    clientNonce: randomBytes(18).toString('base64'),
    gs2Header: 'p=tls-exporter,,',
    channelBindingData: binding,
  });

describe('SCRAM-SHA-256 and -PLUS over TLS (RFC 5802, RFC 7677, RFC 9266, XEP-0440)', () => {
  let herald: TestServer;
  before(async () => {
    herald = await startTestServer();
  });
  after(() => herald.stop());

  it('SCRAM-SHA-256 after STARTTLS: the server proves it knows the password too', async () => {
    const tcp = connectTcp(herald.ports.xmpp ?? 0, '127.0.0.1');
    const c = new Conversation(tcp);
    c.send(STREAM_HEADER);
    await c.expect(/<starttls/);
    c.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    await c.expect(/<proceed/);
    const tls = connectTls({ socket: tcp, rejectUnauthorized: false, servername: 'localhost' });
    await new Promise((r) => tls.once('secureConnect', r));
    c.listen(tls);
    c.send(STREAM_HEADER);
    const [features = ''] = await c.expect(/<stream:features>.*?<\/stream:features>/);
    assert.match(features, /<mechanism>SCRAM-SHA-256<\/mechanism>/);
    const client = new TestScramClient({
      hash: 'SHA-256',
      wireUsername: 'alice',
      password: DEMO_PASSWORD,
      clientNonce: randomBytes(18).toString('base64'),
      gs2Header: 'n,,',
    });
    const { outcome, expected } = await scram(c, 'SCRAM-SHA-256', client);
    assert.equal(unb64(outcome[1] ?? ''), expected);
    tls.destroy();
  });

  it('SCRAM-SHA-256-PLUS over direct TLS 1.3 binds the login to the TLS channel', async () => {
    const { tls, c, features } = await openDirectTls(herald.ports.xmpps ?? 0);
    assert.match(features, /<mechanism>SCRAM-SHA-256-PLUS<\/mechanism>/);
    assert.match(features, /<channel-binding type='tls-exporter'\/>/);
    const binding = tls.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
    const client = plusClient('bob', binding);
    const { outcome, expected } = await scram(c, 'SCRAM-SHA-256-PLUS', client);
    assert.equal(unb64(outcome[1] ?? ''), expected);
    tls.destroy();
  });

  it('-PLUS with another channel’s binding (a man in the middle) is refused', async () => {
    const { tls, c } = await openDirectTls(herald.ports.xmpps ?? 0);
    const forged = randomBytes(32);
    const client = plusClient('bob', forged);
    const { outcome } = await scram(c, 'SCRAM-SHA-256-PLUS', client);
    assert.match(outcome[0], /<failure/);
    tls.destroy();
  });
});
