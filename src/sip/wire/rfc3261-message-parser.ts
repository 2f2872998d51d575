/**
 * RFC 3261 §7 and §18.3 — parsing a complete SIP message (a UDP datagram, or one framed from a stream)
 * into a typed request or response; every refusal is a value saying whether and how to answer it.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7 · https://www.rfc-editor.org/rfc/rfc3261#section-18.3
 */
import { isUtf8 } from 'node:buffer';
import { parseHeaderSection } from './rfc3261-header-section.js';
import { canRespondTo, validateHeaders } from './rfc3261-message-validation.js';
import { parseContentLength } from './rfc3261-scalar-headers.js';
import { parseStartLine, type StartLine } from './rfc3261-start-line.js';
import { SipHeaders } from './sip-headers.js';
import {
  DEFAULT_PARSE_LIMITS,
  EMPTY_BODY,
  type MessageParseFailure,
  type MessageParseResult,
  type ParseFailureReason,
  type ParseLimits,
  type SipMessage,
} from './sip-message.js';

export interface ParseOptions {
  /** `datagram` (UDP): Content-Length may be absent. `stream` (TCP, TLS): it is mandatory (§18.3). */
  readonly transport: 'datagram' | 'stream';
  readonly limits?: Partial<ParseLimits>;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

interface Head {
  readonly isRequest: boolean;
  readonly method: string;
  readonly headers: SipHeaders;
}

/** A reason phrase must stay printable ASCII: the detail may quote received bytes. */
function safeDetail(detail: string): string {
  return detail.replace(/[^\x20-\x7e]/g, '?');
}

function failure(
  head: Head,
  reason: ParseFailureReason,
  detail: string,
  limit?: MessageParseFailure['limit'],
): MessageParseFailure {
  const canRespond = canRespondTo(head.isRequest, head.headers);
  return {
    ok: false,
    reason,
    ...(limit === undefined ? {} : { limit }),
    detail: safeDetail(detail),
    canRespond,
    ...(canRespond
      ? { partial: { kind: 'partial-request', method: head.method, headers: head.headers } }
      : {}),
  };
}

/** Skips CRLFs before the start line: §7.5 says they MUST be ignored on streams; harmless on datagrams. */
function skipLeadingCrlf(bytes: Buffer): number {
  let i = 0;
  while (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) i += 2;
  return i;
}

function bodyOf(
  head: Head,
  bytes: Buffer,
  bodyStart: number,
  options: ParseOptions,
  limits: ParseLimits,
): Buffer | MessageParseFailure {
  const lengthText = head.headers.get('Content-Length');
  const available = bytes.length - bodyStart;
  if (lengthText === undefined) {
    // §18.3: Content-Length MUST be used on stream transports; on UDP the body runs to the datagram's end.
    if (options.transport === 'stream') return failure(head, 'malformed', 'missing Content-Length');
    if (available > limits.maxBodySize) return failure(head, 'too-large', 'body too large', 'body-size');
    return available === 0 ? EMPTY_BODY : Buffer.from(bytes.subarray(bodyStart));
  }
  const length = parseContentLength(lengthText);
  if (!length.ok) return failure(head, 'malformed', length.error);
  if (length.value > limits.maxBodySize) return failure(head, 'too-large', 'body too large', 'body-size');
  // §18.3: a datagram ending before the body does is an error; octets after the body are discarded.
  if (length.value > available) return failure(head, 'malformed', 'body shorter than Content-Length');
  return length.value === 0 ? EMPTY_BODY : Buffer.from(bytes.subarray(bodyStart, bodyStart + length.value));
}

function toMessage(start: StartLine, headers: SipHeaders, body: Buffer): SipMessage {
  return start.kind === 'request'
    ? { kind: 'request', method: start.method, uri: start.uri, headers, body }
    : { kind: 'response', status: start.status, reason: start.reason, headers, body };
}

/** A transport passes the same limits with every message: merged with the defaults once. */
const mergedLimits = new WeakMap<Partial<ParseLimits>, ParseLimits>();

function withDefaults(given: Partial<ParseLimits>): ParseLimits {
  let limits = mergedLimits.get(given);
  if (limits === undefined) {
    limits = { ...DEFAULT_PARSE_LIMITS, ...given };
    mergedLimits.set(given, limits);
  }
  return limits;
}

/** Parses one complete message. Never throws on bad input. */
export function parseMessage(bytes: Buffer, options: ParseOptions): MessageParseResult {
  const limits = options.limits === undefined ? DEFAULT_PARSE_LIMITS : withDefaults(options.limits);
  const begin = skipLeadingCrlf(bytes);
  const headerEnd = bytes.indexOf(CRLFCRLF, begin);
  const sectionEnd = headerEnd < 0 ? bytes.length : headerEnd;
  const section = bytes.subarray(begin, sectionEnd);
  // RFC 3261 §7.3.1: header text is UTF-8; anything else cannot be forwarded faithfully.
  if (!isUtf8(section)) {
    const unknown: Head = { isRequest: false, method: '', headers: new SipHeaders() };
    return failure(unknown, 'malformed', 'header section is not UTF-8');
  }
  const parsed = parseHeaderSection(section.toString('utf8'), limits.maxHeaderCount);
  const start = parseStartLine(parsed.startLine);
  const method = start.ok ? (start.line.kind === 'request' ? start.line.method : undefined) : start.method;
  const head: Head = {
    isRequest: method !== undefined,
    method: method ?? '',
    headers: SipHeaders.fromCheckedLines(parsed.headers),
  };
  if (!parsed.ok) {
    return parsed.tooManyHeaders
      ? failure(head, 'too-large', parsed.detail, 'header-count')
      : failure(head, 'malformed', parsed.detail);
  }
  if (!start.ok)
    return failure(head, start.versionNotSupported ? 'version-not-supported' : 'malformed', start.detail);
  if (headerEnd < 0) return failure(head, 'malformed', 'no empty line after the header fields');
  const invalid = validateHeaders(start.line, head.headers);
  if (invalid !== undefined) return failure(head, 'malformed', invalid);
  const body = bodyOf(head, bytes, headerEnd + 4, options, limits);
  if (!Buffer.isBuffer(body)) return body;
  if (headerEnd + 4 - begin + body.length > limits.maxMessageSize) {
    return failure(head, 'too-large', 'message too large', 'message-size');
  }
  return { ok: true, message: toMessage(start.line, head.headers, body) };
}
