/**
 * Digest nonces for SIP (RFC 3261 §22.4, RFC 7616 §3.3, RFC 8760): stateless, signed and dated,
 * so any node can check one; a nonce older than `maxAgeMs` is *stale* (the client retries with
 * `stale=true` and no new password prompt). Replays are refused by requiring each nonce's nc
 * to grow (RFC 7616 §3.4.5), tracked in bounded memory.
 *
 * A nonce is 8 bytes of time and 8 random, then its tag: those 16 bytes enciphered with AES-128
 * under a key derived from the secret. A block cipher on one fixed-length block is a PRF, so the
 * tag is a MAC (CBC-MAC of a one-block message) that nobody without the key can forge, and one
 * cipher object serves every nonce (ECB without padding keeps no state between blocks): an HMAC
 * object per nonce was 3 % of a MESSAGE's CPU (docs/performance.md, SIP).
 */
import { type Cipher, createCipheriv, hash, timingSafeEqual } from 'node:crypto';
import { BoundedMap } from '../../kernel/bounded-map.js';
import { ownString } from '../../kernel/own-string.js';

export type NonceCheck = 'valid' | 'stale' | 'invalid';

/** Keeps the nonce key apart from anything else derived from the same secret. */
const KEY_LABEL = Buffer.from('herald sip digest nonce\n');

/** Random bytes are fetched this many at a time and used 8 per nonce, never twice. */
const RANDOM_POOL_BYTES = 8 * 256;

export class DigestNonces {
  readonly #cipher: Cipher;
  readonly #maxAgeMs: number;
  readonly #random: (bytes: number) => Buffer;
  /** Each tracked nonce's highest nc, the least recently counted forgotten first. */
  readonly #lastNc: BoundedMap<string, number>;
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
    const key = hash('sha256', Buffer.concat([KEY_LABEL, options.secret]), 'buffer').subarray(0, 16);
    this.#cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    this.#maxAgeMs = options.maxAgeMs;
    this.#random = options.random;
    this.#lastNc = new BoundedMap(options.maxTracked ?? 100_000);
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
    // Copies: the nonce is a slice of the Authorization header, which would stay alive with it.
    if (last === 0) this.#lastNc.set(ownString(nonce), count);
    else this.#lastNc.renew(ownString(nonce), count);
    return true;
  }

  /** AES-128 of the one 16-byte block: `update` of a block gives its ciphertext at once. */
  #sign(body: Buffer): Buffer {
    return this.#cipher.update(body);
  }
}
