/**
 * The SIP transport layer (RFC 3261 §18): UDP, TCP, TLS and WebSocket (RFC 7118) flows with symmetric
 * response routing (RFC 3581) and CRLF keep-alives (RFC 5626 §4.4.1), below the transaction layer.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18
 */
export { type InboundAction, inboundAction } from './inbound-action.js';
export { responseDestination } from './rfc3261-response-destination.js';
export { plainAddress, stampTopVia } from './rfc3581-received-rport.js';
export type {
  ConnectRefusal,
  ConnectResult,
  Flow,
  FlowAddress,
  FlowId,
  FlowLookup,
  FlowTarget,
  SipTransportEvent,
  SipTransportEvents,
  SipTransportLayer,
  TransportName,
} from './sip-transport.js';
export { sipTransportKey } from './sip-transport.js';
export { SipTransportOptions, sipTransportModule } from './sip-transport-module.js';
export { StreamFlow, type StreamFlowOptions } from './stream-flow.js';
export { StreamTransport, type StreamTransportOptions } from './stream-transport.js';
export { TokenBucketLimiter, type TokenBucketOptions } from './token-bucket-limiter.js';
export { type TransportDriver, TransportHub, type TransportHubOptions } from './transport-hub.js';
export { type DropReason, TransportMetrics } from './transport-metrics.js';
export { UdpTransport, type UdpTransportOptions, udpFlowId } from './udp-transport.js';
export {
  SIP_WEBSOCKET_PATH,
  SIP_WEBSOCKET_SUBPROTOCOL,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from './websocket-transport.js';
