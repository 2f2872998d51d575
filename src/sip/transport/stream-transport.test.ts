import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadOrCreateTlsCredentials } from '../../infra/tls/tls-credentials.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { silentLogger } from '../../kernel/log.js';
import { createResponse, DEFAULT_PARSE_LIMITS, parseMessage, type SipRequest } from '../wire/index.js';
import { countOf, nextMessage, requestText, StreamPeer, testHub, within } from './fixtures/sip-test-peers.js';
import type { Flow } from './sip-transport.js';
import { StreamTransport, type StreamTransportOptions } from './stream-transport.js';
import type { TransportHub } from './transport-hub.js';
import type { TransportMetrics } from './transport-metrics.js';

const IDLE_MS = 60_000;

function options(
  hub: TransportHub,
  clock: FakeClock,
  transport: 'tcp' | 'tls' = 'tcp',
): StreamTransportOptions {
  return {
    transport,
    hub,
    clock,
    log: silentLogger(),
    ids: sequentialIdSource('conn'),
    limits: DEFAULT_PARSE_LIMITS,
    idleTimeoutMs: IDLE_MS,
    maxBytesPerSecond: 1_000_000,
    maxWriteBufferBytes: 1_000_000,
    maxConnections: 3,
    connectTimeoutMs: 2000,
  };
}

/** Answers every request 200 on its flow, as the transaction layer will. */
function answerAll(hub: TransportHub): void {
  hub.on('messageReceived', (message, flow) => {
    if (message.kind === 'request') flow.send(createResponse(message, 200));
  });
}

const sentBy = (peer: StreamPeer) => `127.0.0.1:${peer.localPort}`;
const responses = (text: string) => text.match(/^SIP\/2\.0 \d{3} [^\r]*/gm) ?? [];

describe('StreamTransport (TCP)', () => {
  const clock = new FakeClock();
  let hub: TransportHub;
  let metrics: TransportMetrics;
  let tcp: StreamTransport;
  before(async () => {
    ({ hub, metrics } = testHub());
    answerAll(hub);
    tcp = await StreamTransport.listen(options(hub, clock), { port: 0, host: '127.0.0.1' });
  });
  after(() => tcp.close());

  it('frames messages across chunks (RFC 3261 §18.3)', async () => {
    const alice = await StreamPeer.connect(tcp.port);
    const first = requestText({ transport: 'TCP', sentBy: sentBy(alice), callId: 'one' });
    const second = requestText({
      method: 'MESSAGE',
      transport: 'TCP',
      sentBy: sentBy(alice),
      callId: 'two',
      body: 'hello',
    });
    const cut = second.indexOf('Call-ID') + 3; // inside a header, then inside nothing the framer could guess
    const one = nextMessage(hub, 'the first message', 'one');
    alice.write(first + second.slice(0, cut));
    await one; // the server has read the first chunk: the second message is half in its buffer
    const two = nextMessage(hub, 'the second message', 'two');
    alice.write(second.slice(cut));
    const { message, flow } = await two;
    assert.equal(message.body.toString(), 'hello');
    assert.deepEqual([flow.transport, flow.isReliable, flow.isSecure], ['tcp', true, false]);
    assert.deepEqual(responses(await alice.until((r) => responses(r).length === 2, 'two 200s')), [
      'SIP/2.0 200 OK',
      'SIP/2.0 200 OK',
    ]);
    alice.end();
  });

  it('answers a CRLFCRLF ping with a CRLF pong (RFC 5626 §4.4.1)', async () => {
    const alice = await StreamPeer.connect(tcp.port);
    alice.write('\r\n\r\n');
    assert.equal(await alice.until((r) => r.length > 0, 'the pong'), '\r\n');
    alice.end();
  });

  it('answers a malformed but framed request 400 and keeps the connection', async () => {
    const alice = await StreamPeer.connect(tcp.port);
    alice.write(requestText({ transport: 'TCP', sentBy: sentBy(alice), maxForwards: 'x' }));
    alice.write(requestText({ transport: 'TCP', sentBy: sentBy(alice) }));
    const got = await alice.until((r) => responses(r).length === 2, 'the 400 and the 200');
    assert.deepEqual(responses(got), ['SIP/2.0 400 malformed Max-Forwards', 'SIP/2.0 200 OK']);
    alice.end();
  });

  it('closes only the connection that cannot be framed', async () => {
    const alice = await StreamPeer.connect(tcp.port);
    const bob = await StreamPeer.connect(tcp.port);
    const before = await countOf(metrics.dropped, { transport: 'tcp', reason: 'framing-error' });
    alice.write(requestText({ transport: 'TCP', sentBy: sentBy(alice), contentLength: null }));
    await alice.closed('the unframeable connection to close');
    assert.equal(alice.received, '', 'nothing is answered on a stream that lost its framing');
    assert.equal(await countOf(metrics.dropped, { transport: 'tcp', reason: 'framing-error' }), before + 1);
    bob.write(requestText({ transport: 'TCP', sentBy: sentBy(bob) }));
    assert.deepEqual(responses(await bob.until((r) => responses(r).length === 1, "bob's 200")), [
      'SIP/2.0 200 OK',
    ]);
    bob.end();
  });

  it('closes a connection whose bytes are not SIP at all', async () => {
    const alice = await StreamPeer.connect(tcp.port);
    alice.write('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
    await alice.closed();
  });

  it('reuses the flow: responses on it, lookups by id, connect() to its remote, and closed', async () => {
    const alice = await StreamPeer.connect(tcp.port);
    const received = nextMessage(hub, 'the REGISTER');
    alice.write(requestText({ method: 'REGISTER', transport: 'TCP', sentBy: sentBy(alice) }));
    const { flow, message } = await received;
    await alice.until((r) => responses(r).length === 1, 'the 200 to REGISTER');
    assert.equal(hub.flows.get(flow.id), flow);
    const reused = await hub.connect({ transport: 'tcp', address: '127.0.0.1', port: alice.localPort });
    assert.ok(reused.ok);
    assert.equal(reused.flow, flow, 'RFC 3261 §18: an open connection to the target is reused');
    // A request to the registered contact goes down the same connection (RFC 5626 style).
    assert.equal(flow.send({ ...(message as SipRequest), method: 'MESSAGE' }), true);
    await alice.until((r) => r.includes('MESSAGE sip:bob@'), 'the MESSAGE on the flow');
    const closed = within(new Promise<Flow>((resolve) => hub.on('flowClosed', resolve)), 'flowClosed');
    alice.end();
    assert.equal(await closed, flow);
    assert.equal(hub.flows.get(flow.id), undefined);
    assert.equal(flow.send(message), false, 'a closed flow sends nothing');
  });

  it('survives a peer that resets its connection', async () => {
    const alice = await StreamPeer.connect(tcp.port);
    const received = nextMessage(hub, 'the request before the reset');
    alice.write(requestText({ transport: 'TCP', sentBy: sentBy(alice) }));
    const { flow } = await received;
    const closed = within(new Promise<Flow>((resolve) => hub.on('flowClosed', resolve)), 'flowClosed');
    alice.socket.resetAndDestroy();
    assert.equal(await closed, flow);
  });

  it('closes a connection idle for the timeout, on the injected clock', async () => {
    const alice = await StreamPeer.connect(tcp.port);
    alice.write('\r\n\r\n');
    await alice.until((r) => r === '\r\n', 'the pong');
    clock.advance(IDLE_MS - 1);
    assert.equal(alice.socket.destroyed, false);
    clock.advance(1);
    await alice.closed('the idle timeout');
  });
});

describe('StreamTransport limits and outgoing connections', () => {
  it('refuses connections beyond maxConnections', async () => {
    const { hub } = testHub();
    const tcp = await StreamTransport.listen(
      { ...options(hub, new FakeClock()), maxConnections: 1 },
      { port: 0, host: '127.0.0.1' },
    );
    try {
      const opened = new Promise<void>((resolve) => {
        const off = hub.on('messageReceived', () => {
          off();
          resolve();
        });
      });
      const alice = await StreamPeer.connect(tcp.port);
      alice.write(requestText({ transport: 'TCP', sentBy: sentBy(alice) }));
      await within(opened, 'the first connection to work');
      const bob = await StreamPeer.connect(tcp.port);
      await bob.closed('the second connection to be refused');
      alice.end();
    } finally {
      await tcp.close();
    }
  });

  it('connects out, and the peer receives what the flow sends', async () => {
    const { hub } = testHub();
    const tcp = await StreamTransport.listen(options(hub, new FakeClock()), { port: 0, host: '127.0.0.1' });
    let accepted: Socket | undefined;
    const got = new Promise<string>((resolve) => {
      let text = '';
      const server = createServer((socket) => {
        accepted = socket;
        socket.on('data', (chunk) => {
          text += chunk.toString();
          if (text.endsWith('\r\n\r\n')) resolve(text);
        });
      });
      server.listen(0, '127.0.0.1', async () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        const result = await hub.connect({ transport: 'tcp', address: '127.0.0.1', port });
        assert.ok(result.ok);
        const parsed = parseMessage(Buffer.from(requestText({ transport: 'TCP', sentBy: '127.0.0.1' })), {
          transport: 'stream',
        });
        assert.ok(parsed.ok);
        result.flow.send(parsed.message);
        server.close();
      });
    });
    try {
      assert.match(
        await within(got, 'the request at the peer'),
        /^OPTIONS sip:bob@biloxi\.example\.com SIP\/2\.0\r\n/,
      );
      assert.deepEqual(await hub.connect({ transport: 'tcp', address: 'example.com', port: 5060 }), {
        ok: false,
        reason: 'not-an-address',
        detail: 'example.com is not an IP',
      });
    } finally {
      accepted?.destroy();
      await tcp.close();
    }
  });
});

describe('StreamTransport (TLS)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-sip-tls-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('carries SIP over TLS on a secure flow', async () => {
    const material = await loadOrCreateTlsCredentials({
      certFile: '',
      keyFile: '',
      dataDir,
      domain: 'localhost',
    });
    const { hub } = testHub();
    answerAll(hub);
    const tls = await StreamTransport.listen(
      {
        ...options(hub, new FakeClock(), 'tls'),
        tls: { cert: material.cert, key: material.key, verifyPeer: true },
      },
      { port: 0, host: '127.0.0.1' },
    );
    try {
      const alice = await StreamPeer.connect(tls.port, true);
      const received = nextMessage(hub, 'the request over TLS');
      alice.write(requestText({ transport: 'TLS', sentBy: sentBy(alice) }));
      const { flow } = await received;
      assert.deepEqual([flow.transport, flow.isSecure, flow.isReliable], ['tls', true, true]);
      assert.deepEqual(responses(await alice.until((r) => responses(r).length === 1, 'the 200')), [
        'SIP/2.0 200 OK',
      ]);
      alice.end();
    } finally {
      await tls.close();
    }
  });

  it('ends connections still in their handshake when it closes', async () => {
    const material = await loadOrCreateTlsCredentials({
      certFile: '',
      keyFile: '',
      dataDir,
      domain: 'localhost',
    });
    const { hub } = testHub();
    const tls = await StreamTransport.listen(
      {
        ...options(hub, new FakeClock(), 'tls'),
        tls: { cert: material.cert, key: material.key, verifyPeer: true },
      },
      { port: 0, host: '127.0.0.1' },
    );
    const silent = await StreamPeer.connect(tls.port); // plain TCP: never says ClientHello
    await within(tls.close(), 'close() despite a pending handshake');
    await silent.closed();
  });
});
