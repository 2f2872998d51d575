/**
 * RFC 3261 §17.1.3 and §17.2.3 — Matching Responses to Client Transactions and Matching Requests to
 * Server Transactions, as pure keys: branch (magic cookie z9hG4bK), sent-by and method, with the RFC 2543
 * fallback for requests whose branch lacks the cookie.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.3 · https://www.rfc-editor.org/rfc/rfc3261#section-17.2.3
 */
import {
  BRANCH_MAGIC_COOKIE,
  callId,
  cseq,
  formatUri,
  formatVia,
  fromHeader,
  hostKey,
  type SipRequest,
  type SipResponse,
  toHeader,
  topVia,
  type Via,
} from '../wire/index.js';

/** §8.1.1.7: a branch beginning with the magic cookie was built by an RFC 3261 element. */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch?.startsWith(BRANCH_MAGIC_COOKIE) === true;
}

/** The key of the client transaction that sent a request with this branch and method (§17.1.3). */
export function clientTransactionKey(branch: string, method: string): string {
  return `${branch}\n${method}`;
}

/**
 * §17.1.3: a response matches a client transaction when its top Via branch equals the request's and its
 * CSeq method equals the request's method (so a CANCEL's responses never reach the INVITE's transaction).
 * Undefined when the top Via has no branch: such a response matches nothing.
 */
export function clientKeyOfResponse(response: SipResponse): string | undefined {
  const branch = topVia(response).branch;
  return branch === undefined ? undefined : clientTransactionKey(branch, cseq(response).method);
}

/** The method of the transaction a request belongs to: §17.2.3, an ACK belongs to its INVITE's. */
export function transactionMethodOf(request: SipRequest): string {
  return request.method === 'ACK' ? 'INVITE' : request.method;
}

function sentBy(via: Via): string {
  return `${hostKey(via.host)}:${via.port ?? ''}`;
}

/**
 * The key of the server transaction a request matches (§17.2.3). With the magic cookie: branch, sent-by
 * of the top Via, and method (ACK as INVITE). `method` overrides the last, to find the INVITE a CANCEL
 * cancels (§9.2). Without it, the RFC 2543 rule: Request-URI, From tag, Call-ID, CSeq number, top Via
 * and method; the To tag is checked apart, by `legacyToTagMatches`.
 */
export function serverTransactionKey(request: SipRequest, method = transactionMethodOf(request)): string {
  const via = topVia(request);
  if (isRfc3261Branch(via.branch)) return ['3261', via.branch, sentBy(via), method].join('\n');
  // COMPAT(RFC 2543): peers without the magic cookie are matched on the dialog identifiers.
  return [
    '2543',
    formatUri(request.uri),
    fromHeader(request).tag ?? '',
    callId(request),
    String(cseq(request).seq),
    formatVia(via),
    method,
  ].join('\n');
}

/** Whether matching a request to a server transaction follows RFC 3261 (branch) rather than RFC 2543. */
export function isRfc3261Request(request: SipRequest): boolean {
  return isRfc3261Branch(topVia(request).branch);
}

/**
 * §17.2.3, RFC 2543 matching: a request's To tag equals the original request's; an ACK's To tag equals
 * that of the response the server transaction sent.
 */
export function legacyToTagMatches(
  request: SipRequest,
  original: SipRequest,
  lastResponse: SipResponse | undefined,
): boolean {
  const tag = toHeader(request).tag;
  if (request.method === 'ACK') return lastResponse !== undefined && toHeader(lastResponse).tag === tag;
  return toHeader(original).tag === tag;
}
