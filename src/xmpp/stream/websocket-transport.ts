/** XMPP over WebSocket (RFC 7395): one complete element per text message; TLS is the HTTPS listener's. */
import type { WebSocketConnection } from '../../kernel/web-socket-endpoints.js';
import type { XmppTransport } from './xmpp-transport.js';

export class WebSocketTransport implements XmppTransport {
  readonly kind = 'websocket' as const;
  readonly canStartTls = false;
  readonly #connection: WebSocketConnection;
  readonly #trustLoopback: boolean;

  /**
   * `trustLoopback`: a plain ws: connection from this machine counts as secure (nobody can read
   * loopback traffic), so the web client served on http://localhost works; elsewhere only wss: is.
   */
  constructor(connection: WebSocketConnection, options: { trustLoopback: boolean }) {
    this.#connection = connection;
    this.#trustLoopback = options.trustLoopback;
  }

  get remoteAddress(): string {
    return this.#connection.remoteAddress;
  }

  get isSecure(): boolean {
    return this.#connection.isSecure || (this.#trustLoopback && isLoopback(this.#connection.remoteAddress));
  }

  write(text: string): void {
    this.#connection.send(text);
  }

  startTls(): Promise<void> {
    return Promise.reject(new Error('RFC 7395 §3.6: no STARTTLS over WebSocket'));
  }

  channelBinding(): null {
    return null;
  }

  close(): void {
    this.#connection.close(1000);
  }

  onData(listener: (data: string) => void): void {
    this.#connection.onMessage(listener);
  }

  onClose(listener: () => void): void {
    this.#connection.onClose(listener);
  }
}

const isLoopback = (address: string): boolean =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
