/**
 * RFC 3261 §7 — serializing a SIP message to bytes: start line, header fields under their canonical
 * names, a Content-Length that matches the body (§20.14), the empty line, and the body.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7
 */
import type { SipHeaders } from './sip-headers.js';
import type { SipMessage } from './sip-message.js';
import { SipWireBug } from './sip-wire-bug.js';
import { formatUri } from './uri.js';

function startLine(message: SipMessage): string {
  if (message.kind === 'request') return `${message.method} ${formatUri(message.uri)} SIP/2.0`;
  if (!Number.isInteger(message.status) || message.status < 100 || message.status > 699) {
    throw new SipWireBug('SIP_WIRE_INVALID_MESSAGE', `status ${message.status} is not a SIP status code`);
  }
  if (/[\r\n]/.test(message.reason)) throw new SipWireBug('SIP_WIRE_INVALID_MESSAGE', 'CR or LF in reason');
  return `SIP/2.0 ${message.status} ${message.reason}`;
}

/** The headers with Content-Length set to the body's length, where it was (or last). */
export function withContentLength(headers: SipHeaders, bodyLength: number): SipHeaders {
  return headers.set('Content-Length', String(bodyLength));
}

export function serializeMessage(message: SipMessage): Buffer {
  const headers = withContentLength(message.headers, message.body.length);
  const lines = [startLine(message), ...headers.list.map((h) => `${h.name}: ${h.value}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), message.body]);
}
