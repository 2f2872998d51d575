/**
 * RFC 3261 §18 over TCP and TLS (§26.2.1: TLS 1.2 at least here): a listener whose connections become
 * flows, a bound on open connections, and outgoing connections for requests to a target no open
 * connection reaches.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18 · https://www.rfc-editor.org/rfc/rfc3261#section-26.2.1
 */
import {
  createServer as createTcpServer,
  isIP,
  type Server,
  type Socket,
  connect as tcpConnect,
} from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import type { IdSource } from '../../kernel/ids.js';
import type { TlsMaterial } from '../../kernel/tls-material.js';
import type { ConnectResult, FlowId, FlowTarget } from './sip-transport.js';
import { StreamFlow, type StreamFlowOptions } from './stream-flow.js';
import type { TransportDriver } from './transport-hub.js';

export interface StreamTransportOptions extends StreamFlowOptions {
  readonly transport: 'tcp' | 'tls';
  readonly ids: IdSource;
  /** Incoming and outgoing connections of this transport together. */
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  /** TLS: our certificate; `ca` and `verifyPeer` govern outgoing connections (RFC 5922 §7). */
  readonly tls?: TlsMaterial & { readonly ca?: string; readonly verifyPeer: boolean };
}

export class StreamTransport implements TransportDriver {
  readonly #server: Server;
  readonly #options: StreamTransportOptions;
  readonly #flows = new Set<StreamFlow>();
  /** Every accepted TCP socket, TLS handshakes still under way included, so that close() ends them all. */
  readonly #sockets = new Set<Socket>();
  #isOpen = true;

  private constructor(server: Server, options: StreamTransportOptions) {
    this.#server = server;
    this.#options = options;
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  get transport(): 'tcp' | 'tls' {
    return this.#options.transport;
  }

  static async listen(
    options: StreamTransportOptions,
    at: { port: number; host: string },
  ): Promise<StreamTransport> {
    let transport: StreamTransport | undefined;
    const accept = (socket: Socket): void => {
      if (transport) transport.#accept(socket);
      else socket.destroy();
    };
    const server = options.transport === 'tls' ? tlsServer(options, accept) : createTcpServer(accept);
    transport = new StreamTransport(server, options);
    server.maxConnections = options.maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    server.on('error', (error) =>
      options.log.warn({ err: error }, `SIP ${options.transport} listener error`),
    );
    options.hub.addDriver(transport);
    return transport;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Open connections of this transport. */
  get size(): number {
    return this.#flows.size;
  }

  async connect(target: FlowTarget): Promise<ConnectResult> {
    if (!this.#isOpen)
      return { ok: false, reason: 'no-listener', detail: `the ${this.transport} transport is closed` };
    if (isIP(target.address) === 0)
      return { ok: false, reason: 'not-an-address', detail: `${target.address} is not an IP` };
    if (this.#flows.size >= this.#options.maxConnections)
      return {
        ok: false,
        reason: 'limit-reached',
        detail: `${this.#flows.size} ${this.transport} connections open`,
      };
    const socket = this.#dial(target);
    const outcome = await this.#connected(socket);
    if (outcome !== true) {
      socket.destroy();
      return { ok: false, reason: 'connect-failed', detail: outcome };
    }
    if (!this.#isOpen) {
      socket.destroy();
      return { ok: false, reason: 'no-listener', detail: `the ${this.transport} transport is closed` };
    }
    return { ok: true, flow: this.#track(socket) };
  }

  /** Stops listening and drops every connection (each one's `flowClosed` follows). */
  async close(): Promise<void> {
    if (!this.#isOpen) return;
    this.#isOpen = false;
    this.#options.hub.removeDriver(this);
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const flow of this.#flows) flow.destroy();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #accept(socket: Socket): void {
    if (!this.#isOpen || this.#flows.size >= this.#options.maxConnections) {
      socket.destroy();
      return;
    }
    this.#track(socket);
  }

  #track(socket: Socket): StreamFlow {
    const id = `${this.transport}_${this.#options.ids.next()}` as FlowId;
    const flow = new StreamFlow(socket, this.transport, id, this.#options);
    this.#flows.add(flow);
    socket.once('close', () => this.#flows.delete(flow));
    return flow;
  }

  #dial(target: FlowTarget): Socket {
    const { tls } = this.#options;
    if (this.transport === 'tcp' || !tls) return tcpConnect({ host: target.address, port: target.port });
    const name = target.serverName;
    return tlsConnect({
      host: target.address,
      port: target.port,
      minVersion: 'TLSv1.2',
      // SNI carries names only (RFC 6066 §3); the certificate is checked against the name, or the address.
      ...(name !== undefined && isIP(name) === 0 ? { servername: name } : {}),
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      rejectUnauthorized: tls.verifyPeer,
    });
  }

  /** true once connected (TLS: handshake done), else why not. */
  #connected(socket: Socket): Promise<true | string> {
    const ready = this.transport === 'tls' ? 'secureConnect' : 'connect';
    return new Promise((resolve) => {
      const timer = this.#options.clock.setTimeout(
        () => resolve('connect timed out'),
        this.#options.connectTimeoutMs,
      );
      socket.once(ready, () => {
        timer.cancel();
        resolve(true);
      });
      // `on`, not `once`: a second error before the flow takes the socket over must not go uncaught.
      socket.on('error', (error) => {
        timer.cancel();
        resolve(error.message);
      });
    });
  }
}

function tlsServer(options: StreamTransportOptions, accept: (socket: Socket) => void): Server {
  const { tls } = options;
  if (!tls) throw new RangeError('a SIP TLS listener needs the TLS material');
  const server = createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, accept);
  // A failed handshake costs that socket only (Node destroys it); it is not worth more than a debug line.
  server.on('tlsClientError', (error) => options.log.debug({ err: error }, 'SIP TLS handshake failed'));
  return server;
}
