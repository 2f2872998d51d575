/**
 * RFC 3261 §16.3 — Request Validation by a proxy, and the loop-detection part of the branch it adds
 * (§16.6 step 8): pure functions of the request.
 * https://www.rfc-editor.org/rfc/rfc3261#section-16.3
 */
import { hash } from 'node:crypto';
import {
  BRANCH_MAGIC_COOKIE,
  callId,
  cseq,
  formatUri,
  fromHeader,
  maxForwards,
  type SipHeader,
  type SipRequest,
  toHeader,
  tokenList,
  vias,
} from '../wire/index.js';

/** Herald's branches start with this after the magic cookie, so that it can find its own Vias. */
export const PROXY_BRANCH_PREFIX = `${BRANCH_MAGIC_COOKIE}hld`;

export type ValidationOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: number; readonly reason: string; readonly headers: SipHeader[] };

/**
 * §16.6 step 8 (and §16.3 step 4): the part of the branch that is the same for the same request
 * arriving again — Request-URI, To tag, From tag, Call-ID, CSeq number, Proxy-Require,
 * Proxy-Authorization and Route — so that a request that comes back unchanged is a loop, one
 * with a new Request-URI a spiral.
 */
export function loopHash(request: SipRequest): string {
  const parts = [
    formatUri(request.uri),
    toHeader(request).tag ?? '',
    fromHeader(request).tag ?? '',
    callId(request),
    String(cseq(request).seq),
    request.headers.values('Proxy-Require').join(','),
    request.headers.values('Proxy-Authorization').join(','),
    request.headers.values('Route').join(','),
  ];
  return hash('sha256', parts.join('\n'), 'base64url').slice(0, 16).replace(/[-_]/g, 'x');
}

/** The branch of one forwarded copy: our prefix, the loop hash, and what makes it unique. */
export function proxyBranch(request: SipRequest, unique: string): string {
  return `${PROXY_BRANCH_PREFIX}${loopHash(request)}.${unique}`;
}

/**
 * §16.3: the checks before a request is forwarded. `isOwnVia(host, port)` says whether a Via's sent-by
 * is this proxy (the loop check only looks at those).
 */
export function validateForwarding(
  request: SipRequest,
  isOwnVia: (host: string, port: number | undefined) => boolean,
): ValidationOutcome {
  // §16.3 step 3: Max-Forwards 0 → 483 Too Many Hops (OPTIONS MAY be answered; it is local here).
  const hops = maxForwards(request);
  if (hops === 0) return refuse(483, 'Too Many Hops');
  // §16.3 step 4: a Via of ours whose branch carries this request's loop hash → 482 Loop Detected.
  const hash = loopHash(request);
  const looped = vias(request).some(
    (via) => isOwnVia(via.host, via.port) && via.branch?.startsWith(`${PROXY_BRANCH_PREFIX}${hash}.`),
  );
  if (looped) return refuse(482, 'Loop Detected');
  // §16.3 step 5: Proxy-Require lists extensions the proxy must support; Herald supports none →
  // 420 Bad Extension with Unsupported listing them (§8.2.2.3).
  const required = tokenList(request, 'Proxy-Require');
  if (!required.ok) return refuse(400, 'Malformed Proxy-Require');
  if (required.value.length > 0)
    return refuse(420, 'Bad Extension', [{ name: 'Unsupported', value: required.value.join(', ') }]);
  return { ok: true };
}

function refuse(status: number, reason: string, headers: SipHeader[] = []): ValidationOutcome {
  return { ok: false, status, reason, headers };
}
