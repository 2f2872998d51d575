/**
 * RFC 3261 §10.3 — reading a REGISTER into what `planRegister` needs: the AoR (To, step 5), the
 * requested contacts with their expires and q (§10.2.1.1, §20.10), and the RFC 5626 §4.2
 * instance and reg-id a UA may add. A pure function of the request.
 * https://www.rfc-editor.org/rfc/rfc3261#section-10.3
 */
import type { SipDomain } from '../sip-domain.js';
import {
  callId,
  contactExpires,
  contactQ,
  contacts,
  cseq,
  expires,
  formatUri,
  paramValue,
  type SipRequest,
  type SipUri,
  toHeader,
} from '../wire/index.js';
import type { RequestedContact } from './rfc3261-binding-updates.js';

/** §20.10: a malformed expires parameter SHOULD be taken as 3600 seconds. */
const MALFORMED_EXPIRES = 3600;

export interface RequestedBinding extends RequestedContact {
  readonly instanceId: string | null;
  readonly regId: number | null;
}

export interface RegisterRequest {
  readonly aor: SipUri;
  readonly contacts: readonly RequestedBinding[] | '*' | undefined;
  readonly expiresHeader: number | undefined;
  readonly callId: string;
  readonly cseq: number;
  readonly userAgent: string | null;
}

export type RegisterReading =
  | { readonly ok: true; readonly value: RegisterRequest }
  | { readonly ok: false; readonly status: 400 | 404; readonly reason: string };

export function readRegister(request: SipRequest, domain: SipDomain): RegisterReading {
  const to = toHeader(request).uri;
  // §10.3 step 5: the AoR is the To URI; one not valid for this domain is 404.
  if (to.kind !== 'sip' || to.user === undefined || !domain.serves(to.host, to.port))
    return { ok: false, status: 404, reason: 'Not Found' };
  const header = expires(request);
  if (header && !header.ok) return { ok: false, status: 400, reason: 'Malformed Expires' };
  const contact = contacts(request);
  let requested: RegisterRequest['contacts'];
  if (contact === undefined) requested = undefined;
  else if (contact.kind === 'wildcard') requested = '*';
  else {
    const list: RequestedBinding[] = [];
    for (const entry of contact.contacts) {
      const q = contactQ(entry);
      if (q && !q.ok) return { ok: false, status: 400, reason: 'Malformed q value' };
      const seconds = contactExpires(entry);
      const regId = paramValue(entry.params, 'reg-id');
      list.push({
        contact: formatUri(entry.uri),
        expires: seconds === undefined ? undefined : seconds.ok ? seconds.value : MALFORMED_EXPIRES,
        q: q?.value ?? null,
        instanceId: paramValue(entry.params, '+sip.instance') ?? null,
        regId: regId !== undefined && /^[0-9]{1,9}$/.test(regId) ? Number(regId) : null,
      });
    }
    requested = list;
  }
  return {
    ok: true,
    value: {
      aor: to,
      contacts: requested,
      expiresHeader: header?.value,
      callId: callId(request),
      cseq: cseq(request).seq,
      userAgent: request.headers.get('User-Agent')?.slice(0, 256) ?? null,
    },
  };
}
