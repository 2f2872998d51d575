import { randomBytes } from 'node:crypto';

/** Ids and randomness are injected (STYLE habit 8) so tests can make them predictable. */
export interface IdSource {
  /** A new unique, URL-safe id. */
  next(): string;
  /** `bytes` cryptographically random bytes (salts, nonces, tokens). */
  randomBytes(bytes: number): Buffer;
}

export const randomIdSource: IdSource = {
  next: () => randomBytes(12).toString('base64url'),
  randomBytes: (bytes) => randomBytes(bytes),
};

/** Predictable ids for tests: prefix-1, prefix-2, …; random bytes from a counter. */
export function sequentialIdSource(prefix = 'id'): IdSource {
  let n = 0;
  return {
    next: () => `${prefix}-${++n}`,
    randomBytes: (bytes) => Buffer.alloc(bytes, ++n % 256),
  };
}
