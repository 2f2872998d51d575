/**
 * Long key lists bound as `in (…)` parameters, split below SQLite's (32766 since 3.32) and
 * PostgreSQL's (65535) limits on bound parameters per statement.
 */
export const CHUNK = 500;

/** `keys` in consecutive slices of at most CHUNK, none empty. */
export function chunked<T>(keys: readonly T[]): T[][] {
  const slices: T[][] = [];
  for (let start = 0; start < keys.length; start += CHUNK) slices.push(keys.slice(start, start + CHUNK));
  return slices;
}
