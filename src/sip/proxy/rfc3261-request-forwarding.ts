/**
 * RFC 3261 §16.6 — Request Forwarding, the pure part: the copy of a request sent on one branch, and
 * the response sent upstream from one received on a branch (§16.7 step 3: our Via removed).
 * https://www.rfc-editor.org/rfc/rfc3261#section-16.6
 */
import type { Flow } from '../transport/index.js';
import {
  digestCredentials,
  maxForwards,
  type SipRequest,
  type SipResponse,
  type Uri,
  withHeaders,
} from '../wire/index.js';

export interface BranchPlan {
  /** §16.6 step 2: the target, as the new Request-URI. */
  readonly uri: Uri;
  /** §16.6 step 7: the Via of this proxy on the outgoing flow, branch included. */
  readonly branch: string;
  readonly flow: Pick<Flow, 'transport' | 'local'>;
  /** Route values the copy carries (those left after §16.4), in order. */
  readonly routes: readonly string[];
  /** §16.6 step 4: Record-Route values to insert on top (one, or two when the transport changes). */
  readonly recordRoutes: readonly string[];
  /** Proxy-Authorization credentials for this realm are consumed here, not forwarded (§22.3). */
  readonly realm?: string;
}

/** The Via this proxy puts on a request sent over `flow` (with rport: RFC 3581 §3). */
export function proxyVia(flow: Pick<Flow, 'transport' | 'local'>, branch: string): string {
  const { address, port } = flow.local;
  const host = address.includes(':') ? `[${address}]` : address;
  return `SIP/2.0/${flow.transport.toUpperCase()} ${host}:${port};branch=${branch};rport`;
}

/** §16.6 steps 1–8: the request as sent on one branch. */
export function forwardedRequest(request: SipRequest, plan: BranchPlan): SipRequest {
  let headers = request.headers.remove('Route');
  for (const route of plan.routes) headers = headers.append('Route', route);
  // §16.6 step 3: decrement Max-Forwards, or add it with 70.
  const hops = maxForwards(request);
  headers = headers.set('Max-Forwards', String(hops === undefined ? 70 : hops - 1));
  for (const value of [...plan.recordRoutes].reverse()) headers = headers.prepend('Record-Route', value);
  if (plan.realm !== undefined) {
    const values = request.headers.getAll('Proxy-Authorization');
    const parsed = digestCredentials(request, 'Proxy-Authorization');
    headers = headers.remove('Proxy-Authorization');
    values.forEach((value, index) => {
      const credentials = parsed[index];
      if (!(credentials?.ok && credentials.value.realm === plan.realm))
        headers = headers.append('Proxy-Authorization', value);
    });
  }
  // §16.6 step 8: our Via on top.
  headers = headers.prepend('Via', proxyVia(plan.flow, plan.branch));
  return withHeaders(request, headers, plan.uri);
}

/**
 * §16.7 step 3: the response without the topmost Via (ours) before it goes upstream. Given the request
 * the server transaction received, its Vias are used instead of the rest of the response's: the same
 * for a conforming UAS. COMPAT(SIPp): a scripted UAS answers a cancelled INVITE with the Via of the
 * CANCEL (ours alone), which would leave the response without the caller's Via.
 */
export function upstreamResponse(response: SipResponse, received?: SipRequest): SipResponse {
  if (!received) return withHeaders(response, response.headers.removeFirstValue('Via'));
  return withVias(response, received.headers.getAll('Via'));
}

/** `response` with the Via lines `vias` (the received request's, in order) instead of its own. */
export function withVias(response: SipResponse, vias: readonly string[]): SipResponse {
  let headers = response.headers.remove('Via');
  for (const via of [...vias].reverse()) headers = headers.prepend('Via', via);
  return withHeaders(response, headers);
}
