/**
 * RFC 3261 §18.3 — framing SIP messages on stream transports (TCP, TLS) by Content-Length, ignoring CRLF
 * before a start line (§7.5), and reporting RFC 5626 §4.4.1 keep-alives (CRLFCRLF ping, CRLF pong).
 * https://www.rfc-editor.org/rfc/rfc3261#section-18.3 · https://www.rfc-editor.org/rfc/rfc5626#section-4.4.1
 */
import { trimLws } from './rfc3261-chars.js';
import { parseMessage } from './rfc3261-message-parser.js';
import { parseContentLength } from './rfc3261-scalar-headers.js';
import { DEFAULT_PARSE_LIMITS, type MessageParseResult, type ParseLimits } from './sip-message.js';

export type FramerEvent =
  /** A framed message; the parse may still have refused it (the connection stays usable). */
  | { readonly kind: 'message'; readonly result: MessageParseResult }
  /** A double CRLF: the transport answers with a single CRLF (RFC 5626 §4.4.1). */
  | { readonly kind: 'ping' }
  /** A single CRLF between messages: a pong to our ping. */
  | { readonly kind: 'pong' }
  /** The stream cannot be framed any more: the transport closes the connection. */
  | { readonly kind: 'framing-error'; readonly detail: string; readonly tooLarge: boolean };

const CR = 0x0d;
const LF = 0x0a;
const CRLFCRLF = Buffer.from('\r\n\r\n');

type Framing = { ok: true; total: number } | { ok: false; detail: string; tooLarge: boolean };

/** Reads Content-Length (or its compact form "l") from a header section, unfolding continuation lines. */
function contentLengthOf(section: string): { ok: true; value: number } | { ok: false; detail: string } {
  const fields = section
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')
    .slice(1);
  const values = fields.flatMap((f) => {
    const match = /^(?:content-length|l)[ \t]*:(.*)$/i.exec(f);
    return match ? [trimLws(match[1] ?? '')] : [];
  });
  // §18.3: in stream transports the Content-Length header field MUST be used.
  if (values.length === 0) return { ok: false, detail: 'missing Content-Length on a stream' };
  if (new Set(values).size > 1) return { ok: false, detail: 'conflicting Content-Length headers' };
  const length = parseContentLength(values[0] ?? '');
  return length.ok ? { ok: true, value: length.value } : { ok: false, detail: length.error };
}

/**
 * Bytes received and not yet framed. Appends copy into a buffer that grows by doubling, so that a peer
 * sending one byte per segment costs linear time, not quadratic.
 */
class ReceiveBuffer {
  private store = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  get view(): Buffer {
    return this.store.subarray(this.start, this.end);
  }

  append(chunk: Buffer): void {
    if (this.end + chunk.length > this.store.length) {
      const live = this.view;
      const grown = Buffer.alloc(Math.max(4096, 2 * (live.length + chunk.length)));
      live.copy(grown);
      this.store = grown;
      this.start = 0;
      this.end = live.length;
    }
    chunk.copy(this.store, this.end);
    this.end += chunk.length;
  }

  /** Removes and returns (as a copy) the first `n` bytes. */
  take(n: number): Buffer {
    const taken = Buffer.from(this.store.subarray(this.start, this.start + n));
    this.skip(n);
    return taken;
  }

  skip(n: number): void {
    this.start += n;
    if (this.start === this.end) this.clear();
  }

  clear(): void {
    this.store = Buffer.alloc(0);
    this.start = 0;
    this.end = 0;
  }
}

/** Feeds chunks of one connection and gets complete messages out. One instance per connection. */
export class StreamFramer {
  private readonly buffer = new ReceiveBuffer();
  private failed = false;
  private lastChunkEndedWithLoneCrlf = false;
  /** Size of the message being received, once its header section was read. */
  private pendingTotal: number | undefined;
  /** How far the buffer was already searched for the end of the header section. */
  private scanned = 0;
  private readonly limits: ParseLimits;

  constructor(limits: Partial<ParseLimits> = {}) {
    this.limits = { ...DEFAULT_PARSE_LIMITS, ...limits };
  }

  get isFailed(): boolean {
    return this.failed;
  }

  get bufferedBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): FramerEvent[] {
    if (this.failed) return [];
    this.buffer.append(chunk);
    const events: FramerEvent[] = [];
    for (;;) {
      const event = this.next();
      if (event === undefined) break;
      events.push(event);
      if (event.kind === 'framing-error') break;
    }
    return events;
  }

  private next(): FramerEvent | undefined {
    if (this.pendingTotal === undefined) {
      const keepalive = this.takeKeepalive();
      if (keepalive === 'wait') return undefined;
      if (keepalive) return { kind: keepalive };
      if (this.buffer.length === 0) return undefined;
      this.lastChunkEndedWithLoneCrlf = false;
      const framing = this.frame();
      if (framing === undefined) return undefined;
      if (!framing.ok) {
        this.failed = true;
        this.buffer.clear();
        return { kind: 'framing-error', detail: framing.detail, tooLarge: framing.tooLarge };
      }
      this.pendingTotal = framing.total;
    }
    if (this.buffer.length < this.pendingTotal) return undefined;
    const bytes = this.buffer.take(this.pendingTotal);
    this.pendingTotal = undefined;
    this.scanned = 0;
    return { kind: 'message', result: parseMessage(bytes, { transport: 'stream', limits: this.limits }) };
  }

  /** Consumes a keep-alive at a message boundary; 'wait' when a CR has not been followed by LF yet. */
  private takeKeepalive(): 'ping' | 'pong' | 'wait' | undefined {
    const b = this.buffer.view;
    if (b[0] !== CR) return undefined;
    if (b.length < 2) return 'wait';
    if (b[1] !== LF) return undefined;
    if (b.length === 3 && b[2] === CR) return 'wait';
    this.scanned = 0;
    if (b[2] === CR && b[3] === LF) {
      this.buffer.skip(4);
      this.lastChunkEndedWithLoneCrlf = false;
      return 'ping';
    }
    this.buffer.skip(2);
    // A ping split across two reads arrives as two lone CRLFs: the second one completes the ping.
    if (this.lastChunkEndedWithLoneCrlf) {
      this.lastChunkEndedWithLoneCrlf = false;
      return 'ping';
    }
    this.lastChunkEndedWithLoneCrlf = this.buffer.length === 0;
    return 'pong';
  }

  /** The size of the first message once its header section is complete; undefined to wait for more. */
  private frame(): Framing | undefined {
    const view = this.buffer.view;
    const headerEnd = view.indexOf(CRLFCRLF, this.scanned);
    if (headerEnd < 0) {
      this.scanned = Math.max(0, view.length - 3);
      return view.length > this.limits.maxMessageSize
        ? { ok: false, detail: 'header section too large', tooLarge: true }
        : undefined;
    }
    const length = contentLengthOf(view.subarray(0, headerEnd).toString('latin1'));
    if (!length.ok) return { ok: false, detail: length.detail, tooLarge: false };
    const total = headerEnd + 4 + length.value;
    if (length.value > this.limits.maxBodySize || total > this.limits.maxMessageSize) {
      return { ok: false, detail: 'message too large', tooLarge: true };
    }
    return { ok: true, total };
  }
}
