/**
 * RFC 3261 §16.7 — Response Processing by a stateful proxy, the pure part: what to do with each
 * response from a branch (forward at once, keep for the final choice) and which stored final
 * response is forwarded when every branch has finished.
 * https://www.rfc-editor.org/rfc/rfc3261#section-16.7
 */

/** What the proxy does with one response from one branch. */
export type ResponseAction =
  /** §16.7 step 5: forward now (a provisional other than 100, or any 2xx to an INVITE). */
  | { readonly kind: 'forward'; readonly cancelOthers: boolean }
  /** §16.7 step 4: keep it in the response context for the final choice. */
  | { readonly kind: 'store'; readonly cancelOthers: boolean }
  /** 100 (Trying) is hop by hop; it is not forwarded (§16.7 step 5). */
  | { readonly kind: 'absorb' };

/**
 * `finalSent`: a final response went upstream already. §16.7 step 5: after it, only 2xx to INVITE are
 * forwarded. §16.7 step 10 / §16.10: a 2xx cancels the other branches; a 6xx cancels them too.
 */
export function classifyResponse(status: number, isInvite: boolean, finalSent: boolean): ResponseAction {
  if (status < 200)
    return status === 100 || finalSent ? { kind: 'absorb' } : { kind: 'forward', cancelOthers: false };
  if (status < 300) {
    if (isInvite) return { kind: 'forward', cancelOthers: true };
    return finalSent ? { kind: 'absorb' } : { kind: 'forward', cancelOthers: true };
  }
  if (finalSent) return { kind: 'absorb' };
  return { kind: 'store', cancelOthers: status >= 600 };
}

/** §16.7 step 6: responses that say how to resubmit the request are preferred within 4xx. */
const RESUBMISSION_HINTS: readonly number[] = [401, 407, 415, 420, 484];

/**
 * §16.7 step 6: the best final response among `statuses` (one per finished branch): a 6xx if any;
 * otherwise the lowest class, preferring resubmission hints in 4xx. Returns the index, or
 * undefined when there is none (the proxy then sends 408).
 */
export function bestResponseIndex(statuses: readonly number[]): number | undefined {
  if (statuses.length === 0) return undefined;
  const indexed = statuses.map((status, index) => ({ status, index }));
  const global = indexed.find((r) => r.status >= 600);
  if (global) return global.index;
  const lowestClass = Math.min(...indexed.map((r) => Math.floor(r.status / 100)));
  const inClass = indexed.filter((r) => Math.floor(r.status / 100) === lowestClass);
  const hint = lowestClass === 4 ? inClass.find((r) => RESUBMISSION_HINTS.includes(r.status)) : undefined;
  // Among the rest, a specific answer (486 Busy Here, 480 …) says more than a generic 408 timeout or 487.
  const specific = inClass.find((r) => r.status !== 408 && r.status !== 487);
  return (hint ?? specific ?? inClass[0])?.index;
}

/**
 * §16.7 step 6: "The proxy SHOULD NOT forward a 503 unless it can determine that any subsequent
 * requests it might proxy will also generate a 503"; it forwards 500 instead.
 */
export function upstreamStatus(status: number): number {
  return status === 503 ? 500 : status;
}
