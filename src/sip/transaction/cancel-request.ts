/**
 * RFC 3261 §9.1 — Client Behavior (canceling a request): the CANCEL for a pending INVITE, which travels
 * hop by hop in its own non-INVITE client transaction with the INVITE's branch.
 * https://www.rfc-editor.org/rfc/rfc3261#section-9.1
 */
import { cseq, EMPTY_BODY, type SipHeader, SipHeaders, type SipRequest } from '../wire/index.js';

export function buildCancel(invite: SipRequest): SipRequest {
  const [topVia] = invite.headers.values('Via');
  const headers: SipHeader[] = [
    // §9.1: a CANCEL MUST have a single Via value, matching the top Via of the request being cancelled.
    ...(topVia === undefined ? [] : [{ name: 'Via', value: topVia }]),
    // §9.1: if the request being cancelled has Route header fields, the CANCEL MUST include them.
    ...invite.headers.getAll('Route').map((value) => ({ name: 'Route', value })),
    { name: 'Max-Forwards', value: invite.headers.get('Max-Forwards') ?? '70' },
    // §9.1: Request-URI, Call-ID, To, the CSeq number and From MUST equal the request's, tags included.
    { name: 'To', value: invite.headers.get('To') ?? '' },
    { name: 'From', value: invite.headers.get('From') ?? '' },
    { name: 'Call-ID', value: invite.headers.get('Call-ID') ?? '' },
    // §9.1: the CSeq method of a CANCEL is CANCEL.
    { name: 'CSeq', value: `${cseq(invite).seq} CANCEL` },
    { name: 'Content-Length', value: '0' },
  ];
  return {
    kind: 'request',
    method: 'CANCEL',
    uri: invite.uri,
    headers: new SipHeaders(headers),
    body: EMPTY_BODY,
  };
}
