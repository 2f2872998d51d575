/**
 * SPEC M7, the compliance policy as pure functions: what a message becomes in the sink, what to
 * do when the sink refuses it, and when to try a queued record again.
 */
import type { ChatMessage } from '../messaging/chat-message.js';
import type { ComplianceProtocol, ComplianceRecord } from '../ports.js';

/** `required`: refuse the message while the sink is down; otherwise queue it durably and retry. */
export type ComplianceFailureAction = 'refuse' | 'queue';

export function onSinkFailure(required: boolean): ComplianceFailureAction {
  return required ? 'refuse' : 'queue';
}

/** Exponential backoff: base · 2^(attempts-1), at most maxMs (attempts ≥ 1 failed so far). */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}

/** The protocol an adapter's payload format came from; anything else came through the web API. */
export function protocolOf(format: string): ComplianceProtocol {
  if (format === 'xmpp') return 'xmpp';
  if (format === 'sip') return 'sip';
  return 'web';
}

/** The sink's copy of a 1:1 message. The body and the original are kept as received. */
export function complianceRecordOf(
  message: ChatMessage,
  id: string,
  recipients: readonly string[],
  room: string | null = null,
): ComplianceRecord {
  return {
    id,
    at: message.sentAt,
    protocol: protocolOf(message.payload.format),
    sender: message.from.address,
    recipients: [...recipients],
    room,
    body: message.body,
    original: message.payload.content,
  };
}
