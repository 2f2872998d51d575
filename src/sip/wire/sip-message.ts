/**
 * RFC 3261 §7 — SIP messages as typed values: a request (method, Request-URI) or a response (status,
 * reason), ordered headers and a binary body; and the outcome of parsing one from the wire.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7
 */
import type { SipHeaders } from './sip-headers.js';
import type { Uri } from './uri.js';

export interface SipRequest {
  readonly kind: 'request';
  readonly method: string;
  readonly uri: Uri;
  readonly headers: SipHeaders;
  readonly body: Buffer;
}

export interface SipResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly headers: SipHeaders;
  readonly body: Buffer;
}

/** Only SIP/2.0 is represented: any other version is refused at parse time (RFC 3261 §7.1). */
export type SipMessage = SipRequest | SipResponse;

/**
 * The message with other headers (and, for a request, another Request-URI). Written out rather
 * than `{ ...message, headers }`: V8 copies a spread object on a slow generic path (~1 µs here),
 * and every request and response Herald handles goes through a few of these (docs/performance.md, SIP).
 */
export function withHeaders(message: SipRequest, headers: SipHeaders, uri?: Uri): SipRequest;
export function withHeaders(message: SipResponse, headers: SipHeaders): SipResponse;
export function withHeaders(message: SipMessage, headers: SipHeaders, uri?: Uri): SipMessage;
export function withHeaders(message: SipMessage, headers: SipHeaders, uri?: Uri): SipMessage {
  return message.kind === 'request'
    ? { kind: 'request', method: message.method, uri: uri ?? message.uri, headers, body: message.body }
    : { kind: 'response', status: message.status, reason: message.reason, headers, body: message.body };
}

/** The message with another body. */
export function withBody(message: SipResponse, body: Buffer): SipResponse {
  return { kind: 'response', status: message.status, reason: message.reason, headers: message.headers, body };
}

/**
 * The body of every message without one: a zero-length Buffer holds no bytes to change, and one
 * per message cost ~180 bytes (most SIP messages have no body).
 */
export const EMPTY_BODY: Buffer = Buffer.alloc(0);

/** What a failed parse kept of a request, enough to answer it (RFC 3261 §8.2.6: Via, From, To, Call-ID, CSeq). */
export interface PartialRequest {
  readonly kind: 'partial-request';
  readonly method: string;
  readonly headers: SipHeaders;
}

export interface ParseLimits {
  /** Whole message (start line, headers, body) in bytes. */
  readonly maxMessageSize: number;
  /** Header lines (after unfolding). */
  readonly maxHeaderCount: number;
  readonly maxBodySize: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxMessageSize: 65_535,
  maxHeaderCount: 256,
  maxBodySize: 60_000,
};

/**
 * Why a message was refused:
 * - `malformed`: the transport answers 400 (Bad Request) with `detail` as reason phrase, if it can;
 * - `version-not-supported`: 505 (Version Not Supported, RFC 3261 §21.5.6);
 * - `too-large`: a caller's limit was exceeded: 513 (Message Too Large, §21.5.7).
 */
export type ParseFailureReason = 'malformed' | 'version-not-supported' | 'too-large';

export interface MessageParseFailure {
  readonly ok: false;
  readonly reason: ParseFailureReason;
  /** Which limit, for `too-large`. */
  readonly limit?: 'message-size' | 'header-count' | 'body-size';
  /** Human-readable, safe to use in a reason phrase (ASCII, no CR/LF). */
  readonly detail: string;
  /** True when the message was a request and its Via, From, To, Call-ID and CSeq could be read. */
  readonly canRespond: boolean;
  /** Present exactly when `canRespond`: what `createResponse` needs. */
  readonly partial?: PartialRequest;
}

export type MessageParseResult = { readonly ok: true; readonly message: SipMessage } | MessageParseFailure;

/** The status code a UAS or proxy answers a refused request with. */
export function statusForParseFailure(failure: MessageParseFailure): 400 | 505 | 513 {
  switch (failure.reason) {
    case 'malformed':
      return 400;
    case 'version-not-supported':
      return 505;
    case 'too-large':
      return 513;
    default: {
      const never: never = failure.reason;
      return never;
    }
  }
}
