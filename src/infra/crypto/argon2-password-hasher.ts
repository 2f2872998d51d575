/**
 * PasswordHasher with argon2id (RFC 9106), at OWASP's recommended minimum cost by default
 * (19 MiB, 2 passes, 1 lane): slow enough to resist guessing, quick enough for a login.
 */
import argon2 from 'argon2';
import type { PasswordHasher } from '../../core/ports.js';

export interface Argon2Options {
  readonly memoryCostKiB?: number;
  readonly timeCost?: number;
}

export function argon2PasswordHasher(options: Argon2Options = {}): PasswordHasher {
  const settings = {
    type: argon2.argon2id as 2,
    memoryCost: options.memoryCostKiB ?? 19_456,
    timeCost: options.timeCost ?? 2,
    parallelism: 1,
  };
  return {
    hash: (password) => argon2.hash(password, settings),
    async verify(hash, password) {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false; // a malformed stored hash is a failed login, not a crash
      }
    },
  };
}
