/**
 * RFC 3261 §10.3: processing a REGISTER's contacts against the current bindings of an AoR — a
 * pure function of the bindings, the request and `now`.
 * https://www.rfc-editor.org/rfc/rfc3261#section-10.3
 */

export interface Binding {
  /** The contact URI as registered (compared as text after the codec's normalisation). */
  readonly contact: string;
  readonly callId: string;
  readonly cseq: number;
  readonly expiresAt: number;
  readonly q: number | null;
}

export interface RequestedContact {
  readonly contact: string;
  /** The contact's expires parameter, if any. */
  readonly expires: number | undefined;
  readonly q: number | null;
}

export interface RegisterInput {
  readonly bindings: readonly Binding[];
  /** undefined: no Contact header (a query); '*': remove all (§10.2.2). */
  readonly contacts: readonly RequestedContact[] | '*' | undefined;
  /** The Expires header, if any. */
  readonly expiresHeader: number | undefined;
  readonly callId: string;
  readonly cseq: number;
  readonly now: number;
  readonly policy: {
    readonly defaultExpires: number;
    readonly minExpires: number;
    readonly maxExpires: number;
    readonly maxContacts: number;
  };
}

export type RegisterPlan =
  | { readonly ok: true; readonly bindings: readonly Binding[] }
  | {
      readonly ok: false;
      readonly status: 400 | 423 | 500 | 403;
      readonly reason: string;
      readonly minExpires?: number;
    };

export function planRegister(input: RegisterInput): RegisterPlan {
  const { now, policy } = input;
  const live = input.bindings.filter((b) => b.expiresAt > now);
  if (input.contacts === undefined) return { ok: true, bindings: live }; // §10.3 step 6: a query
  if (input.contacts === '*') {
    // §10.3 step 6: "*" only with Expires: 0; then every binding goes, unless its Call-ID matches
    // with a CSeq that is not higher (an out-of-order request).
    if (input.expiresHeader !== 0) return { ok: false, status: 400, reason: 'Contact * needs Expires: 0' };
    const stale = live.find((b) => b.callId === input.callId && b.cseq >= input.cseq);
    if (stale) return { ok: false, status: 500, reason: 'Out of order CSeq' };
    return { ok: true, bindings: [] };
  }
  let next = [...live];
  for (const requested of input.contacts) {
    // §10.3 step 6: the contact's expires, else the Expires header, else the server's default.
    const asked = requested.expires ?? input.expiresHeader ?? policy.defaultExpires;
    // §10.3 step 6: shorter than the minimum (but not 0) → 423 with Min-Expires.
    if (asked > 0 && asked < policy.minExpires)
      return { ok: false, status: 423, reason: 'Interval Too Brief', minExpires: policy.minExpires };
    const seconds = Math.min(asked, policy.maxExpires);
    const existing = next.find((b) => b.contact === requested.contact);
    if (existing) {
      // §10.3 step 7: same Call-ID with a CSeq not higher is out of order → 500 and nothing changes.
      if (existing.callId === input.callId && existing.cseq >= input.cseq)
        return { ok: false, status: 500, reason: 'Out of order CSeq' };
      next = next.filter((b) => b !== existing);
    }
    if (seconds > 0)
      next.push({
        contact: requested.contact,
        callId: input.callId,
        cseq: input.cseq,
        expiresAt: now + seconds * 1000,
        q: requested.q,
      });
  }
  if (next.length > policy.maxContacts) return { ok: false, status: 403, reason: 'Too many contacts' };
  return { ok: true, bindings: next };
}
