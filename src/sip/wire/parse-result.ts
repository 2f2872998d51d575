/**
 * Protocol errors as values: the result of parsing untrusted input (RFC 3261 §25 grammar productions).
 * https://www.rfc-editor.org/rfc/rfc3261#section-25
 */

/** The value of a parse that may fail on bad input: protocol errors are values. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string): ParseResult<T> {
  return { ok: false, error };
}
