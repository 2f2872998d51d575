/**
 * RFC 3261 §7 — serializing a SIP message to bytes: start line, header fields under their canonical
 * names, a Content-Length that matches the body (§20.14), the empty line, and the body.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7
 */
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

/**
 * The start line and the header section up to and with the empty line, as text (UTF-8 on the
 * wire): the header lines as they are, with one Content-Length that matches the body's length
 * (§20.14) where the first one was, or last.
 */
export function serializeHead(message: SipMessage): string {
  const length = String(message.body.length);
  let text = startLine(message);
  let hasLength = false;
  for (const h of message.headers.list) {
    // Stored names are canonical (sip-headers.ts), compact `l` included.
    if (h.name !== 'Content-Length') text += `\r\n${h.name}: ${h.value}`;
    else if (!hasLength) {
      hasLength = true;
      text += `\r\nContent-Length: ${length}`;
    }
  }
  if (!hasLength) text += `\r\nContent-Length: ${length}`;
  return `${text}\r\n\r\n`;
}

/** The message's bytes written into `target` from its start; `target` must hold them all. */
export function writeMessage(message: SipMessage, head: string, headBytes: number, target: Buffer): void {
  target.write(head, 0, headBytes, 'utf8');
  if (message.body.length > 0) message.body.copy(target, headBytes);
}

export function serializeMessage(message: SipMessage): Buffer {
  return bytesOf(message, serializeHead(message));
}

/** `headBytes`: the head's UTF-8 length when the caller has it. */
function bytesOf(message: SipMessage, head: string, headBytes?: number): Buffer {
  if (message.body.length === 0) return Buffer.from(head, 'utf8');
  const length = headBytes ?? Buffer.byteLength(head, 'utf8');
  const bytes = Buffer.allocUnsafe(length + message.body.length);
  writeMessage(message, head, length, bytes);
  return bytes;
}

/**
 * The message's bytes as a latin1 string (one character per byte), to keep a message without a
 * Buffer: most messages are ASCII without a body, and then the text is already that string.
 */
export function serializeMessageText(message: SipMessage): string {
  const head = serializeHead(message);
  const headBytes = Buffer.byteLength(head, 'utf8');
  // ASCII exactly when UTF-8 takes one byte per character.
  if (message.body.length === 0 && headBytes === head.length) return head;
  return bytesOf(message, head, headBytes).toString('latin1');
}
