/**
 * RFC 3261 §18 — the SIP transport module: UDP and TCP on sip.port, TLS on sip.tlsPort, WebSocket at /sip
 * on the HTTP(S) listeners (RFC 7118), all feeding one `SipTransportLayer` published as `sipTransportKey`.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18 · https://www.rfc-editor.org/rfc/rfc7118
 */
import { type Static, Type } from '@sinclair/typebox';
import { type Listeners, listenersKey } from '../../kernel/listeners.js';
import { defineModule, type ModuleContext } from '../../kernel/module.js';
import { tlsMaterialKey } from '../../kernel/tls-material.js';
import { webSocketEndpointsKey } from '../../kernel/web-socket-endpoints.js';
import type { ParseLimits } from '../wire/index.js';
import { sipTransportKey } from './sip-transport.js';
import { StreamTransport, type StreamTransportOptions } from './stream-transport.js';
import { TransportHub } from './transport-hub.js';
import { TransportMetrics } from './transport-metrics.js';
import { UdpTransport } from './udp-transport.js';
import { WebSocketTransport } from './websocket-transport.js';

const integer = (byDefault: number, minimum: number, maximum: number, description: string) =>
  Type.Integer({ default: byDefault, minimum, maximum, description });

export const SipTransportOptions = Type.Object({
  maxMessageBytes: integer(65_535, 1500, 1_048_576, 'largest SIP message (513 beyond it, RFC 3261 §21.5.7)'),
  maxHeaderCount: integer(256, 16, 4096, 'header lines per message'),
  maxBodyBytes: integer(60_000, 0, 1_048_576, 'largest message body'),
  udpMessagesPerSecond: integer(200, 1, 1_000_000, 'UDP messages per second from one source address'),
  udpBurst: integer(400, 1, 1_000_000, 'UDP messages one source address may send at once'),
  udpMaxSources: integer(100_000, 100, 10_000_000, 'source addresses whose UDP rate is tracked'),
  udpReceiveBufferBytes: integer(
    4 * 1024 * 1024,
    0,
    256 * 1024 * 1024,
    'SO_RCVBUF of the UDP socket (0: the system default; Linux caps it at net.core.rmem_max)',
  ),
  idleTimeoutSeconds: integer(
    600,
    10,
    86_400,
    'a TCP, TLS or WebSocket connection silent this long is closed',
  ),
  maxConnections: integer(10_000, 1, 1_000_000, 'open connections per transport (TCP, TLS, WebSocket)'),
  maxBytesPerSecond: integer(262_144, 1024, 1_073_741_824, 'bytes read per second per connection'),
  maxWriteBufferBytes: integer(1_048_576, 65_536, 268_435_456, 'unsent bytes before a connection is cut'),
  webSocketMessagesPerSecond: integer(100, 1, 100_000, 'SIP messages per second per WebSocket'),
  connectTimeoutSeconds: integer(10, 1, 120, 'outgoing TCP/TLS connection attempts'),
  verifyTlsPeers: Type.Boolean({
    default: true,
    description: 'check the certificate of servers we connect to',
  }),
  trustLoopbackWebSocket: Type.Boolean({
    default: true,
    description: 'treat ws: (not wss:) from 127.0.0.1/::1 as secure, for the web client on http://localhost',
  }),
});

export type SipTransportOptions = Static<typeof SipTransportOptions>;

type Context = ModuleContext<SipTransportOptions>;

/** What setup needs to build every transport. */
interface Parts {
  readonly ctx: Context;
  readonly hub: TransportHub;
  readonly listeners: Listeners;
  readonly limits: ParseLimits;
}

const isAddressInUse = (error: unknown): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';

function streamOptions({ ctx, hub, limits }: Parts, transport: 'tcp' | 'tls'): StreamTransportOptions {
  const o = ctx.options;
  const tls = transport === 'tls' ? ctx.use(tlsMaterialKey) : undefined;
  return {
    transport,
    hub,
    clock: ctx.clock,
    log: ctx.log,
    ids: ctx.ids,
    limits,
    idleTimeoutMs: o.idleTimeoutSeconds * 1000,
    maxBytesPerSecond: o.maxBytesPerSecond,
    maxWriteBufferBytes: o.maxWriteBufferBytes,
    maxConnections: o.maxConnections,
    connectTimeoutMs: o.connectTimeoutSeconds * 1000,
    ...(tls ? { tls: { cert: tls.cert, key: tls.key, verifyPeer: o.verifyTlsPeers } } : {}),
  };
}

/** A TCP or TLS listener on the configured port (undefined when configured off). */
async function listenStream(parts: Parts, transport: 'tcp' | 'tls', configured: number) {
  const port = parts.listeners.portFor(configured);
  if (port === undefined) return undefined;
  return StreamTransport.listen(streamOptions(parts, transport), { port, host: parts.ctx.config.bind });
}

/** Binds UDP on the TCP listener's port when ports are OS-chosen, so that one port serves both. */
async function listenUdp({ ctx, hub, listeners, limits }: Parts, tcpPort: number | undefined) {
  const port = listeners.portFor(ctx.config.sip.port);
  if (port === undefined) return undefined;
  const o = ctx.options;
  const rate = { ratePerSecond: o.udpMessagesPerSecond, burst: o.udpBurst, maxKeys: o.udpMaxSources };
  const options = {
    hub,
    clock: ctx.clock,
    log: ctx.log,
    limits,
    rate,
    receiveBufferBytes: o.udpReceiveBufferBytes,
  };
  const host = ctx.config.bind;
  if (port !== 0 || tcpPort === undefined) return UdpTransport.listen(options, { port, host });
  try {
    return await UdpTransport.listen(options, { port: tcpPort, host });
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    return UdpTransport.listen(options, { port: 0, host });
  }
}

function webSocketTransport({ ctx, hub, listeners, limits }: Parts): WebSocketTransport {
  const o = ctx.options;
  return new WebSocketTransport({
    hub,
    clock: ctx.clock,
    log: ctx.log,
    ids: ctx.ids,
    limits,
    idleTimeoutMs: o.idleTimeoutSeconds * 1000,
    maxConnections: o.maxConnections,
    messagesPerSecond: o.webSocketMessagesPerSecond,
    trustLoopback: o.trustLoopbackWebSocket,
    localAddress: (isSecure) => ({
      address: ctx.config.bind,
      port: listeners.ports[isSecure ? 'https' : 'http'] ?? 0,
    }),
  });
}

export const sipTransportModule = defineModule({
  name: 'sip-transport',
  description: 'SIP over UDP and TCP (sip.port), TLS (sip.tlsPort) and WebSocket at /sip (RFC 7118)',
  specs: ['RFC 3261', 'RFC 3581', 'RFC 5626', 'RFC 7118'],
  options: SipTransportOptions,
  async setup(ctx) {
    const listeners = ctx.use(listenersKey);
    const webSockets = ctx.use(webSocketEndpointsKey);
    const o = ctx.options;
    const limits = {
      maxMessageSize: o.maxMessageBytes,
      maxHeaderCount: o.maxHeaderCount,
      maxBodySize: o.maxBodyBytes,
    };
    const hub = new TransportHub({
      metrics: new TransportMetrics(ctx.metrics),
      onListenerError: (error, event) =>
        ctx.log.error({ err: error, event }, 'a SIP transport listener failed'),
    });
    const parts: Parts = { ctx, hub, listeners, limits };
    const webSocket = webSocketTransport(parts);
    const opened: { name: string; close(): Promise<void> }[] = [];
    let isServingWebSocket = false;
    const teardown = async () => {
      if (isServingWebSocket) webSockets.remove(webSocket.endpoint.path);
      webSocket.close();
      for (const { name, close } of opened.reverse()) {
        await close();
        listeners.closed(name);
      }
    };
    const record = (name: string, listener: { port: number; close(): Promise<void> } | undefined) => {
      if (!listener) return;
      opened.push({ name, close: () => listener.close() });
      listeners.bound(name, listener.port);
      ctx.log.info({ port: listener.port }, `listening for SIP (${name})`);
    };
    try {
      const tcp = await listenStream(parts, 'tcp', ctx.config.sip.port);
      record('sip-tcp', tcp);
      const udp = await listenUdp(parts, tcp?.port);
      record('sip-udp', udp && { port: udp.local.port, close: () => udp.close() });
      record('sip-tls', await listenStream(parts, 'tls', ctx.config.sip.tlsPort));
      webSockets.add(webSocket.endpoint);
      isServingWebSocket = true;
      ctx.provide(sipTransportKey, hub);
    } catch (error) {
      await teardown();
      throw error;
    }
    return teardown;
  },
});
