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

/** RFC 4648 §5's URL-safe characters in ASCII order, so that encoded numbers sort as numbers. */
const SORTED_DIGITS = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
/** 8 digits of 6 bits: milliseconds since 1970, offset by 64^7 (see timePrefix). */
const TIME_DIGITS = 8;
/**
 * Added to the time so that the first digit is never `-` (digit 0), which it would be until
 * 2109: an id that starts with `-` reads as an option on a command line (`herald … <id>`, `rm`).
 * The first character is `0` until 2109, then `1`…; the order is unchanged.
 */
const TIME_OFFSET = 64 ** 7;
let prefixMs = -1;
let prefix = '';

/** The creation time, in digits that sort (byte-wise, as SQLite and Postgres' "C" compare) by time, never starting with `-`. */
export function timePrefix(ms: number): string {
  let rest = Math.max(0, Math.trunc(ms)) + TIME_OFFSET;
  let text = '';
  for (let i = 0; i < TIME_DIGITS; i++) {
    text = SORTED_DIGITS[rest % 64] + text;
    rest = Math.floor(rest / 64);
  }
  return text;
}

/**
 * 8 characters of time, then 96 random bits (16 characters): as unguessable as the 16 random
 * characters alone, and new ids land at the end of a B-tree index instead of on a random page —
 * archived messages, the rows written most, cost about a third less to insert in SQLite
 * (docs/performance.md, "SIP"). The time is the machine's; a clock set back only costs locality.
 */
function nextRandomId(): string {
  if (offset + ID_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const now = Date.now();
  if (now !== prefixMs) {
    prefixMs = now;
    prefix = timePrefix(now);
  }
  const id = prefix + pool.toString('base64url', offset, offset + ID_BYTES);
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
