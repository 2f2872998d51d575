/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) for @xmpp/client in the browser, on WebCrypto: the package's
 * own SCRAM-SHA-1 is Node-only and left out of browser builds, and the server offers PLAIN only on
 * secure channels. RFC 5802 §5.1 lets a client keep ClientKey/ServerKey instead of the password:
 * "remember me" stores those (bound to the server's salt and iteration count), never the password.
 */

export interface ScramKeys {
  readonly salt: string;
  readonly iterations: number;
  readonly clientKey: string;
  readonly serverKey: string;
}

export interface ScramCredentials {
  readonly username: string;
  readonly password?: string | null;
  readonly keys?: ScramKeys | null;
  readonly onKeys?: (keys: ScramKeys) => void;
}

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array<ArrayBuffer> => enc.encode(s);
const toB64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
const fromB64 = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
/** @xmpp/sasl base64-encodes with btoa, so the wire text is a binary string of UTF-8 bytes. */
const binary = (s: string): string => String.fromCharCode(...bytes(s));
const unbinary = (s: string): string => new TextDecoder().decode(Uint8Array.from(s, (c) => c.charCodeAt(0)));

async function hmac(key: Uint8Array<ArrayBuffer>, data: string): Promise<Uint8Array<ArrayBuffer>> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, bytes(data)));
}

async function saltedPassword(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const k = await crypto.subtle.importKey('raw', bytes(password.normalize('NFKC')), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, k, 256);
  return new Uint8Array(bits);
}

/** RFC 5802 §5.1: saslname escapes '=' and ','. */
const saslName = (name: string): string => name.replace(/=/g, '=3D').replace(/,/g, '=2C');

function attributes(message: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) map.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return map;
}

export class MissingPasswordError extends Error {
  constructor() {
    super('the remembered sign-in no longer matches the server; enter your password');
  }
}

/** A saslmechanisms-style mechanism: @xmpp/sasl awaits response() and challenge(). */
export class ScramSha256 {
  static readonly mechanismName = 'SCRAM-SHA-256';
  readonly name = ScramSha256.mechanismName;
  readonly clientFirst = true;
  #stage = 0;
  #nonce = '';
  #firstBare = '';
  #final = '';
  #expectedServerSignature = '';

  async response(cred: ScramCredentials): Promise<string> {
    if (this.#stage === 0) {
      this.#cred = cred;
      const random = crypto.getRandomValues(new Uint8Array(18));
      this.#nonce = toB64(random).replace(/[+/=]/g, 'x');
      this.#firstBare = `n=${saslName(cred.username)},r=${this.#nonce}`;
      this.#stage = 1;
      return binary(`n,,${this.#firstBare}`);
    }
    if (this.#stage === 2) {
      this.#stage = 3;
      return binary(this.#final);
    }
    return '';
  }

  async challenge(raw: string): Promise<void> {
    const text = unbinary(raw);
    const attrs = attributes(text);
    if (this.#stage === 1) {
      const nonce = attrs.get('r') ?? '';
      const salt = attrs.get('s') ?? '';
      const iterations = Number(attrs.get('i'));
      // RFC 5802 §5.1: the server's nonce must start with ours.
      if (!nonce.startsWith(this.#nonce) || !salt || !(iterations >= 4096))
        throw new Error('bad SCRAM challenge');
      const cred = this.#cred;
      let keys =
        cred?.keys && cred.keys.salt === salt && cred.keys.iterations === iterations ? cred.keys : null;
      if (!keys) {
        if (!cred?.password) throw new MissingPasswordError();
        const sp = await saltedPassword(cred.password, fromB64(salt), iterations);
        keys = {
          salt,
          iterations,
          clientKey: toB64(await hmac(sp, 'Client Key')),
          serverKey: toB64(await hmac(sp, 'Server Key')),
        };
        cred.onKeys?.(keys);
      }
      const clientKey = fromB64(keys.clientKey);
      const storedKey = new Uint8Array(await crypto.subtle.digest('SHA-256', clientKey));
      const withoutProof = `c=biws,r=${nonce}`;
      const authMessage = `${this.#firstBare},${text},${withoutProof}`;
      const signature = await hmac(storedKey, authMessage);
      const proof = clientKey.map((b, i) => b ^ (signature[i] ?? 0));
      this.#expectedServerSignature = toB64(await hmac(fromB64(keys.serverKey), authMessage));
      this.#final = `${withoutProof},p=${toB64(proof)}`;
      this.#stage = 2;
      return;
    }
    // server-final, when the server sends it as a challenge: check v= (RFC 5802 §5.1).
    const v = attrs.get('v');
    if (v !== undefined && v !== this.#expectedServerSignature) throw new Error('server signature mismatch');
  }

  /** @xmpp/sasl passes credentials to response() only; the first call keeps them for challenge(). */
  #cred: ScramCredentials | null = null;
}
