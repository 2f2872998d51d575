/**
 * SIP Digest credentials — RFC 8760 (The SIP Digest Access Authentication Scheme), computing
 * as HTTP Digest does: RFC 7616 §3.4, RFC 2617 §3.2.2 (RFC 3261 §22.4 applies them to SIP).
 * https://www.rfc-editor.org/rfc/rfc8760 — https://www.rfc-editor.org/rfc/rfc7616#section-3.4
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { HeraldError } from '../../kernel/errors.js';

/**
 * The algorithms Herald computes. RFC 8760 also registers SHA-512-256, and RFC 7616 §3.4.2 the
 * "-sess" variants; Herald never challenges with them, so a response naming them is refused.
 */
export type DigestAlgorithm = 'MD5' | 'SHA-256';

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

const NODE_HASH: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256' };
/** Hex digits of a digest: 32 for MD5, 64 for SHA-256 (RFC 7616 §3.2). */
const HEX_LENGTH: Record<DigestAlgorithm, number> = { MD5: 32, 'SHA-256': 64 };
const NC = /^[0-9a-fA-F]{8}$/;

export function isDigestAlgorithm(value: unknown): value is DigestAlgorithm {
  return value === 'MD5' || value === 'SHA-256';
}

/**
 * Reads the `algorithm` parameter of a credentials header. Absent means MD5 (RFC 7616 §3.3,
 * RFC 2617 §3.2.1). The token is compared case-insensitively, as SIP phones vary. "-sess"
 * variants, SHA-512-256 and unknown tokens give null: RFC 7616 §3.4 has the client answer with
 * the algorithm of the challenge it picked, and Herald only challenges with these two.
 */
export function parseDigestAlgorithm(token: string | undefined): DigestAlgorithm | null {
  if (token === undefined) return 'MD5';
  const upper = token.toUpperCase();
  return upper === 'MD5' ? 'MD5' : upper === 'SHA-256' ? 'SHA-256' : null;
}

/** Hex digest from the characters 0123456789abcdef (RFC 7616 §3.2, RFC 2617 §3.1.3). */
function h(algorithm: DigestAlgorithm, data: string): string {
  const name = NODE_HASH[algorithm];
  if (name === undefined)
    throw new HeraldError('HERALD_ERR_INTERNAL', `unsupported digest algorithm ${String(algorithm)}`);
  return hash(name, data, 'hex');
}

/**
 * HA1 = H(A1), A1 = unq(username) ":" unq(realm) ":" passwd (RFC 7616 §3.4.2, RFC 2617 §3.2.2.2),
 * in UTF-8 (RFC 3261 §25.1 text is UTF-8). What the server stores instead of the password.
 */
export function digestHa1(
  algorithm: DigestAlgorithm,
  username: string,
  realm: string,
  password: string,
): string {
  return h(algorithm, `${username}:${realm}:${password}`);
}

export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm;
  /** Stored H(A1), hex. */
  readonly ha1: string;
  /** The SIP request method, which A2 uses in place of HTTP's (RFC 3261 §22.4). */
  readonly method: string;
  /** The `uri` parameter of the credentials, as the client sent it. */
  readonly uri: string;
  readonly nonce: string;
  /** "auth-int" is not supported; absent for RFC 2069-style responses (RFC 3261 §22.4). */
  readonly qop?: 'auth';
  /** nonce-count, 8 hex digits; present exactly when qop is. */
  readonly nc?: string;
  readonly cnonce?: string;
}

/**
 * request-digest (hex). With qop=auth: KD(H(A1), nonce:nc:cnonce:qop:H(A2)) (RFC 7616 §3.4.1,
 * RFC 2617 §3.2.2.1); without qop (RFC 2069 compatibility, which RFC 3261 §22.4 keeps):
 * KD(H(A1), nonce:H(A2)). A2 = Method ":" request-uri (RFC 7616 §3.4.3, qop "auth" or absent).
 * Throws HERALD_ERR_INTERNAL when qop and nc/cnonce disagree: the caller's bug, not the peer's.
 */
export function digestResponse(input: DigestResponseInput): string {
  const { algorithm, nonce, qop, nc, cnonce } = input;
  const ha1 = input.ha1.toLowerCase();
  const ha2 = h(algorithm, `${input.method}:${input.uri}`);
  if (qop === undefined) {
    if (nc !== undefined || cnonce !== undefined)
      throw new HeraldError('HERALD_ERR_INTERNAL', 'digest nc/cnonce given without qop');
    return h(algorithm, `${ha1}:${nonce}:${ha2}`);
  }
  if (nc === undefined || cnonce === undefined)
    throw new HeraldError('HERALD_ERR_INTERNAL', 'digest qop=auth needs nc and cnonce');
  return h(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
}

/**
 * Checks a client's `response` in constant time. False — never a throw — for anything malformed
 * from outside: an algorithm Herald does not compute, qop without nc/cnonce (RFC 2617 §3.2.2: they
 * MUST be sent with qop and MUST NOT be without), an nc that is not 8LHEX, or a response or HA1
 * of the wrong length. Hex case is ignored in `response` (COMPAT: phones that send upper case).
 * Nonce freshness and nc replay are the caller's: they need state.
 */
export function verifyDigestResponse(input: DigestResponseInput & { readonly response: string }): boolean {
  const { algorithm, qop, nc, cnonce } = input;
  if (!isDigestAlgorithm(algorithm)) return false;
  if (qop !== undefined && (qop !== 'auth' || nc === undefined || !NC.test(nc) || !cnonce)) return false;
  if (qop === undefined && (nc !== undefined || cnonce !== undefined)) return false;
  const length = HEX_LENGTH[algorithm];
  if (input.ha1.length !== length || input.response.length !== length) return false;
  const expected = Buffer.from(digestResponse(input), 'utf8');
  const received = Buffer.from(input.response.toLowerCase(), 'utf8');
  return received.length === expected.length && timingSafeEqual(received, expected);
}
