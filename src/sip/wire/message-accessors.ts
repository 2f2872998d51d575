/**
 * Typed accessors for the headers a proxy, registrar, presence server or B2BUA acts on (RFC 3261 §20,
 * RFC 3581, RFC 3903, RFC 6665). Headers validated at parse time (see rfc3261-message-validation.ts) are
 * returned directly; the others return a ParseResult, so that each caller applies its own policy.
 * https://www.rfc-editor.org/rfc/rfc3261#section-20
 */

import type { ParseResult } from './parse-result.js';
import {
  type AuthHeader,
  type DigestChallenge,
  type DigestCredentials,
  parseAuthHeader,
  parseDigestChallenge,
  parseDigestCredentials,
} from './rfc3261-auth-headers.js';
import {
  type AddressHeader,
  type ContactHeader,
  parseAddressHeader,
  parseContacts,
  parseRouteSet,
} from './rfc3261-contact.js';
import { type MediaType, parseMediaType } from './rfc3261-content-type.js';
import type { NameAddr } from './rfc3261-name-addr.js';
import {
  type CSeq,
  parseCallId,
  parseContentLength,
  parseCSeq,
  parseDeltaSeconds,
  parseMaxForwards,
  parseTokenList,
} from './rfc3261-scalar-headers.js';
import { parseVia, type Via } from './rfc3261-via.js';
import { parseEntityTag } from './rfc3903-etag-headers.js';
import {
  type EventHeader,
  parseEvent,
  parseSubscriptionState,
  type SubscriptionState,
} from './rfc6665-event-headers.js';
import type { SipMessage } from './sip-message.js';
import { SipWireBug } from './sip-wire-bug.js';

type Message = Pick<SipMessage, 'headers'>;

/** For headers checked at parse time: failing here means code built an invalid message (a bug). */
function must<T>(result: ParseResult<T>, what: string): T {
  if (!result.ok) throw new SipWireBug('SIP_WIRE_INVALID_MESSAGE', `${what}: ${result.error}`);
  return result.value;
}

function optional<T>(
  value: string | undefined,
  parse: (v: string) => ParseResult<T>,
): ParseResult<T> | undefined {
  return value === undefined ? undefined : parse(value);
}

export function vias(message: Message): Via[] {
  return message.headers.values('Via').map((v) => must(parseVia(v), 'Via'));
}

export function topVia(message: Message): Via {
  const [top] = vias(message);
  if (!top) throw new SipWireBug('SIP_WIRE_INVALID_MESSAGE', 'no Via');
  return top;
}

export function fromHeader(message: Message): AddressHeader {
  return must(parseAddressHeader(message.headers.get('From') ?? ''), 'From');
}

export function toHeader(message: Message): AddressHeader {
  return must(parseAddressHeader(message.headers.get('To') ?? ''), 'To');
}

export function callId(message: Message): string {
  return must(parseCallId(message.headers.get('Call-ID') ?? ''), 'Call-ID');
}

export function cseq(message: Message): CSeq {
  return must(parseCSeq(message.headers.get('CSeq') ?? ''), 'CSeq');
}

/** undefined when absent (RFC 2543 peers; a proxy then adds one, §16.6 step 3). */
export function maxForwards(message: Message): number | undefined {
  const value = message.headers.get('Max-Forwards');
  return value === undefined ? undefined : must(parseMaxForwards(value), 'Max-Forwards');
}

/** The declared Content-Length, or the body length when the header is absent (UDP, §18.3). */
export function contentLength(message: Pick<SipMessage, 'headers' | 'body'>): number {
  const value = message.headers.get('Content-Length');
  return value === undefined ? message.body.length : must(parseContentLength(value), 'Content-Length');
}

/** undefined when the message has no Contact. */
export function contacts(message: Message): ContactHeader | undefined {
  const values = message.headers.values('Contact');
  return values.length === 0 ? undefined : must(parseContacts(values), 'Contact');
}

export function routes(message: Message): NameAddr[] {
  return must(parseRouteSet(message.headers.values('Route')), 'Route');
}

export function recordRoutes(message: Message): NameAddr[] {
  return must(parseRouteSet(message.headers.values('Record-Route')), 'Record-Route');
}

/** Expires (delta-seconds); what to do with a malformed value is the caller's policy (RFC 4475 §3.1.2.4). */
export function expires(message: Message): ParseResult<number> | undefined {
  return optional(message.headers.get('Expires'), parseDeltaSeconds);
}

export function contentType(message: Message): ParseResult<MediaType> | undefined {
  return optional(message.headers.get('Content-Type'), parseMediaType);
}

export type AuthHeaderName =
  | 'WWW-Authenticate'
  | 'Proxy-Authenticate'
  | 'Authorization'
  | 'Proxy-Authorization';

/** Every header of that name, any scheme. */
export function authHeaders(message: Message, name: AuthHeaderName): ParseResult<AuthHeader>[] {
  return message.headers.getAll(name).map(parseAuthHeader);
}

export function digestChallenges(
  message: Message,
  name: 'WWW-Authenticate' | 'Proxy-Authenticate',
): ParseResult<DigestChallenge>[] {
  return message.headers.getAll(name).map(parseDigestChallenge);
}

export function digestCredentials(
  message: Message,
  name: 'Authorization' | 'Proxy-Authorization',
): ParseResult<DigestCredentials>[] {
  return message.headers.getAll(name).map(parseDigestCredentials);
}

export function event(message: Message): ParseResult<EventHeader> | undefined {
  return optional(message.headers.get('Event'), parseEvent);
}

export function subscriptionState(message: Message): ParseResult<SubscriptionState> | undefined {
  return optional(message.headers.get('Subscription-State'), parseSubscriptionState);
}

export function sipETag(message: Message): ParseResult<string> | undefined {
  return optional(message.headers.get('SIP-ETag'), parseEntityTag);
}

export function sipIfMatch(message: Message): ParseResult<string> | undefined {
  return optional(message.headers.get('SIP-If-Match'), parseEntityTag);
}

/** Allow, Supported, Require, Proxy-Require, Unsupported, Allow-Events: their tokens, in order. */
export function tokenList(
  message: Message,
  name: 'Allow' | 'Supported' | 'Require' | 'Proxy-Require' | 'Unsupported' | 'Allow-Events',
): ParseResult<string[]> {
  return parseTokenList(message.headers.values(name));
}
