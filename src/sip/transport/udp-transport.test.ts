import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { silentLogger } from '../../kernel/log.js';
import { createResponse, DEFAULT_PARSE_LIMITS, type SipRequest, topVia } from '../wire/index.js';
import { countOf, nextMessage, requestText, testHub, UdpPeer } from './fixtures/sip-test-peers.js';
import type { TransportHub } from './transport-hub.js';
import type { TransportMetrics } from './transport-metrics.js';
import { UdpTransport } from './udp-transport.js';

const firstLine = (text: string): string => text.split('\r\n')[0] ?? '';

async function start(rate = { ratePerSecond: 1000, burst: 1000, maxKeys: 100 }, clock = new FakeClock()) {
  const { hub, metrics } = testHub();
  const udp = await UdpTransport.listen(
    { hub, clock, log: silentLogger(), limits: { ...DEFAULT_PARSE_LIMITS, maxMessageSize: 1500 }, rate },
    { port: 0, host: '127.0.0.1' },
  );
  return { hub, metrics, udp, clock };
}

/** Answers every request 200 on the flow it came in on, as the layers above will. */
function answerAll(hub: TransportHub): void {
  hub.on('messageReceived', (message, flow) => {
    if (message.kind === 'request') flow.send(createResponse(message, 200));
  });
}

describe('UdpTransport', () => {
  let hub: TransportHub;
  let metrics: TransportMetrics;
  let udp: UdpTransport;
  let alice: UdpPeer;
  before(async () => {
    ({ hub, metrics, udp } = await start());
    answerAll(hub);
    alice = await UdpPeer.open();
  });
  after(async () => {
    await alice.close();
    await udp.close();
  });

  it('gives the same flow again for the same remote, a new one for another', () => {
    const a = udp.flowTo({ address: '192.0.2.7', port: 5060 });
    assert.equal(
      udp.flowTo({ address: '::ffff:192.0.2.7', port: 5060 }),
      a,
      'the mapped address is the same remote',
    );
    const b = udp.flowTo({ address: '192.0.2.7', port: 5062 });
    assert.notEqual(b, a);
    assert.equal(b.id, 'udp_192.0.2.7_5062');
    assert.equal(a.id, 'udp_192.0.2.7_5060');
  });

  it('sends many answers in one turn of the event loop intact (the datagram arena)', async () => {
    const count = 40;
    for (let i = 0; i < count; i++)
      await alice.send(
        requestText({ sentBy: `127.0.0.1:${alice.port}`, callId: `burst-${i}` }),
        udp.local.port,
      );
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const text = await alice.next(`answer ${i}`);
      assert.equal(firstLine(text), 'SIP/2.0 200 OK');
      seen.add(/Call-ID: (\S+)/.exec(text)?.[1] ?? '');
    }
    assert.equal(seen.size, count);
  });

  it('hands up one message per datagram and sends the response back on its flow', async () => {
    const received = nextMessage(hub);
    await alice.send(requestText({ sentBy: `127.0.0.1:${alice.port}` }), udp.local.port);
    const { message, flow } = await received;
    assert.equal(message.kind, 'request');
    assert.deepEqual(
      { transport: flow.transport, isReliable: flow.isReliable, remote: flow.remote, id: flow.id },
      {
        transport: 'udp',
        isReliable: false,
        remote: { address: '127.0.0.1', port: alice.port },
        id: `udp_127.0.0.1_${alice.port}`,
      },
    );
    assert.equal(firstLine(await alice.next('the 200')), 'SIP/2.0 200 OK');
  });

  it('answers a malformed datagram 400 with the reason, then still works', async () => {
    await alice.send(requestText({ sentBy: `127.0.0.1:${alice.port}`, maxForwards: 'x' }), udp.local.port);
    assert.equal(firstLine(await alice.next('the 400')), 'SIP/2.0 400 malformed Max-Forwards');
    await alice.send(requestText({ sentBy: `127.0.0.1:${alice.port}` }), udp.local.port);
    assert.equal(firstLine(await alice.next('the 200')), 'SIP/2.0 200 OK');
  });

  it('drops what cannot be answered, and never answers a response', async () => {
    const before = await countOf(metrics.dropped, { transport: 'udp', reason: 'malformed' });
    await alice.send('this is not SIP\r\n\r\n', udp.local.port);
    await alice.send('SIP/2.0 200 OK\r\nCSeq: nonsense\r\n\r\n', udp.local.port);
    await alice.send('\r\n\r\n', udp.local.port); // a keep-alive: not even counted
    await alice.send(requestText({ sentBy: `127.0.0.1:${alice.port}`, callId: 'sentinel' }), udp.local.port);
    const reply = await alice.next('the answer to the sentinel');
    assert.equal(firstLine(reply), 'SIP/2.0 200 OK', 'nothing was sent back for the three before');
    assert.match(reply, /Call-ID: sentinel/);
    assert.equal(await countOf(metrics.dropped, { transport: 'udp', reason: 'malformed' }), before + 2);
  });

  it('answers an oversized request 513', async () => {
    const big = requestText({ method: 'MESSAGE', sentBy: `127.0.0.1:${alice.port}`, body: 'x'.repeat(2000) });
    await alice.send(big, udp.local.port);
    assert.equal(firstLine(await alice.next('the 513')), 'SIP/2.0 513 Message Too Large');
  });

  it('stamps received and rport, and answers to them (RFC 3581 §4)', async () => {
    const received = nextMessage(hub);
    // Alice believes she is 192.0.2.1:5999 (a NAT rewrote her source): only rport brings the answer back.
    await alice.send(requestText({ sentBy: '192.0.2.1:5999', rport: true }), udp.local.port);
    const via = topVia((await received).message);
    assert.deepEqual([via.received, via.rport], ['127.0.0.1', alice.port]);
    const via200 = `Via: SIP/2.0/UDP 192.0.2.1:5999;branch=z9hG4bK776asdhds;rport=${alice.port};received=127.0.0.1`;
    assert.ok((await alice.next('the 200')).includes(`\r\n${via200}\r\n`), 'answered to 127.0.0.1:rport');
  });

  it('without rport answers to the sent-by port (§18.2.2)', async () => {
    const bob = await UdpPeer.open();
    try {
      // Alice sends, but her Via names Bob's port: the response goes there, not to her source port.
      await alice.send(requestText({ sentBy: `127.0.0.1:${bob.port}` }), udp.local.port);
      assert.equal(firstLine(await bob.next('the 200 at the sent-by port')), 'SIP/2.0 200 OK');
    } finally {
      await bob.close();
    }
  });

  it('finds a flow by id while the socket lives, for requests to a registered contact', async () => {
    const received = nextMessage(hub);
    await alice.send(requestText({ method: 'REGISTER', sentBy: `127.0.0.1:${alice.port}` }), udp.local.port);
    const { flow } = await received;
    await alice.next('the 200 to REGISTER');
    const later = hub.flows.get(flow.id);
    assert.ok(later);
    const { message } = await received;
    const request: SipRequest = { ...(message as SipRequest), method: 'MESSAGE' };
    assert.equal(later.send(request), true);
    assert.match(firstLine(await alice.next('the MESSAGE on the flow')), /^MESSAGE sip:bob@/);
    assert.equal(hub.flows.get('udp_not-an-address_1'), undefined);
  });
});

describe('UdpTransport rate limit', () => {
  it('drops what a source sends beyond its bucket and counts it', async () => {
    const clock = new FakeClock();
    const { hub, metrics, udp } = await start({ ratePerSecond: 1, burst: 3, maxKeys: 100 }, clock);
    const flooder = await UdpPeer.open();
    const other = await UdpPeer.open('127.0.0.2'); // another host, so another bucket
    const delivered: string[] = [];
    hub.on('messageReceived', (message) => delivered.push(message.headers.get('Call-ID') ?? ''));
    const send = (peer: UdpPeer, callId: string) =>
      peer.send(requestText({ sentBy: `pc33.atlanta.example.com:${peer.port}`, callId }), udp.local.port);
    try {
      for (const n of [1, 2, 3, 4, 5]) await send(flooder, `c${n}`);
      // Another host has its own bucket; once its message is in, the flood sent before it was read.
      const sentinel = nextMessage(hub, 'the other source', 'other');
      await send(other, 'other');
      await sentinel;
      clock.advance(1000); // one token back for the flooder
      const refilled = nextMessage(hub, 'the message after the refill', 'c6');
      await send(flooder, 'c6');
      await refilled;
      assert.deepEqual(delivered, ['c1', 'c2', 'c3', 'other', 'c6']);
      assert.equal(await countOf(metrics.dropped, { transport: 'udp', reason: 'rate-limited' }), 2);
    } finally {
      await flooder.close();
      await other.close();
      await udp.close();
    }
  });
});

describe('UdpTransport receive buffer', () => {
  it('asks the kernel for the configured SO_RCVBUF, within what the system allows', async () => {
    const { hub } = testHub();
    const listen = (receiveBufferBytes: number) =>
      UdpTransport.listen(
        {
          hub,
          clock: new FakeClock(),
          log: silentLogger(),
          limits: DEFAULT_PARSE_LIMITS,
          rate: { ratePerSecond: 10, burst: 10, maxKeys: 10 },
          receiveBufferBytes,
        },
        { port: 0, host: '127.0.0.1' },
      );
    const small = await listen(4096);
    const larger = await listen(131_072);
    try {
      // Linux grants at least a minimum and reports twice the grant; the larger ask gets more.
      assert.ok(larger.receiveBufferBytes > small.receiveBufferBytes);
    } finally {
      small.close();
      larger.close();
    }
  });
});
