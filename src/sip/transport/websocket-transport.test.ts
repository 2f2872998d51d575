import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { silentLogger } from '../../kernel/log.js';
import type { WebSocketConnection } from '../../kernel/web-socket-endpoints.js';
import { createResponse, DEFAULT_PARSE_LIMITS, type SipMessage, topVia } from '../wire/index.js';
import { countOf, requestText, testHub } from './fixtures/sip-test-peers.js';
import type { Flow } from './sip-transport.js';
import { WebSocketTransport, type WebSocketTransportOptions } from './websocket-transport.js';

/** A browser's WebSocket as the HTTP adapter hands it over: what the server sends is recorded. */
class FakeConnection implements WebSocketConnection {
  readonly protocol = 'sip';
  readonly sent: string[] = [];
  closedWith: number | undefined;
  #onMessage: (text: string) => void = () => {};
  #onClose: (() => void)[] = [];

  constructor(
    readonly remoteAddress = '192.0.2.44',
    readonly isSecure = true,
  ) {}

  send(text: string): void {
    this.sent.push(text);
  }
  close(code?: number): void {
    this.closedWith = code;
    for (const listener of this.#onClose) listener();
  }
  onMessage(listener: (text: string) => void): void {
    this.#onMessage = listener;
  }
  onClose(listener: () => void): void {
    this.#onClose.push(listener);
  }
  /** The browser sends a WebSocket message. */
  receive(text: string): void {
    this.#onMessage(text);
  }
}

const WS_REQUEST = requestText({
  transport: 'WS',
  sentBy: 'df7jal23ls0d.invalid',
  rport: true,
  contentLength: null,
});

function setup(overrides: Partial<WebSocketTransportOptions> = {}) {
  const { hub, metrics } = testHub();
  const clock = new FakeClock();
  const ws = new WebSocketTransport({
    hub,
    clock,
    log: silentLogger(),
    ids: sequentialIdSource('ws'),
    limits: DEFAULT_PARSE_LIMITS,
    idleTimeoutMs: 60_000,
    maxConnections: 10,
    messagesPerSecond: 100,
    trustLoopback: true,
    localAddress: () => ({ address: '0.0.0.0', port: 8443 }),
    ...overrides,
  });
  const received: { message: SipMessage; flow: Flow }[] = [];
  hub.on('messageReceived', (message, flow) => received.push({ message, flow }));
  return { hub, metrics, clock, ws, received };
}

describe('WebSocketTransport (RFC 7118)', () => {
  it('serves /sip with the sip subprotocol (§4.1)', () => {
    const { endpoint } = setup().ws;
    assert.deepEqual(
      [endpoint.path, endpoint.subprotocol, endpoint.maxMessageBytes],
      ['/sip', 'sip', 65_535],
    );
  });

  it('hands up one SIP message per WebSocket message, Content-Length optional (§5.1)', () => {
    const { ws, received } = setup();
    const browser = new FakeConnection();
    ws.endpoint.accept(browser);
    browser.receive(WS_REQUEST);
    assert.equal(received.length, 1);
    const [{ message, flow }] = received as [{ message: SipMessage; flow: Flow }];
    assert.deepEqual(
      [flow.transport, flow.isReliable, flow.isSecure, flow.remote, flow.local],
      ['wss', true, true, { address: '192.0.2.44', port: 0 }, { address: '0.0.0.0', port: 8443 }],
    );
    // sent-by is a made-up .invalid name: received tells where the browser really is (§18.2.1).
    assert.equal(topVia(message).received, '192.0.2.44');
    assert.equal(message.kind === 'request' && flow.send(createResponse(message, 200)), true);
    assert.match(browser.sent[0] ?? '', /^SIP\/2\.0 200 OK\r\nVia: SIP\/2\.0\/WS df7jal23ls0d\.invalid;/);
  });

  it('names ws: flows ws, and trusts them as secure from loopback only', () => {
    const { ws } = setup();
    const local = ws.accept(new FakeConnection('::ffff:127.0.0.1', false));
    const remote = ws.accept(new FakeConnection('192.0.2.44', false));
    assert.deepEqual([local?.transport, local?.isSecure], ['ws', true]);
    assert.deepEqual([remote?.transport, remote?.isSecure], ['ws', false]);
  });

  it('answers a malformed request 400 and drops an unanswerable message, keeping the connection', async () => {
    const { ws, metrics, received } = setup();
    const browser = new FakeConnection();
    ws.accept(browser);
    browser.receive(WS_REQUEST.replace('Max-Forwards: 70', 'Max-Forwards: x'));
    assert.match(browser.sent[0] ?? '', /^SIP\/2\.0 400 malformed Max-Forwards\r\n/);
    browser.receive('not SIP at all');
    assert.equal(browser.sent.length, 1);
    assert.equal(await countOf(metrics.dropped, { transport: 'wss', reason: 'malformed' }), 1);
    assert.equal(browser.closedWith, undefined);
    browser.receive(WS_REQUEST);
    assert.equal(received.length, 1);
  });

  it('answers the CRLFCRLF keep-alive SIP.js sends with CRLF', () => {
    const { ws, received } = setup();
    const browser = new FakeConnection();
    ws.accept(browser);
    browser.receive('\r\n\r\n');
    browser.receive('\r\n');
    assert.deepEqual(browser.sent, ['\r\n']);
    assert.equal(received.length, 0);
  });

  it('drops messages beyond the per-connection rate', async () => {
    const { ws, metrics, received } = setup({ messagesPerSecond: 1 });
    const browser = new FakeConnection();
    ws.accept(browser);
    for (let i = 0; i < 4; i++) browser.receive(WS_REQUEST);
    assert.equal(received.length, 2, 'the burst is twice the rate');
    assert.equal(await countOf(metrics.dropped, { transport: 'wss', reason: 'rate-limited' }), 2);
  });

  it('keeps the flow findable until the socket closes, then reports flowClosed', () => {
    const { ws, hub } = setup();
    const browser = new FakeConnection();
    const flow = ws.accept(browser);
    assert.ok(flow);
    assert.equal(hub.flows.get(flow.id), flow);
    const closed: Flow[] = [];
    hub.on('flowClosed', (f) => closed.push(f));
    browser.close(1000);
    assert.deepEqual(closed, [flow]);
    assert.equal(hub.flows.get(flow.id), undefined);
    assert.equal(flow.isOpen, false);
  });

  it('closes an idle connection, refuses beyond maxConnections, and goes away on close', () => {
    const { ws, clock } = setup({ maxConnections: 1 });
    const first = new FakeConnection();
    ws.accept(first);
    const second = new FakeConnection();
    assert.equal(ws.accept(second), undefined);
    assert.equal(second.closedWith, 1013);
    clock.advance(60_000);
    assert.equal(first.closedWith, 1000);
    const third = new FakeConnection();
    ws.accept(third);
    ws.close();
    assert.equal(third.closedWith, 1001);
    const late = new FakeConnection();
    ws.endpoint.accept(late);
    assert.equal(late.closedWith, 1001);
  });
});
