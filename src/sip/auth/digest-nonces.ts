/**
 * Digest nonces for SIP (RFC 3261 §22.4, RFC 7616 §3.3, RFC 8760): stateless, signed and dated,
 * so any node can check one; a nonce older than `maxAgeMs` is *stale* (the client retries with
 * `stale=true` and no new password prompt). Replays are refused by requiring each nonce's nc
 * to grow (RFC 7616 §3.4.5), tracked in bounded memory.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ownString } from '../../kernel/own-string.js';

export type NonceCheck = 'valid' | 'stale' | 'invalid';

/** Random bytes are fetched this many at a time and used 8 per nonce, never twice. */
const RANDOM_POOL_BYTES = 8 * 256;

export class DigestNonces {
  readonly #secret: Buffer;
  readonly #maxAgeMs: number;
  readonly #random: (bytes: number) => Buffer;
  readonly #lastNc = new Map<string, number>();
  readonly #maxTracked: number;
  #pool: Buffer = Buffer.alloc(0);
  #poolOffset = 0;
  /** Where a nonce is put together: 8 bytes of time, 8 random, 16 of signature. */
  readonly #scratch = Buffer.alloc(32);

  constructor(options: {
    secret: Buffer;
    maxAgeMs: number;
    random: (bytes: number) => Buffer;
    maxTracked?: number;
  }) {
    this.#secret = options.secret;
    this.#maxAgeMs = options.maxAgeMs;
    this.#random = options.random;
    this.#maxTracked = options.maxTracked ?? 100_000;
  }

  issue(now: number): string {
    const nonce = this.#scratch;
    const ms = Math.max(0, Math.floor(now));
    // The time as a big-endian 64-bit integer, in two halves (exact below 2^53).
    nonce.writeUInt32BE(Math.floor(ms / 2 ** 32), 0);
    nonce.writeUInt32BE(ms % 2 ** 32, 4);
    if (this.#poolOffset + 8 > this.#pool.length) {
      this.#pool = this.#random(RANDOM_POOL_BYTES);
      this.#poolOffset = 0;
    }
    this.#pool.copy(nonce, 8, this.#poolOffset, this.#poolOffset + 8);
    this.#poolOffset += 8;
    this.#sign(nonce.subarray(0, 16)).copy(nonce, 16);
    return nonce.toString('base64url');
  }

  check(nonce: string, now: number): NonceCheck {
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== 32 || raw.toString('base64url') !== nonce) return 'invalid';
    const body = raw.subarray(0, 16);
    if (!timingSafeEqual(raw.subarray(16), this.#sign(body))) return 'invalid';
    const issuedAt = body.readUInt32BE(0) * 2 ** 32 + body.readUInt32BE(4);
    if (issuedAt > now + 60_000) return 'invalid';
    return now - issuedAt > this.#maxAgeMs ? 'stale' : 'valid';
  }

  /** RFC 7616 §3.4.5: accepts `nc` (8 hex digits) only if higher than any seen with this nonce. */
  acceptCount(nonce: string, nc: string): boolean {
    if (!/^[0-9a-fA-F]{8}$/.test(nc)) return false;
    const count = Number.parseInt(nc, 16);
    const last = this.#lastNc.get(nonce) ?? 0;
    if (count <= last) return false;
    // A copy: the nonce is a slice of the Authorization header, which would stay alive with it.
    if (last === 0) this.#lastNc.set(ownString(nonce), count);
    else {
      this.#lastNc.delete(nonce);
      this.#lastNc.set(nonce, count);
    }
    while (this.#lastNc.size > this.#maxTracked) {
      const oldest = this.#lastNc.keys().next().value;
      if (oldest === undefined) break;
      this.#lastNc.delete(oldest);
    }
    return true;
  }

  #sign(body: Buffer): Buffer {
    return createHmac('sha256', this.#secret).update(body).digest().subarray(0, 16);
  }
}
