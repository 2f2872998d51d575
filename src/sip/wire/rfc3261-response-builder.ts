/**
 * RFC 3261 §8.2.6 — generating a response to a request: Via, From, Call-ID and CSeq copied, To copied with
 * a tag added by the UAS when the request had none, Timestamp echoed in 100 (Trying), Content-Length 0.
 * https://www.rfc-editor.org/rfc/rfc3261#section-8.2.6
 */
import { hash } from 'node:crypto';
import { defaultReasonPhrase } from './reason-phrases.js';
import { isToken } from './rfc3261-chars.js';
import { parseAddressHeader } from './rfc3261-contact.js';
import { checkedLine, type SipHeader, SipHeaders } from './sip-headers.js';
import { EMPTY_BODY, type PartialRequest, type SipRequest, type SipResponse } from './sip-message.js';
import { SipWireBug } from './sip-wire-bug.js';

export interface ResponseOptions {
  /** The UAS's tag, added to To when the request's To has none (§8.2.6.2). */
  readonly toTag?: string;
}

function toWithTag(to: string, toTag: string | undefined): string {
  if (toTag === undefined) return to;
  if (!isToken(toTag)) throw new SipWireBug('SIP_WIRE_BAD_HEADER', 'a To tag must be a token');
  const parsed = parseAddressHeader(to);
  // §8.2.6.2: if the request's To had a tag, the response's To MUST equal it.
  if (parsed.ok && parsed.value.tag !== undefined) return to;
  // Appending keeps the URI (and display name) exactly as received, which §8.2.6.2 requires.
  return `${to};tag=${toTag}`;
}

/**
 * A To tag for a response to the request with these headers, the same for every retransmission of
 * it: §8.2.6.2 has a UAS add a tag to every response but 100 when the request's To has none, and
 * §8.2.7 has a stateless UAS give the same one to every retransmission. Derived from what
 * identifies the request (§17.2.3: top Via with its branch, From tag, Call-ID, CSeq), so nothing
 * need be kept; 64 bits of a SHA-256 (§19.3: at least 32 bits of randomness).
 */
export function stableToTag(request: SipRequest | PartialRequest): string {
  const { headers } = request;
  const via = headers.values('Via')[0] ?? '';
  const identity = `${via}\n${headers.get('From') ?? ''}\n${headers.get('Call-ID') ?? ''}\n${headers.get('CSeq') ?? ''}`;
  return hash('sha256', identity, 'hex').slice(0, 16);
}

/** Copied from the request into every response, in this order (§8.2.6.2). */
const COPIED_NAMES = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;
const CONTENT_LENGTH_0: SipHeader = { name: 'Content-Length', value: '0' };

export function createResponse(
  request: SipRequest | PartialRequest,
  status: number,
  reason?: string,
  extraHeaders: readonly SipHeader[] = [],
  options: ResponseOptions = {},
): SipResponse {
  if (!Number.isInteger(status) || status < 100 || status > 699) {
    throw new SipWireBug('SIP_WIRE_INVALID_MESSAGE', `status ${status} is not a SIP status code`);
  }
  if (reason !== undefined && /[\r\n]/.test(reason)) {
    throw new SipWireBug('SIP_WIRE_INVALID_MESSAGE', 'CR or LF in a reason phrase');
  }
  const copied: SipHeader[] = [];
  // Stored names are canonical (sip-headers.ts), so each copied header is found by its name; the
  // lines are immutable and copied as they are.
  const lines = request.headers.list;
  for (const name of COPIED_NAMES) {
    for (const line of lines) {
      if (line.name !== name) continue;
      // §8.2.6.2: the Via values MUST equal the request's, in the same order; so From, Call-ID, CSeq.
      copied.push(name === 'To' ? { name, value: toWithTag(line.value, options.toTag) } : line);
    }
  }
  // §8.2.6.1: a 100 (Trying) MUST copy the request's Timestamp.
  if (status === 100) {
    const timestamp = request.headers.get('Timestamp');
    if (timestamp !== undefined) copied.push({ name: 'Timestamp', value: timestamp });
  }
  // The copied lines are the request's, checked when it was parsed; the caller's are checked here.
  for (const h of extraHeaders) if (h.name.toLowerCase() !== 'content-length') copied.push(checkedLine(h));
  copied.push(CONTENT_LENGTH_0);
  return {
    kind: 'response',
    status,
    reason: reason ?? defaultReasonPhrase(status),
    headers: SipHeaders.fromCheckedLines(copied),
    body: EMPTY_BODY,
  };
}
