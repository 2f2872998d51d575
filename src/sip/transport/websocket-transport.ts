/**
 * RFC 7118 — SIP over WebSocket: the `sip` subprotocol at /sip on the HTTP(S) listeners (§4), each
 * WebSocket message one SIP message (§5.1), flows of transport ws or wss (§5.2) that are reliable and
 * carry responses back on the connection the request came in on.
 * https://www.rfc-editor.org/rfc/rfc7118
 */
import { isUtf8 } from 'node:buffer';
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/log.js';
import type { WebSocketConnection, WebSocketEndpoint } from '../../kernel/web-socket-endpoints.js';
import { type ParseLimits, parseMessage, type SipMessage, serializeMessage } from '../wire/index.js';
import { plainAddress } from './rfc3581-received-rport.js';
import type { Flow, FlowAddress, FlowId } from './sip-transport.js';
import { TokenBucketLimiter } from './token-bucket-limiter.js';
import type { TransportHub } from './transport-hub.js';

export const SIP_WEBSOCKET_PATH = '/sip';
/** RFC 7118 §4.1: the WebSocket subprotocol name. */
export const SIP_WEBSOCKET_SUBPROTOCOL = 'sip';

export interface WebSocketTransportOptions {
  readonly hub: TransportHub;
  readonly clock: Clock;
  readonly log: Logger;
  readonly ids: { next(): string };
  readonly limits: ParseLimits;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  /** Per connection: a token bucket of this rate with twice as much burst. */
  readonly messagesPerSecond: number;
  /** ws: from 127.0.0.1 / ::1 counts as secure (the web client on http://localhost). */
  readonly trustLoopback: boolean;
  /** The HTTP(S) listener's address, which the kernel's connection does not carry. */
  readonly localAddress: (isSecure: boolean) => FlowAddress;
}

const isLoopback = (address: string): boolean => address === '::1' || address.startsWith('127.');

class WebSocketFlow implements Flow {
  readonly isReliable = true;
  readonly transport: 'ws' | 'wss';
  readonly isSecure: boolean;
  readonly remote: FlowAddress;
  readonly local: FlowAddress;
  readonly #connection: WebSocketConnection;
  readonly #options: WebSocketTransportOptions;
  readonly #limiter: TokenBucketLimiter;
  #isOpen = true;
  #idle: TimerHandle | null = null;

  constructor(
    connection: WebSocketConnection,
    readonly id: FlowId,
    options: WebSocketTransportOptions,
  ) {
    this.#connection = connection;
    this.#options = options;
    this.transport = connection.isSecure ? 'wss' : 'ws';
    // The kernel's connection does not tell the remote port: 0, and rport stays unfilled.
    this.remote = { address: plainAddress(connection.remoteAddress), port: 0 };
    this.local = options.localAddress(connection.isSecure);
    this.isSecure = connection.isSecure || (options.trustLoopback && isLoopback(this.remote.address));
    const rate = options.messagesPerSecond;
    this.#limiter = new TokenBucketLimiter({ ratePerSecond: rate, burst: 2 * rate, maxKeys: 1 });
    connection.onMessage((text) => this.#message(text));
    connection.onClose(() => this.#closed());
    this.#touch();
  }

  get isOpen(): boolean {
    return this.#isOpen;
  }

  send(message: SipMessage): boolean {
    if (!this.#isOpen) return this.#sendFailed('the WebSocket is closed');
    const bytes = serializeMessage(message);
    // §5.1: a message that is not UTF-8 goes in a binary frame, which the HTTP adapter cannot send yet.
    if (!isUtf8(bytes)) return this.#sendFailed('a non-UTF-8 message needs a binary WebSocket frame');
    this.#connection.send(bytes.toString('utf8'));
    this.#touch();
    return true;
  }

  /** 1000 (normal closure) by default; 1001 (going away) at shutdown (RFC 6455 §7.4.1). */
  close(code = 1000): void {
    if (this.#isOpen) this.#connection.close(code);
  }

  #sendFailed(detail: string): false {
    this.#options.hub.sendFailed(this, detail);
    return false;
  }

  #message(text: string): void {
    const { hub, clock, limits, log } = this.#options;
    this.#touch();
    if (!this.#limiter.take('', clock.now())) {
      hub.metrics.drop(this.transport, 'rate-limited');
      return;
    }
    // COMPAT(SIP.js, JsSIP): they send the RFC 5626 §4.4.1 CRLFCRLF ping over WebSocket too and await the pong.
    if (text === '\r\n\r\n') {
      this.#connection.send('\r\n');
      return;
    }
    if (text === '\r\n') return;
    try {
      // §5.1: the WebSocket message is the SIP message, so Content-Length is not needed to frame it.
      const result = parseMessage(Buffer.from(text, 'utf8'), { transport: 'datagram', limits });
      // Unlike a byte stream, a message that cannot be answered leaves the framing intact: dropped only.
      hub.accept(result, this);
    } catch (error) {
      log.error({ err: error, flow: this.id }, 'SIP WebSocket message handling failed');
      this.#connection.close(1011);
    }
  }

  #touch(): void {
    this.#idle?.cancel();
    if (!this.#isOpen) return;
    this.#idle = this.#options.clock.setTimeout(() => this.close(), this.#options.idleTimeoutMs);
  }

  #closed(): void {
    if (!this.#isOpen) return;
    this.#isOpen = false;
    this.#idle?.cancel();
    this.#options.hub.closed(this);
  }
}

/** Accepts the WebSockets of the /sip endpoint; `endpoint` is what the module adds to the kernel's registry. */
export class WebSocketTransport {
  readonly endpoint: WebSocketEndpoint;
  readonly #options: WebSocketTransportOptions;
  readonly #flows = new Set<WebSocketFlow>();
  #isOpen = true;

  constructor(options: WebSocketTransportOptions) {
    this.#options = options;
    this.endpoint = {
      path: SIP_WEBSOCKET_PATH,
      subprotocol: SIP_WEBSOCKET_SUBPROTOCOL,
      maxMessageBytes: options.limits.maxMessageSize,
      accept: (connection) => {
        this.accept(connection);
      },
    };
  }

  /** Open WebSocket flows. */
  get size(): number {
    return this.#flows.size;
  }

  accept(connection: WebSocketConnection): Flow | undefined {
    if (!this.#isOpen) {
      connection.close(1001, 'shutting down');
      return undefined;
    }
    if (this.#flows.size >= this.#options.maxConnections) {
      connection.close(1013, 'too many connections');
      return undefined;
    }
    const flow = new WebSocketFlow(connection, `ws_${this.#options.ids.next()}` as FlowId, this.#options);
    this.#flows.add(flow);
    connection.onClose(() => this.#flows.delete(flow));
    this.#options.hub.opened(flow);
    return flow;
  }

  /** Refuses new connections and closes the open ones (1001, going away). */
  close(): void {
    this.#isOpen = false;
    for (const flow of this.#flows) flow.close(1001);
  }
}
