/**
 * RFC 3261 §18.3 over one TCP or TLS connection: messages framed by Content-Length, CRLFCRLF keep-alive
 * pings answered with a CRLF pong (RFC 5626 §4.4.1), an idle timeout, a read budget per second and a
 * bounded write buffer. Whatever goes wrong closes this connection only.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18.3 · https://www.rfc-editor.org/rfc/rfc5626#section-4.4.1
 */
import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/log.js';
import {
  type FramerEvent,
  type ParseLimits,
  type SipMessage,
  StreamFramer,
  serializeMessage,
} from '../wire/index.js';
import { plainAddress } from './rfc3581-received-rport.js';
import type { Flow, FlowAddress, FlowId } from './sip-transport.js';
import type { TransportHub } from './transport-hub.js';

export interface StreamFlowOptions {
  readonly hub: TransportHub;
  readonly clock: Clock;
  readonly log: Logger;
  readonly limits: ParseLimits;
  /** RFC 3261 §18: connections are kept open "for some implementation-defined duration" after the last message. */
  readonly idleTimeoutMs: number;
  /** Bytes read per second before reading pauses for the rest of the second. */
  readonly maxBytesPerSecond: number;
  /** Unsent bytes beyond which a peer that does not read is cut off. */
  readonly maxWriteBufferBytes: number;
}

const PONG = Buffer.from('\r\n');
/** A peer that does not close its side after our FIN is cut off after this. */
const LINGER_MS = 2000;

export class StreamFlow implements Flow {
  readonly isReliable = true;
  readonly remote: FlowAddress;
  readonly local: FlowAddress;
  readonly #socket: Socket;
  readonly #options: StreamFlowOptions;
  readonly #framer: StreamFramer;
  #isOpen = true;
  #idle: TimerHandle | null = null;
  #resume: TimerHandle | null = null;
  #windowStart = 0;
  #windowBytes = 0;

  constructor(
    socket: Socket,
    readonly transport: 'tcp' | 'tls',
    readonly id: FlowId,
    options: StreamFlowOptions,
  ) {
    this.#socket = socket;
    this.#options = options;
    this.#framer = new StreamFramer(options.limits);
    this.remote = { address: plainAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    this.local = { address: plainAddress(socket.localAddress ?? ''), port: socket.localPort ?? 0 };
    socket.setNoDelay(true);
    // A reset or broken connection ends this flow only, never the process.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#closed());
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    this.#touch();
    options.hub.opened(this);
  }

  get isSecure(): boolean {
    return this.transport === 'tls';
  }

  get isOpen(): boolean {
    return this.#isOpen;
  }

  send(message: SipMessage): boolean {
    if (!this.#isOpen || !this.#socket.writable) return this.#sendFailed('the connection is closed');
    const bytes = serializeMessage(message);
    if (this.#socket.writableLength + bytes.length > this.#options.maxWriteBufferBytes) {
      this.#socket.destroy();
      return this.#sendFailed('the peer does not read: write buffer full');
    }
    this.#socket.write(bytes, (error) => {
      if (error) this.#options.hub.sendFailed(this, error.message);
    });
    this.#touch();
    return true;
  }

  close(): void {
    if (!this.#isOpen) return;
    this.#socket.end();
    this.#options.clock.setTimeout(() => this.#socket.destroy(), LINGER_MS);
  }

  /** Drops the connection at once (shutdown, or a peer that broke the protocol). */
  destroy(): void {
    this.#socket.destroy();
  }

  #sendFailed(detail: string): false {
    this.#options.hub.sendFailed(this, detail);
    return false;
  }

  #data(chunk: Buffer): void {
    this.#touch();
    try {
      for (const event of this.#framer.push(chunk)) {
        if (!this.#isOpen || !this.#handle(event)) break;
      }
    } catch (error) {
      this.#options.log.error({ err: error, flow: this.id }, 'SIP stream handling failed');
      this.#socket.destroy();
    }
    this.#throttle(chunk.length);
  }

  /** false when the connection was closed because of the event. */
  #handle(event: FramerEvent): boolean {
    const { hub } = this.#options;
    switch (event.kind) {
      case 'message': {
        // §18.3: a framed message that is refused leaves the framing intact: answered, the connection
        // stays; one that cannot even be answered says the peer is not speaking SIP, so it goes.
        const action = hub.accept(event.result, this);
        if (action.kind !== 'drop') return true;
        this.#socket.destroy();
        return false;
      }
      case 'ping':
        // RFC 5626 §4.4.1: a CRLFCRLF ping is answered with a CRLF pong.
        if (this.#socket.writable) this.#socket.write(PONG);
        return true;
      case 'pong':
        return true;
      case 'framing-error':
        // The stream cannot be resynchronised (§18.3): the connection is closed.
        hub.metrics.drop(this.transport, event.tooLarge ? 'too-large' : 'framing-error');
        this.#options.log.debug({ flow: this.id, detail: event.detail }, 'closing an unframeable SIP stream');
        this.#socket.destroy();
        return false;
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  #touch(): void {
    this.#idle?.cancel();
    if (!this.#isOpen) return;
    this.#idle = this.#options.clock.setTimeout(() => this.#socket.destroy(), this.#options.idleTimeoutMs);
  }

  #throttle(bytes: number): void {
    const { clock, maxBytesPerSecond } = this.#options;
    const now = clock.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#windowBytes = 0;
    }
    this.#windowBytes += bytes;
    if (this.#windowBytes <= maxBytesPerSecond || this.#resume || !this.#isOpen) return;
    this.#socket.pause();
    this.#resume = clock.setTimeout(
      () => {
        this.#resume = null;
        if (this.#isOpen) this.#socket.resume();
      },
      Math.max(1, 1000 - (now - this.#windowStart)),
    );
  }

  #closed(): void {
    if (!this.#isOpen) return;
    this.#isOpen = false;
    this.#idle?.cancel();
    this.#resume?.cancel();
    this.#options.hub.closed(this);
  }
}
