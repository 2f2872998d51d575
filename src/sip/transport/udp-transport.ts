/**
 * RFC 3261 §18 over UDP: one datagram carries one message (§18.1.1, §18.3), a response goes where the top
 * Via says (§18.2.2, RFC 3581 §4) and from the socket the request came in on; each source address gets a
 * token bucket, and what exceeds it is dropped.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18 · https://www.rfc-editor.org/rfc/rfc3581#section-4
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/log.js';
import { ownString } from '../../kernel/own-string.js';
import { type ParseLimits, parseMessage, type SipMessage } from '../wire/index.js';
import { DatagramArena } from './datagram-arena.js';
import { responseDestination } from './rfc3261-response-destination.js';
import { plainAddress } from './rfc3581-received-rport.js';
import type { ConnectResult, Flow, FlowAddress, FlowId, FlowTarget } from './sip-transport.js';
import { TokenBucketLimiter, type TokenBucketOptions } from './token-bucket-limiter.js';
import type { TransportDriver, TransportHub } from './transport-hub.js';

/** The largest UDP payload over IPv4 (65,535 minus the IP and UDP headers). */
const MAX_DATAGRAM = 65_507;

export interface UdpTransportOptions {
  readonly hub: TransportHub;
  readonly clock: Clock;
  readonly log: Logger;
  readonly limits: ParseLimits;
  /** Per source address (not port: one host, one budget). */
  readonly rate: TokenBucketOptions;
  /**
   * SO_RCVBUF asked for the socket (0: the system's default). A burst of answers — 500 200 OKs to
   * a presence fan-out's NOTIFYs — arrives while the event loop is busy; what the buffer cannot
   * hold the kernel drops, and the peers retransmit (RFC 3261 §17.1.2.2). Linux caps it at
   * net.core.rmem_max.
   */
  readonly receiveBufferBytes?: number;
}

/** `udp_<address>_<port>`, with IPv6 colons as dashes so that the id stays a SIP token. */
export function udpFlowId(remote: FlowAddress): FlowId {
  return `udp_${remote.address.replaceAll(':', '-')}_${remote.port}` as FlowId;
}

function parseUdpFlowId(id: string): FlowAddress | undefined {
  const match = /^udp_([0-9A-Fa-f.-]+)_([0-9]{1,5})$/.exec(id);
  const address = match?.[1]?.replaceAll('-', ':');
  const port = Number(match?.[2]);
  return address && isIP(address) && port > 0 && port < 65_536 ? { address, port } : undefined;
}

/** Only CR and LF: keep-alives some phones send over UDP too (RFC 5626 §4.4.1 defines them for streams). */
const isKeepalive = (datagram: Buffer): boolean => datagram.every((b) => b === 0x0d || b === 0x0a);

class UdpFlow implements Flow {
  readonly transport = 'udp' as const;
  readonly isReliable = false;
  readonly isSecure = false;
  readonly #owner: UdpTransport;
  /** Made when first asked (one flow per datagram; most are never asked their id). */
  #id: FlowId | undefined;

  constructor(
    owner: UdpTransport,
    readonly remote: FlowAddress,
  ) {
    this.#owner = owner;
  }

  get id(): FlowId {
    if (this.#id === undefined) this.#id = ownString(udpFlowId(this.remote)) as FlowId;
    return this.#id;
  }

  get local(): FlowAddress {
    return this.#owner.local;
  }

  get isOpen(): boolean {
    return this.#owner.isOpen;
  }

  send(message: SipMessage): boolean {
    return this.#owner.send(this, message);
  }

  close(): void {}
}

export class UdpTransport implements TransportDriver {
  readonly transport = 'udp' as const;
  readonly #socket: Socket;
  readonly #options: UdpTransportOptions;
  readonly #limiter: TokenBucketLimiter;
  readonly #isIPv6: boolean;
  #lastFlow: UdpFlow | undefined;
  readonly #arena = new DatagramArena();
  #isOpen = true;
  #local: FlowAddress = { address: '0.0.0.0', port: 0 };

  private constructor(socket: Socket, isIPv6: boolean, options: UdpTransportOptions) {
    this.#socket = socket;
    this.#isIPv6 = isIPv6;
    this.#options = options;
    this.#limiter = new TokenBucketLimiter(options.rate);
    socket.on('message', (datagram, rinfo) => this.#received(datagram, rinfo.address, rinfo.port));
    // A socket error (an ICMP report on some systems) is logged, never thrown at the process.
    socket.on('error', (error) => options.log.warn({ err: error }, 'SIP UDP socket error'));
  }

  /** Binds a socket (udp6 when `host` is an IPv6 address) and starts receiving. */
  static async listen(
    options: UdpTransportOptions,
    at: { port: number; host: string },
  ): Promise<UdpTransport> {
    const isIPv6 = isIP(at.host) === 6;
    const socket = createSocket({ type: isIPv6 ? 'udp6' : 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      const refused = (error: Error) => {
        socket.close();
        reject(error);
      };
      socket.once('error', refused);
      socket.bind(at.port, at.host, () => {
        socket.removeListener('error', refused);
        resolve();
      });
    });
    if (options.receiveBufferBytes) {
      try {
        socket.setRecvBufferSize(options.receiveBufferBytes);
      } catch (error) {
        options.log.warn({ err: error }, 'SIP UDP receive buffer not set');
      }
      // Linux reports twice what it grants (the bookkeeping share) and grants at most rmem_max.
      const granted = socket.getRecvBufferSize();
      if (granted < options.receiveBufferBytes)
        options.log.info(
          { asked: options.receiveBufferBytes, granted },
          'SIP UDP receive buffer capped by the system (net.core.rmem_max)',
        );
    }
    const transport = new UdpTransport(socket, isIPv6, options);
    const address = socket.address();
    transport.#local = { address: plainAddress(address.address), port: address.port };
    options.hub.addDriver(transport);
    return transport;
  }

  get local(): FlowAddress {
    return this.#local;
  }

  /** The socket's SO_RCVBUF as the kernel reports it (Linux: twice what it grants). */
  get receiveBufferBytes(): number {
    return this.#socket.getRecvBufferSize();
  }

  get isOpen(): boolean {
    return this.#isOpen;
  }

  /**
   * The flow to `remote`. UDP flows are values (the same remote always gives the same id), so the
   * last one made is given again for the same remote: one source sending many datagrams in a row
   * (a phone's REGISTER and SUBSCRIBEs, a gateway) gives what keeps them — bindings,
   * subscriptions — one flow and one address string instead of a copy each.
   */
  flowTo(remote: FlowAddress): Flow {
    const address = plainAddress(remote.address);
    const last = this.#lastFlow;
    if (last !== undefined && last.remote.port === remote.port && last.remote.address === address)
      return last;
    const flow = new UdpFlow(this, { address, port: remote.port });
    this.#lastFlow = flow;
    return flow;
  }

  flowById(id: string): Flow | undefined {
    const remote = this.#isOpen ? parseUdpFlowId(id) : undefined;
    return remote ? this.flowTo(remote) : undefined;
  }

  async connect(target: FlowTarget): Promise<ConnectResult> {
    const family = isIP(target.address);
    if (family === 0)
      return { ok: false, reason: 'not-an-address', detail: `${target.address} is not an IP` };
    if (family === 6 && !this.#isIPv6)
      return { ok: false, reason: 'no-listener', detail: 'no IPv6 UDP socket' };
    if (!this.#isOpen) return { ok: false, reason: 'no-listener', detail: 'the UDP socket is closed' };
    return { ok: true, flow: this.flowTo(target) };
  }

  send(flow: Flow, message: SipMessage): boolean {
    const fail = (detail: string): false => {
      this.#options.hub.sendFailed(flow, detail);
      return false;
    };
    if (!this.#isOpen) return fail('the UDP socket is closed');
    const bytes = this.#arena.encode(message);
    // §18.1.1 sends large requests over a congestion-controlled transport; choosing it is the caller's.
    if (bytes.length > MAX_DATAGRAM) {
      this.#arena.sent(bytes);
      return fail(`${bytes.length} bytes do not fit in a datagram`);
    }
    const to = message.kind === 'response' ? responseDestination(message, flow.remote) : flow.remote;
    // A udp6 socket reaches IPv4 peers through their IPv4-mapped address.
    const address = this.#isIPv6 && isIP(to.address) === 4 ? `::ffff:${to.address}` : to.address;
    try {
      this.#socket.send(bytes, to.port, address, (error) => {
        this.#arena.sent(bytes);
        if (error) this.#options.hub.sendFailed(flow, error.message);
      });
    } catch (error) {
      // Thrown before the send began (a closed socket, a bad port): no callback will come.
      this.#arena.sent(bytes);
      return fail(error instanceof Error ? error.message : String(error));
    }
    return true;
  }

  close(): Promise<void> {
    if (!this.#isOpen) return Promise.resolve();
    this.#isOpen = false;
    this.#options.hub.removeDriver(this);
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #received(datagram: Buffer, fromAddress: string, fromPort: number): void {
    const { hub, clock, limits, log } = this.#options;
    const address = plainAddress(fromAddress);
    if (!this.#limiter.take(address, clock.now())) {
      hub.metrics.drop('udp', 'rate-limited');
      return;
    }
    if (isKeepalive(datagram)) return; // COMPAT(phones behind NAT): CRLF pinholes over UDP; no answer is due.
    try {
      // §18.3: on UDP the datagram is the message; Content-Length, if present, bounds the body.
      const result = parseMessage(datagram, { transport: 'datagram', limits });
      hub.accept(result, this.flowTo({ address, port: fromPort }));
    } catch (error) {
      log.error({ err: error, from: address }, 'SIP UDP datagram handling failed');
    }
  }
}
