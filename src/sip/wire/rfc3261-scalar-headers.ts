/**
 * RFC 3261 §20 — single-valued header fields with a scalar grammar: Call-ID (§20.8), CSeq (§20.16),
 * Content-Length (§20.14), Expires and delta-seconds (§20.19), Max-Forwards (§20.22), Date (§20.17),
 * and the option-tag / method lists of Allow, Supported, Require, Proxy-Require, Unsupported.
 * https://www.rfc-editor.org/rfc/rfc3261#section-20
 */

import { fail, ok, type ParseResult } from './parse-result.js';
import { isCallId, isDigits, isToken } from './rfc3261-chars.js';

const UINT32_MAX = 2 ** 32 - 1;

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

export function parseCallId(value: string): ParseResult<string> {
  return isCallId(value) ? ok(value) : fail('malformed Call-ID');
}

/** CSeq = 1*DIGIT LWS Method; §8.1.1.5: the number MUST be expressible as a 32-bit unsigned integer. */
export function parseCSeq(value: string): ParseResult<CSeq> {
  const match = /^([0-9]+)[ \t]+(\S+)$/.exec(value);
  if (!match) return fail('malformed CSeq');
  const [, digits = '', method = ''] = match;
  if (!isToken(method)) return fail('malformed CSeq method');
  const seq = Number(digits);
  if (digits.length > 10 || seq > UINT32_MAX) return fail('CSeq number exceeds 2**32-1');
  return ok({ seq, method });
}

/** Max-Forwards = 1*DIGIT, an integer in the range 0-255 (§20.22). */
export function parseMaxForwards(value: string): ParseResult<number> {
  if (!isDigits(value)) return fail('malformed Max-Forwards');
  const n = Number(value);
  return n <= 255 ? ok(n) : fail('Max-Forwards exceeds 255');
}

/** Content-Length = 1*DIGIT (§20.14); negative or non-numeric values are framing errors. */
export function parseContentLength(value: string): ParseResult<number> {
  if (!isDigits(value)) return fail('malformed Content-Length');
  const n = Number(value);
  return Number.isSafeInteger(n) ? ok(n) : fail('Content-Length too large');
}

/** delta-seconds = 1*DIGIT; Expires values are limited to 2**32-1 (§20.19). */
export function parseDeltaSeconds(value: string): ParseResult<number> {
  if (!isDigits(value)) return fail('malformed delta-seconds');
  const n = Number(value);
  return value.replace(/^0+/, '').length <= 10 && n <= UINT32_MAX
    ? ok(n)
    : fail('delta-seconds exceeds 2**32-1');
}

/** Parses the token values of Allow, Supported, Require, Proxy-Require, Unsupported (already split). */
export function parseTokenList(values: readonly string[]): ParseResult<string[]> {
  const tokens = values.filter((v) => v !== '');
  const bad = tokens.find((t) => !isToken(t));
  return bad === undefined ? ok(tokens) : fail(`"${bad}" is not a token`);
}

const WKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** SIP-date = rfc1123-date; §20.17 allows only "GMT" as the time zone. */
export function parseSipDate(value: string): ParseResult<Date> {
  const match =
    /^([A-Z][a-z]{2}), ([0-9]{2}) ([A-Z][a-z]{2}) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT$/.exec(
      value,
    );
  if (!match) return fail('Date must be an RFC 1123 date in GMT');
  const [, wkday = '', day = '', month = '', year = '', hh = '', mm = '', ss = ''] = match;
  const monthIndex = MONTHS.indexOf(month);
  const date = new Date(Date.UTC(Number(year), monthIndex, Number(day), Number(hh), Number(mm), Number(ss)));
  const fields = [date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
  const impossible = fields.some((f, i) => f !== Number([day, hh, mm, ss][i]));
  if (monthIndex < 0 || impossible || WKDAY[date.getUTCDay()] !== wkday) {
    return fail('Date names an impossible day');
  }
  return ok(date);
}

export function formatSipDate(date: Date): string {
  return date.toUTCString();
}
