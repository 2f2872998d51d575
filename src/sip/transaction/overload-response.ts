/**
 * RFC 3261 §8.2.7 — Stateless UAS Behavior: the 503 (Service Unavailable, §21.5.4) the transaction layer
 * answers with, without a transaction, when it holds as many transactions as it may.
 * https://www.rfc-editor.org/rfc/rfc3261#section-8.2.7
 */
import { createResponse, type SipRequest, type SipResponse, stableToTag } from '../wire/index.js';

/**
 * 503 (Service Unavailable) sent without a transaction. §8.2.7: a stateless UAS MUST give the same To
 * tag to every retransmission of a request, so the tag is derived from the request (stableToTag).
 */
export function overloadResponse(request: SipRequest): SipResponse {
  return createResponse(request, 503, undefined, [], { toTag: stableToTag(request) });
}
