/**
 * Turns a password into the derived secrets Herald stores (SPEC S4) — never the password itself:
 * SCRAM-SHA-1 and SCRAM-SHA-256 salted keys (RFC 5802 §3, RFC 7677), SIP digest HA1 for MD5 and
 * SHA-256 (RFC 8760 §2), and an argon2id hash for web and API login.
 */
import type { PasswordHasher, StoredCredentials } from '../ports.js';
import { deriveScramCredential } from './scram.js';
import { digestHa1 } from './sip-digest.js';

export interface CredentialFactoryOptions {
  readonly hasher: PasswordHasher;
  /** SIP digest realm; Herald uses the served domain. */
  readonly realm: string;
  readonly scramIterations?: number;
}

export async function deriveCredentials(
  options: CredentialFactoryOptions,
  username: string,
  password: string,
  now: number,
): Promise<StoredCredentials> {
  const iterations = options.scramIterations === undefined ? {} : { iterations: options.scramIterations };
  return {
    scramSha1: deriveScramCredential('SHA-1', password, iterations),
    scramSha256: deriveScramCredential('SHA-256', password, iterations),
    digestRealm: options.realm,
    ha1Md5: digestHa1('MD5', username, options.realm, password),
    ha1Sha256: digestHa1('SHA-256', username, options.realm, password),
    passwordHash: await options.hasher.hash(password),
    updatedAt: now,
  };
}
