/**
 * XMPP over TCP (RFC 6120 §3): a plain socket that may upgrade with STARTTLS (§5), or a direct
 * TLS socket (XEP-0368). Reading is throttled per connection (a byte budget per second, as
 * Prosody's limits do) and an idle connection is closed.
 */
import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { XmppTransport } from './xmpp-transport.js';

export interface TcpTransportOptions {
  readonly secureContext: SecureContext | null;
  readonly idleTimeoutMs: number;
  /** Bytes a connection may send per second before reading pauses. */
  readonly maxBytesPerSecond: number;
}

export class TcpTransport implements XmppTransport {
  readonly remoteAddress: string;
  readonly #raw: Socket;
  #socket: Socket;
  readonly #o: TcpTransportOptions;
  #dataListener: ((data: Uint8Array) => void) | null = null;
  #closeListeners: (() => void)[] = [];
  #isClosed = false;
  #windowStart = 0;
  #windowBytes = 0;
  #resumeTimer: NodeJS.Timeout | null = null;

  constructor(socket: Socket, options: TcpTransportOptions) {
    this.#raw = socket;
    this.#socket = socket;
    this.#o = options;
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    this.#watch(socket);
    socket.on('close', () => this.#closed());
  }

  get kind(): 'tcp' | 'tls' {
    return this.#socket instanceof TLSSocket ? 'tls' : 'tcp';
  }

  get isSecure(): boolean {
    return this.#socket instanceof TLSSocket && this.#socket.encrypted;
  }

  get canStartTls(): boolean {
    return this.#o.secureContext !== null && !(this.#socket instanceof TLSSocket);
  }

  write(text: string): void {
    if (!this.#isClosed && this.#socket.writable) this.#socket.write(text);
  }

  startTls(): Promise<void> {
    const { secureContext } = this.#o;
    if (!secureContext || this.#socket instanceof TLSSocket)
      return Promise.reject(new Error('TLS not possible'));
    const raw = this.#socket;
    raw.pause(); // nothing read until the TLS socket owns the stream
    if (this.#dataListener) raw.removeListener('data', this.#dataListener);
    const secure = new TLSSocket(raw, { isServer: true, secureContext });
    this.#socket = secure;
    this.#watch(secure);
    return new Promise((resolve, reject) => {
      secure.once('secure', () => resolve());
      secure.once('error', reject);
    });
  }

  /** RFC 9266: tls-exporter, defined for TLS 1.3 only. */
  channelBinding(): { type: string; data: Buffer } | null {
    const socket = this.#socket;
    if (!(socket instanceof TLSSocket) || socket.getProtocol() !== 'TLSv1.3') return null;
    return {
      type: 'tls-exporter',
      data: socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0)),
    };
  }

  close(): void {
    if (this.#isClosed) return;
    this.#socket.end();
    // A peer that does not close its side within 2 s is cut off.
    setTimeout(() => this.#raw.destroy(), 2000).unref();
  }

  onData(listener: (data: string | Uint8Array) => void): void {
    this.#dataListener = (data) => this.#throttled(data, listener);
    this.#socket.on('data', this.#dataListener);
  }

  onClose(listener: () => void): void {
    this.#closeListeners.push(listener);
  }

  #watch(socket: Socket): void {
    socket.setTimeout(this.#o.idleTimeoutMs, () => socket.destroy());
    // A reset or broken connection is the end of this stream only, never an uncaught error.
    socket.on('error', () => socket.destroy());
    if (this.#dataListener && socket !== this.#raw) socket.on('data', this.#dataListener);
  }

  #throttled(data: Uint8Array, listener: (data: Uint8Array) => void): void {
    const now = Date.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#windowBytes = 0;
    }
    this.#windowBytes += data.byteLength;
    listener(data);
    if (this.#windowBytes > this.#o.maxBytesPerSecond && !this.#resumeTimer) {
      this.#socket.pause();
      this.#resumeTimer = setTimeout(
        () => {
          this.#resumeTimer = null;
          if (!this.#isClosed) this.#socket.resume();
        },
        1000 - (now - this.#windowStart),
      );
      this.#resumeTimer.unref();
    }
  }

  #closed(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    if (this.#resumeTimer) clearTimeout(this.#resumeTimer);
    for (const listener of this.#closeListeners) listener();
  }
}
