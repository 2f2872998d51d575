/**
 * RFC 3261 §17.1.1.3 — Construction of the ACK Request: the ACK an INVITE client transaction sends for a
 * 300-699 final response, hop by hop (the ACK for a 2xx is the TU's, §13.2.2.4).
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.3
 */
import {
  cseq,
  EMPTY_BODY,
  type SipHeader,
  SipHeaders,
  type SipRequest,
  type SipResponse,
} from '../wire/index.js';

export function buildAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const [topVia] = invite.headers.values('Via');
  const headers: SipHeader[] = [
    // §17.1.1.3: the ACK MUST contain a single Via header field, equal to the top Via of the request.
    ...(topVia === undefined ? [] : [{ name: 'Via', value: topVia }]),
    // §17.1.1.3: the same Route header fields as the INVITE, if it had any.
    ...invite.headers.getAll('Route').map((value) => ({ name: 'Route', value })),
    { name: 'Max-Forwards', value: invite.headers.get('Max-Forwards') ?? '70' },
    // §17.1.1.3: To equals the To of the response being acknowledged (so it carries the UAS's tag) …
    { name: 'To', value: response.headers.get('To') ?? invite.headers.get('To') ?? '' },
    // … Call-ID, From and Request-URI equal the original request's.
    { name: 'From', value: invite.headers.get('From') ?? '' },
    { name: 'Call-ID', value: invite.headers.get('Call-ID') ?? '' },
    // §17.1.1.3: the CSeq number equals the original request's, its method is ACK.
    { name: 'CSeq', value: `${cseq(invite).seq} ACK` },
    { name: 'Content-Length', value: '0' },
  ];
  return {
    kind: 'request',
    method: 'ACK',
    uri: invite.uri,
    headers: new SipHeaders(headers),
    body: EMPTY_BODY,
  };
}
