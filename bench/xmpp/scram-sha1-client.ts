/**
 * The client side of SCRAM-SHA-1, RFC 5802 (https://www.rfc-editor.org/rfc/rfc5802), without
 * channel binding ("n,," — the benchmark runs without TLS), for the load generator.
 *
 * The salted password is cached per (password, salt, iteration count), as RFC 5802 §5.1 allows
 * ("the client can store ClientKey/ServerKey" instead of the password): PBKDF2 with 4096
 * iterations costs the generator about a millisecond, which would cap the measured login rate
 * at the generator's speed instead of the server's.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

interface Keys {
  readonly clientKey: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export type ScramStep = { ok: true; value: string } | { ok: false; reason: string };

const keyCache = new Map<string, Keys>();

/** How many distinct salted passwords have been derived so far (for the report). */
export function scramCacheSize(): number {
  return keyCache.size;
}

function keysFor(password: string, salt: Buffer, iterations: number): Keys {
  const cacheKey = `${iterations}\u0000${salt.toString('base64')}\u0000${password}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  // §3: SaltedPassword := Hi(Normalize(password), salt, i); Hi is PBKDF2 with HMAC-SHA-1.
  const salted = pbkdf2Sync(password, salt, iterations, 20, 'sha1');
  const clientKey = createHmac('sha1', salted).update('Client Key').digest();
  const keys = {
    clientKey,
    storedKey: createHash('sha1').update(clientKey).digest(),
    serverKey: createHmac('sha1', salted).update('Server Key').digest(),
  };
  keyCache.set(cacheKey, keys);
  return keys;
}

/** §5.1: ',' and '=' in a username are sent as =2C and =3D. */
function saslName(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function attributes(message: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) map.set(part.slice(0, 1), part.slice(2));
  }
  return map;
}

export class ScramSha1Client {
  readonly #password: string;
  readonly #clientFirstBare: string;
  readonly #nonce: string;
  #authMessage = '';
  #serverKey: Buffer | null = null;

  /** `nonce` is for tests; by default 18 random bytes, base64 (printable, no ','). */
  constructor(username: string, password: string, nonce = randomBytes(18).toString('base64')) {
    this.#password = password;
    this.#nonce = nonce;
    this.#clientFirstBare = `n=${saslName(username)},r=${nonce}`;
  }

  /** client-first-message, §7: gs2-header "n,," (no channel binding) + client-first-message-bare. */
  first(): string {
    return `n,,${this.#clientFirstBare}`;
  }

  /** server-first-message → client-final-message (§5.1). */
  final(serverFirst: string): ScramStep {
    const a = attributes(serverFirst);
    const nonce = a.get('r');
    const salt = a.get('s');
    const iterations = Number(a.get('i'));
    if (a.has('m')) return { ok: false, reason: 'mandatory extension (m=) not supported' }; // §5.1
    // §5.1: the server's nonce MUST start with the client's.
    if (!nonce?.startsWith(this.#nonce) || nonce.length === this.#nonce.length)
      return { ok: false, reason: 'server nonce does not extend the client nonce' };
    if (!salt || !Number.isSafeInteger(iterations) || iterations < 1)
      return { ok: false, reason: 'bad salt or iteration count' };
    const keys = keysFor(this.#password, Buffer.from(salt, 'base64'), iterations);
    const withoutProof = `c=biws,r=${nonce}`; // biws = base64("n,,")
    this.#authMessage = `${this.#clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = createHmac('sha1', keys.storedKey).update(this.#authMessage).digest();
    const proof = Buffer.alloc(signature.length);
    for (let i = 0; i < proof.length; i++) proof[i] = (keys.clientKey[i] ?? 0) ^ (signature[i] ?? 0);
    this.#serverKey = keys.serverKey;
    return { ok: true, value: `${withoutProof},p=${proof.toString('base64')}` };
  }

  /** server-final-message: §5.1 the client MUST verify ServerSignature. */
  verify(serverFinal: string): ScramStep {
    const a = attributes(serverFinal);
    const error = a.get('e');
    if (error !== undefined) return { ok: false, reason: `server error ${error}` };
    if (!this.#serverKey) return { ok: false, reason: 'no client-final-message sent' };
    const expected = createHmac('sha1', this.#serverKey).update(this.#authMessage).digest();
    const given = Buffer.from(a.get('v') ?? '', 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'server signature does not verify' };
    return { ok: true, value: '' };
  }
}
