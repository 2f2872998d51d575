/**
 * SCRAM credentials — RFC 5802 (Salted Challenge Response Authentication Mechanism) §2.2 and §3,
 * with SCRAM-SHA-256 from RFC 7677.
 * https://www.rfc-editor.org/rfc/rfc5802 — https://www.rfc-editor.org/rfc/rfc7677
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { HeraldError } from '../../kernel/errors.js';
import { saslPrep } from './saslprep.js';

export type ScramHash = 'SHA-1' | 'SHA-256';

export const SCRAM_HASHES: readonly ScramHash[] = ['SHA-1', 'SHA-256'];

/** What the server stores for one user and hash (RFC 5802 §3); the byte fields are base64. */
export interface ScramCredential {
  readonly iterations: number;
  readonly salt: string;
  readonly storedKey: string;
  readonly serverKey: string;
}

/**
 * 4096: RFC 7677 §4 says the announced iteration count SHOULD be at least 4096, and RFC 5802's own
 * example uses it. More buys little here: the stored keys are the only thing PBKDF2 protects (an
 * attacker who holds them already impersonates the server's view of the user), every login costs
 * the client the same work — phones and browsers included — and the server never runs PBKDF2 for
 * SCRAM logins, only for SASL PLAIN and password changes, where a high count would let a burst of
 * PLAIN attempts pin the CPU. Deployments that want more pass `iterations`; it is stored per
 * credential, so raising it later needs no migration.
 */
export const DEFAULT_SCRAM_ITERATIONS = 4096;

/** Herald refuses to derive weaker credentials than RFC 7677 §4's floor. */
export const MIN_SCRAM_ITERATIONS = 4096;

/** Upper bound on a derived count, so a configuration typo cannot stall every password change. */
export const MAX_SCRAM_ITERATIONS = 1_000_000;

/** 128 bits: the salt only has to be unique per credential (NIST SP 800-132 §5.1 minimum). */
export const SCRAM_SALT_BYTES = 16;

const NODE_HASH: Record<ScramHash, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256' };
const DIGEST_BYTES: Record<ScramHash, number> = { 'SHA-1': 20, 'SHA-256': 32 };

export function isScramHash(value: unknown): value is ScramHash {
  return value === 'SHA-1' || value === 'SHA-256';
}

/** Output length of H() in bytes. */
export function scramDigestLength(hash: ScramHash): number {
  return DIGEST_BYTES[hash];
}

/** The SASL mechanism name (RFC 5802 §4, RFC 7677 §2): `SCRAM-SHA-256-PLUS` and the like. */
export function scramMechanismName(hash: ScramHash, isPlus: boolean): string {
  return `SCRAM-${hash}${isPlus ? '-PLUS' : ''}`;
}

/** Reads a SASL mechanism name back; null for anything that is not a SCRAM Herald offers. */
export function parseScramMechanism(name: string): { hash: ScramHash; isPlus: boolean } | null {
  const match = /^SCRAM-(SHA-1|SHA-256)(-PLUS)?$/.exec(name);
  if (!match || !isScramHash(match[1])) return null;
  return { hash: match[1], isPlus: match[2] !== undefined };
}

/** HMAC(key, str) of RFC 5802 §2.2. */
export function scramHmac(hash: ScramHash, key: Buffer, data: Buffer | string): Buffer {
  return createHmac(NODE_HASH[hash], key).update(data).digest();
}

/** H(str) of RFC 5802 §2.2. */
export function scramH(hash: ScramHash, data: Buffer): Buffer {
  return createHash(NODE_HASH[hash]).update(data).digest();
}

/** XOR of two equal-length octet strings (RFC 5802 §2.2). */
export function xorBytes(a: Buffer, b: Buffer): Buffer {
  if (a.length !== b.length)
    throw new HeraldError('HERALD_ERR_INTERNAL', 'XOR of octet strings of unequal length');
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/**
 * SaltedPassword := Hi(Normalize(password), salt, i). RFC 5802 §2.2: Hi() "is, essentially,
 * PBKDF2 [RFC2898] with HMAC() as the pseudorandom function (PRF) and with dkLen == output length
 * of HMAC() == output length of H()". `prepared` must already be SASLprep'd.
 */
export function scramSaltedPassword(
  hash: ScramHash,
  prepared: string,
  salt: Buffer,
  iterations: number,
): Buffer {
  return pbkdf2Sync(Buffer.from(prepared, 'utf8'), salt, iterations, DIGEST_BYTES[hash], NODE_HASH[hash]);
}

/** ClientKey, StoredKey and ServerKey from SaltedPassword (RFC 5802 §3). */
export function scramKeys(
  hash: ScramHash,
  saltedPassword: Buffer,
): { clientKey: Buffer; storedKey: Buffer; serverKey: Buffer } {
  const clientKey = scramHmac(hash, saltedPassword, 'Client Key');
  return {
    clientKey,
    storedKey: scramH(hash, clientKey),
    serverKey: scramHmac(hash, saltedPassword, 'Server Key'),
  };
}

/**
 * Derives what the server stores for a password (RFC 5802 §3); the password is not kept.
 * Throws HERALD_ERR_VALIDATION when SASLprep refuses the password (check with `saslPrep` first),
 * the salt is empty, or the iteration count is outside MIN..MAX_SCRAM_ITERATIONS.
 */
export function deriveScramCredential(
  hash: ScramHash,
  password: string,
  options: { salt?: Buffer; iterations?: number } = {},
): ScramCredential {
  const iterations = options.iterations ?? DEFAULT_SCRAM_ITERATIONS;
  if (
    !Number.isSafeInteger(iterations) ||
    iterations < MIN_SCRAM_ITERATIONS ||
    iterations > MAX_SCRAM_ITERATIONS
  )
    throw new HeraldError(
      'HERALD_ERR_VALIDATION',
      `SCRAM iteration count must be an integer from ${MIN_SCRAM_ITERATIONS} to ${MAX_SCRAM_ITERATIONS}`,
      'iterations',
    );
  const salt = options.salt ?? randomBytes(SCRAM_SALT_BYTES);
  if (salt.length === 0) throw new HeraldError('HERALD_ERR_VALIDATION', 'SCRAM salt is empty', 'salt');
  // RFC 5802 §2.2: Normalize() is SASLprep with the password as a stored string.
  const prepared = saslPrep(password);
  if (prepared === null)
    throw new HeraldError(
      'HERALD_ERR_VALIDATION',
      'password holds characters SASLprep prohibits',
      'password',
    );
  const { storedKey, serverKey } = scramKeys(hash, scramSaltedPassword(hash, prepared, salt, iterations));
  return {
    iterations,
    salt: salt.toString('base64'),
    storedKey: storedKey.toString('base64'),
    serverKey: serverKey.toString('base64'),
  };
}

/**
 * Checks a cleartext password (SASL PLAIN, RFC 4616) against a stored SCRAM credential: derives
 * StoredKey with the credential's salt and count and compares in constant time.
 */
export function verifyPasswordAgainstScram(
  hash: ScramHash,
  credential: ScramCredential,
  password: string,
): boolean {
  const prepared = saslPrep(password);
  const salt = Buffer.from(credential.salt, 'base64');
  const expected = Buffer.from(credential.storedKey, 'base64');
  if (prepared === null || salt.length === 0 || expected.length !== DIGEST_BYTES[hash]) return false;
  if (!Number.isSafeInteger(credential.iterations) || credential.iterations < 1) return false;
  const { storedKey } = scramKeys(hash, scramSaltedPassword(hash, prepared, salt, credential.iterations));
  return timingSafeEqual(storedKey, expected);
}
