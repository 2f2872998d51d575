import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '../../src/core/ports.js';

/**
 * A salted SHA-256 PasswordHasher for tests that create many users: the real argon2id adapter
 * has its own tests, and its deliberate slowness would only slow the suites down.
 */
export const fastHasher: PasswordHasher = {
  async hash(password) {
    const salt = randomBytes(8).toString('hex');
    return `test$${salt}$${createHash('sha256')
      .update(salt + password)
      .digest('hex')}`;
  },
  async verify(hash, password) {
    const [scheme, salt, digest] = hash.split('$');
    if (scheme !== 'test' || !salt || !digest) return false;
    const candidate = createHash('sha256')
      .update(salt + password)
      .digest('hex');
    return timingSafeEqual(Buffer.from(candidate), Buffer.from(digest));
  },
};
