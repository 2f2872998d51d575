/**
 * Client connections: STARTTLS on xmpp.port (RFC 6120 §5), direct TLS on xmpp.tlsPort
 * (XEP-0368), and XMPP over WebSocket at /xmpp-websocket on the HTTP(S) listeners (RFC 7395).
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import { Type } from '@sinclair/typebox';
import { SaslAuthenticator } from '../../core/identity/sasl-authenticator.js';
import { authServiceKey, storeKey } from '../../core/service-keys.js';
import { listenersKey } from '../../kernel/listeners.js';
import { defineModule } from '../../kernel/module.js';
import { tlsMaterialKey } from '../../kernel/tls-material.js';
import { webSocketEndpointsKey } from '../../kernel/web-socket-endpoints.js';
import { Rfc6120StreamFraming, Rfc7395WebSocketFraming } from '../wire/index.js';
import { xmppHubKey } from '../xmpp-hub.js';
import { type C2sOptions, C2sStream } from './c2s-stream.js';
import { ResumableSessions } from './resumable-sessions.js';
import { TcpTransport } from './tcp-transport.js';
import { WebSocketTransport } from './websocket-transport.js';

export const c2sModule = defineModule({
  name: 'xmpp-c2s',
  description: 'XMPP client connections over TCP with STARTTLS, direct TLS and WebSocket',
  requires: ['xmpp-core'],
  specs: ['RFC 6120', 'RFC 7395', 'XEP-0368', 'RFC 5802', 'RFC 7677', 'RFC 4616'],
  options: Type.Object({
    requireTls: Type.Boolean({ default: true, description: 'refuse authentication before STARTTLS' }),
    maxStanzaBytes: Type.Integer({ default: 262_144, minimum: 10_000, maximum: 16_777_216 }),
    maxBytesPerSecond: Type.Integer({ default: 262_144, minimum: 1024, maximum: 1_073_741_824 }),
    idleTimeoutSeconds: Type.Integer({ default: 600, minimum: 30, maximum: 86_400 }),
    maxAuthFailures: Type.Integer({ default: 3, minimum: 2, maximum: 5 }),
    maxConnections: Type.Integer({ default: 20_000, minimum: 1, maximum: 1_000_000 }),
    resumeSeconds: Type.Integer({
      default: 300,
      minimum: 0,
      maximum: 3600,
      description: 'XEP-0198: how long a lost session waits for its client to resume it',
    }),
    maxUnackedStanzas: Type.Integer({ default: 1000, minimum: 10, maximum: 100_000 }),
    trustLoopbackWebSocket: Type.Boolean({
      default: true,
      description:
        'treat ws: (not wss:) from 127.0.0.1/::1 as secure, for the web client on http://localhost',
    }),
  }),
  async setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const tls = ctx.use(tlsMaterialKey);
    const listeners = ctx.use(listenersKey);
    const sasl = new SaslAuthenticator({
      store: ctx.use(storeKey),
      auth: ctx.use(authServiceKey),
      nonce: () => ctx.ids.randomBytes(18).toString('base64'),
    });
    const streams = new Set<C2sStream>();
    const resumable = new ResumableSessions(ctx.clock);
    const log = ctx.log;
    const options: C2sOptions = {
      hub,
      sasl,
      ids: ctx.ids,
      log,
      requireTls: ctx.options.requireTls,
      maxAuthFailures: ctx.options.maxAuthFailures,
      resumable,
      resumeSeconds: ctx.options.resumeSeconds,
      maxUnacked: ctx.options.maxUnackedStanzas,
    };
    const limits = { maxElementBytes: ctx.options.maxStanzaBytes };
    const secureContext = createSecureContext({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
    const connections = ctx.metrics.gauge('herald_xmpp_connections', 'open XMPP client connections', [
      'transport',
    ]);

    const track = (stream: C2sStream, transport: { kind: string; onClose(l: () => void): void }) => {
      streams.add(stream);
      connections.inc({ transport: transport.kind });
      transport.onClose(() => {
        streams.delete(stream);
        connections.dec({ transport: transport.kind });
      });
    };
    const acceptTcp = (socket: Socket) => {
      const transport = new TcpTransport(socket, {
        secureContext,
        idleTimeoutMs: ctx.options.idleTimeoutSeconds * 1000,
        maxBytesPerSecond: ctx.options.maxBytesPerSecond,
      });
      const stream = new C2sStream(transport, options);
      stream.attach(new Rfc6120StreamFraming(stream, { limits }));
      track(stream, transport);
    };

    const servers: { name: string; server: Server }[] = [];
    const open = async (name: string, configured: number, server: Server) => {
      const port = listeners.portFor(configured);
      if (port === undefined) return;
      server.maxConnections = ctx.options.maxConnections;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, ctx.config.bind, () => resolve());
      });
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      listeners.bound(name, bound);
      servers.push({ name, server });
      log.info({ port: bound }, `listening for XMPP clients (${name})`);
    };
    await open('xmpp', ctx.config.xmpp.port, createTcpServer({ pauseOnConnect: false }, acceptTcp));
    await open(
      'xmpps',
      ctx.config.xmpp.tlsPort,
      createTlsServer(
        { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', ALPNProtocols: ['xmpp-client'] },
        acceptTcp,
      ),
    );

    const webSockets = ctx.use(webSocketEndpointsKey);
    webSockets.add({
      path: '/xmpp-websocket',
      subprotocol: 'xmpp', // RFC 7395 §3.1
      maxMessageBytes: ctx.options.maxStanzaBytes,
      accept(connection) {
        const transport = new WebSocketTransport(connection, {
          trustLoopback: ctx.options.trustLoopbackWebSocket,
        });
        const stream = new C2sStream(transport, options);
        stream.attach(new Rfc7395WebSocketFraming(stream, { limits }));
        track(stream, transport);
      },
    });

    return async () => {
      webSockets.remove('/xmpp-websocket');
      for (const { name, server } of servers) {
        server.close();
        listeners.closed(name);
      }
      for (const stream of streams) stream.shutdown();
      resumable.finishAll();
    };
  },
});
