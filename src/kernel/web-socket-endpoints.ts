/**
 * WebSocket endpoints served on the HTTP(S) listeners — XMPP at /xmpp-websocket (RFC 7395), SIP
 * at /sip (RFC 7118). A protocol module adds an endpoint; the HTTP adapter serves it. This lives
 * in the kernel because it is plumbing both adapters need and neither may import the other.
 */
import { HeraldError } from './errors.js';
import { serviceKey } from './services.js';

/** One accepted WebSocket, as a protocol module sees it. */
export interface WebSocketConnection {
  /** The subprotocol agreed in the handshake (e.g. `xmpp`, `sip`). */
  readonly protocol: string;
  readonly remoteAddress: string;
  /** Whether it arrived over HTTPS (wss:). */
  readonly isSecure: boolean;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  onMessage(listener: (text: string) => void): void;
  onClose(listener: () => void): void;
}

export interface WebSocketEndpoint {
  readonly path: string;
  /** The subprotocol the endpoint requires (RFC 6455 §1.9); clients not offering it are refused. */
  readonly subprotocol: string;
  /** Largest message accepted, in bytes; the connection is closed (1009) beyond it. */
  readonly maxMessageBytes: number;
  accept(connection: WebSocketConnection): void;
}

export class WebSocketEndpoints {
  readonly #endpoints = new Map<string, WebSocketEndpoint>();

  add(endpoint: WebSocketEndpoint): void {
    if (this.#endpoints.has(endpoint.path))
      throw new HeraldError(
        'HERALD_ERR_MODULE',
        `WebSocket endpoint ${endpoint.path} is registered twice`,
        endpoint.path,
      );
    this.#endpoints.set(endpoint.path, endpoint);
  }

  remove(path: string): void {
    this.#endpoints.delete(path);
  }

  get all(): readonly WebSocketEndpoint[] {
    return [...this.#endpoints.values()];
  }
}

export const webSocketEndpointsKey = serviceKey<WebSocketEndpoints>('kernel.websocket-endpoints');
