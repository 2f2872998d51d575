/**
 * RFC 3261 §18.2.1 and §8.2.7 — what the transport does with one framed message, a pure decision:
 * hand it up (a request with its top Via stamped), answer it statelessly with 400 / 505 / 513 when it
 * was refused but can be answered, or drop it (a refused response, or a request too broken to answer).
 * https://www.rfc-editor.org/rfc/rfc3261#section-18.2.1 · https://www.rfc-editor.org/rfc/rfc3261#section-8.2.7
 */
import {
  createResponse,
  type MessageParseResult,
  type ParseFailureReason,
  type SipMessage,
  type SipResponse,
  stableToTag,
  statusForParseFailure,
  withHeaders,
} from '../wire/index.js';
import { stampTopVia } from './rfc3581-received-rport.js';
import type { FlowAddress } from './sip-transport.js';

export type InboundAction =
  | { readonly kind: 'deliver'; readonly message: SipMessage }
  | { readonly kind: 'refuse'; readonly status: 400 | 505 | 513; readonly response: SipResponse }
  | { readonly kind: 'drop'; readonly reason: ParseFailureReason };

export function inboundAction(result: MessageParseResult, source: FlowAddress): InboundAction {
  if (result.ok) {
    const { message } = result;
    if (message.kind === 'response') return { kind: 'deliver', message };
    return { kind: 'deliver', message: withHeaders(message, stampTopVia(message.headers, source)) };
  }
  // Only requests are answered (§7.2), and never an ACK: it has no response of its own.
  const { partial } = result;
  if (!result.canRespond || !partial || partial.method === 'ACK')
    return { kind: 'drop', reason: result.reason };
  const status = statusForParseFailure(result);
  // The answer travels like any response: stamp the Via so that it reaches a client behind a NAT.
  const request = { ...partial, headers: stampTopVia(partial.headers, source) };
  // The parser's detail is safe as a reason phrase (printable ASCII): the 400 says what was wrong.
  const reason = status === 400 ? result.detail : undefined;
  // §8.2.7: a stateless UAS MUST give every retransmission the same To tag.
  const response = createResponse(request, status, reason, [], { toTag: stableToTag(partial) });
  return { kind: 'refuse', status, response };
}
