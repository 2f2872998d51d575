/**
 * RFC 3261 §8.2.7 — Stateless UAS Behavior: the 503 (Service Unavailable, §21.5.4) the transaction layer
 * answers with, without a transaction, when it holds as many transactions as it may.
 * https://www.rfc-editor.org/rfc/rfc3261#section-8.2.7
 */
import { hash } from 'node:crypto';
import { createResponse, type SipRequest, type SipResponse } from '../wire/index.js';
import { serverTransactionKey } from './transaction-keys.js';

/**
 * 503 (Service Unavailable) sent without a transaction. §8.2.7: a stateless UAS MUST give the same To
 * tag to every retransmission of a request, so the tag is derived from the request's transaction key.
 */
export function overloadResponse(request: SipRequest): SipResponse {
  const toTag = hash('sha256', serverTransactionKey(request), 'hex').slice(0, 16);
  return createResponse(request, 503, undefined, [], { toTag });
}
