/**
 * One reusable buffer for outgoing datagrams. Every SIP message sent over UDP needed a Buffer of
 * its own, cut from Node's 8 KiB pool slabs; a slab is external memory, freed only when the
 * garbage collector frees its last slice — and slices that lived through two scavenges wait for a
 * full collection, which external memory under V8's 64 MB soft limit does not start. With 10,000
 * registrations and subscriptions, ~34 MB of dead slabs stayed in the malloc heap 35 s after the
 * load (heaptrack; docs/performance.md, SIP memory).
 *
 * Here a message is written into the arena, and its space is given back when the socket's send
 * callback says the datagram is gone: the space is reused once no send is in flight (all callbacks
 * seen), which on UDP is after every turn of the event loop. A message that does not fit — a burst
 * larger than the arena, or a callback that never came — gets a Buffer of its own, as before.
 */
import type { SipMessage } from '../wire/index.js';
import { serializeHead, writeMessage } from '../wire/index.js';

export const DEFAULT_ARENA_BYTES = 256 * 1024;

export class DatagramArena {
  readonly #buffer: Buffer;
  /** Bytes handed out since the arena was last empty. */
  #used = 0;
  /** Messages handed out of the arena whose send has not completed. */
  #inFlight = 0;

  constructor(bytes: number = DEFAULT_ARENA_BYTES) {
    this.#buffer = Buffer.allocUnsafeSlow(bytes);
  }

  /** Messages in the arena still being sent. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The message's bytes: in the arena when there is room. Give them back with `sent` once sent. */
  encode(message: SipMessage): Buffer {
    const head = serializeHead(message);
    const headBytes = Buffer.byteLength(head, 'utf8');
    const size = headBytes + message.body.length;
    let target: Buffer;
    if (this.#used + size <= this.#buffer.length) {
      target = this.#buffer.subarray(this.#used, this.#used + size);
      this.#used += size;
      this.#inFlight++;
    } else target = Buffer.allocUnsafe(size);
    writeMessage(message, head, headBytes, target);
    return target;
  }

  /** The send of `bytes` (from `encode`) completed, or failed: their space may be reused. */
  sent(bytes: Buffer): void {
    if (bytes.buffer !== this.#buffer.buffer) return;
    this.#inFlight--;
    if (this.#inFlight === 0) this.#used = 0;
  }
}
