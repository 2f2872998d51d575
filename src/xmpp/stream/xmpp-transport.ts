/** What a c2s stream needs from its connection, whatever carries it (TCP, TLS, WebSocket). */
export interface XmppTransport {
  readonly kind: 'tcp' | 'tls' | 'websocket';
  readonly remoteAddress: string;
  /** Whether the bytes are encrypted now (direct TLS, after STARTTLS, or wss:). */
  readonly isSecure: boolean;
  /** Whether STARTTLS can be offered (a plain TCP connection with a certificate). */
  readonly canStartTls: boolean;
  write(text: string): void;
  /** Upgrades to TLS (RFC 6120 §5.4.3.3) after `<proceed/>` has been written. */
  startTls(): Promise<void>;
  /** RFC 9266 tls-exporter data, when the connection is TLS 1.3. */
  channelBinding(): { type: string; data: Buffer } | null;
  close(): void;
  onData(listener: (data: string | Uint8Array) => void): void;
  onClose(listener: () => void): void;
}
