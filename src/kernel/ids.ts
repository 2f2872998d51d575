import { randomBytes } from 'node:crypto';

/** Ids and randomness are injected (STYLE habit 8) so tests can make them predictable. */
export interface IdSource {
  /** A new unique, URL-safe id. */
  next(): string;
  /** `bytes` cryptographically random bytes (salts, nonces, tokens). */
  randomBytes(bytes: number): Buffer;
}

/** Ids are cut from a pool of random bytes: one getrandom call per 341 ids, not one each. */
const ID_BYTES = 12;
const POOL_BYTES = ID_BYTES * 341;
let pool = Buffer.alloc(0);
let offset = 0;

function nextRandomId(): string {
  if (offset + ID_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}

export const randomIdSource: IdSource = {
  next: nextRandomId,
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
