/**
 * RFC 3261 §18 — the SIP transport layer as the layers above see it: flows (RFC 5626 §3.1, one way to
 * reach a peer: a UDP 5-tuple, a TCP/TLS connection, a WebSocket), the messages received on them, and
 * new flows opened to a target.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18 · https://www.rfc-editor.org/rfc/rfc5626#section-3.1
 */
import { serviceKey } from '../../kernel/services.js';
import type { SipMessage } from '../wire/index.js';

/** The Via / URI transport of a flow, lower-cased (RFC 3261 §20.42, RFC 7118 §5.2 for ws and wss). */
export type TransportName = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/**
 * A flow's stable id: a SIP token (RFC 3261 §25.1), so it can be carried in a URI parameter (a flow
 * token). UDP flows are named by their remote address (`udp_192.0.2.1_5060`), connections by a fresh id.
 */
export type FlowId = string & { readonly __brand: 'FlowId' };

export interface FlowAddress {
  readonly address: string;
  /** 0 when the transport does not tell (a WebSocket's remote port behind the HTTP adapter). */
  readonly port: number;
}

/** One way to reach a peer. A flow is also what the transaction layer sends on (`TransactionTransport`). */
export interface Flow {
  readonly id: FlowId;
  readonly transport: TransportName;
  readonly remote: FlowAddress;
  readonly local: FlowAddress;
  /** TCP, TLS, WS, WSS: no retransmission timers above (RFC 3261 §17.1.1.2, §17.2.1). */
  readonly isReliable: boolean;
  /** TLS or WSS (or ws: from loopback when the module trusts it). */
  readonly isSecure: boolean;
  /** False once a connection has closed; a UDP flow is open while its listener is. */
  readonly isOpen: boolean;
  /**
   * Serializes and sends `message`. A request goes to `remote`; over UDP a response goes where its top
   * Via says (RFC 3261 §18.2.2, RFC 3581 §4). Returns false when nothing was sent (flow closed, message
   * larger than a datagram, write buffer full). Every failure, at once or found later by the socket, is
   * also a `sendFailed` event, emitted after the caller's stack unwinds.
   */
  send(message: SipMessage): boolean;
  /** Closes the connection (no-op for UDP); `flowClosed` follows. */
  close(): void;
}

export interface SipTransportEvents {
  /**
   * Every parsed request and response. Requests arrive with `received`/`rport` already set on their
   * top Via (RFC 3261 §18.2.1, RFC 3581 §4); responses are passed as they are.
   */
  messageReceived: (message: SipMessage, flow: Flow) => void;
  /** A connection ended: its flow is gone from `flows` (RFC 5626 §4.4: bindings over it fail). */
  flowClosed: (flow: Flow) => void;
  /** A message handed to `send` was not delivered (socket error, closed flow, ICMP for UDP). */
  sendFailed: (flow: Flow, detail: string) => void;
}

export type SipTransportEvent = keyof SipTransportEvents;

/** Where to open a flow. `address` is an IP address: name resolution (RFC 3263) is the caller's. */
export interface FlowTarget {
  readonly transport: TransportName;
  readonly address: string;
  readonly port: number;
  /** TLS: the name the certificate must match (RFC 5922 §7.1); default `address`. */
  readonly serverName?: string;
}

export type ConnectRefusal =
  /** ws / wss: browsers connect to us, never the other way. */
  | 'unsupported-transport'
  /** No listener runs for that transport (UDP needs its socket; TLS its certificate). */
  | 'no-listener'
  | 'not-an-address'
  | 'limit-reached'
  | 'connect-failed';

export type ConnectResult =
  | { readonly ok: true; readonly flow: Flow }
  | { readonly ok: false; readonly reason: ConnectRefusal; readonly detail: string };

export interface FlowLookup {
  /** The live flow with that id (connection flows vanish when they close). */
  get(id: string): Flow | undefined;
  /** Open connection flows (UDP flows are not counted: they are not kept). */
  readonly size: number;
}

/** What the layers above (transactions, registrar, proxy) use. Provided under `sipTransportKey`. */
export interface SipTransportLayer {
  /** Subscribes; returns the unsubscribe function. A throwing listener is logged, the others still run. */
  on<E extends SipTransportEvent>(event: E, listener: SipTransportEvents[E]): () => void;
  readonly flows: FlowLookup;
  /**
   * A flow to `target`: an open connection to the same remote is reused (RFC 3261 §18: connections are
   * kept open and shared), otherwise one is opened; for UDP the flow from the listening socket.
   */
  connect(target: FlowTarget): Promise<ConnectResult>;
}

export const sipTransportKey = serviceKey<SipTransportLayer>('sip.transport');
