/**
 * RFC 3261 §8.1.1, §8.2.2, §16.3 and §20 — the header checks done once at parse time: the mandatory
 * headers every message carries (Via, From, To, Call-ID, CSeq), the headers a proxy or registrar acts on
 * (Max-Forwards, Content-Length, Contact, Route, Record-Route), and whether a refused request can be answered.
 * https://www.rfc-editor.org/rfc/rfc3261#section-8.1.1
 */

import type { ParseResult } from './parse-result.js';
import { parseAddressHeader, parseContacts, parseRouteSet } from './rfc3261-contact.js';
import { parseCallId, parseContentLength, parseCSeq, parseMaxForwards } from './rfc3261-scalar-headers.js';
import type { StartLine } from './rfc3261-start-line.js';
import { parseVia } from './rfc3261-via.js';
import type { SipHeaders } from './sip-headers.js';

/**
 * §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are the minimum; the first four appear exactly once.
 * Max-Forwards is not required here: RFC 2543 peers omit it and a proxy then adds one (§16.6 step 3,
 * RFC 4475 §3.4.1).
 */
const EXACTLY_ONCE = ['From', 'To', 'Call-ID', 'CSeq'];
const AT_MOST_ONCE = ['Max-Forwards', 'Content-Length', 'Content-Type', 'Expires'];

function checkCounts(headers: SipHeaders): string | undefined {
  for (const name of EXACTLY_ONCE) {
    const count = headers.count(name);
    if (count === 0) return `missing ${name} header`;
    if (count > 1) return `more than one ${name} header`;
  }
  for (const name of AT_MOST_ONCE) {
    if (headers.count(name) > 1) return `more than one ${name} header`;
  }
  if (headers.values('Via').length === 0) return 'missing Via header';
  return undefined;
}

const errorOf = (result: ParseResult<unknown>): string | undefined => (result.ok ? undefined : result.error);

/** The first error of the headers a proxy or registrar acts on, in this order. */
function firstFieldError(headers: SipHeaders): string | undefined {
  for (const via of headers.values('Via')) {
    const error = errorOf(parseVia(via));
    if (error !== undefined) return error;
  }
  // checkCounts made sure that From, To, Call-ID and CSeq are there, once each.
  const one = (name: string): string => headers.get(name) ?? '';
  const maxForwards = headers.get('Max-Forwards');
  const contentLength = headers.get('Content-Length');
  return (
    errorOf(parseAddressHeader(one('From'))) ??
    errorOf(parseAddressHeader(one('To'))) ??
    errorOf(parseCallId(one('Call-ID'))) ??
    errorOf(parseCSeq(one('CSeq'))) ??
    (maxForwards === undefined ? undefined : errorOf(parseMaxForwards(maxForwards))) ??
    (contentLength === undefined ? undefined : errorOf(parseContentLength(contentLength))) ??
    (headers.has('Contact') ? errorOf(parseContacts(headers.values('Contact'))) : undefined) ??
    (headers.has('Route') ? errorOf(parseRouteSet(headers.values('Route'))) : undefined) ??
    (headers.has('Record-Route') ? errorOf(parseRouteSet(headers.values('Record-Route'))) : undefined)
  );
}

/** Returns why the headers make the message malformed, or undefined when they are acceptable. */
export function validateHeaders(start: StartLine, headers: SipHeaders): string | undefined {
  const error = checkCounts(headers) ?? firstFieldError(headers);
  if (error !== undefined) return error;
  const cseq = parseCSeq(headers.get('CSeq') ?? '');
  // §8.1.1.5: the CSeq method MUST match the method of the request.
  if (start.kind === 'request' && cseq.ok && cseq.value.method !== start.method) {
    return 'CSeq method does not match the Request-Line';
  }
  return undefined;
}

/** The protocol, host and port of a Via value, read leniently (ignoring its parameters). */
const SENT_BY =
  /^[^\s/]+\s*\/\s*[^\s/]+\s*\/\s*[^\s/]+\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(\s*:\s*[0-9]{1,5})?/;

/**
 * Whether a response can be sent for a refused request: the top Via's sent-by must be readable (§18.2.2
 * routes responses by it) and From, To, Call-ID and CSeq present, to be copied (§8.2.6.2).
 */
export function canRespondTo(isRequest: boolean, headers: SipHeaders): boolean {
  if (!isRequest) return false;
  const topVia = headers.values('Via')[0];
  if (topVia === undefined || !SENT_BY.test(topVia)) return false;
  return ['From', 'To', 'Call-ID', 'CSeq'].every((name) => headers.has(name));
}
