/**
 * Protocol errors as values: the result of parsing untrusted input (RFC 3261 §25 grammar productions).
 * https://www.rfc-editor.org/rfc/rfc3261#section-25
 */

/** The value of a parse that may fail on bad input: protocol errors are values. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * A value under construction: a parser builds its result with the properties every value has and
 * then sets the optional ones that are there. Not `{ ...(x === undefined ? {} : { x }) }`: V8
 * copies a spread object through a slow generic path, ~0.7–1 µs each on this machine against
 * ~0.05 µs for plain assignments, and a SIP request went through dozens (docs/performance.md, SIP).
 */
export type Building<T> = { -readonly [K in keyof T]: T[K] };

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string): ParseResult<T> {
  return { ok: false, error };
}
