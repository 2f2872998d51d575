/**
 * RFC 3261 §19.1.4 — URI Comparison (SIP/SIPS), with RFC 3966 §4 for tel URIs; IPv6 references compare as
 * addresses (RFC 4291 §2.2 spellings of one address are equal), not as text.
 * https://www.rfc-editor.org/rfc/rfc3261#section-19.1.4 · https://www.rfc-editor.org/rfc/rfc3966#section-4
 */
import { hostKey } from './ip-address.js';
import { RESERVED } from './rfc3261-chars.js';
import type { Param, SipUri, TelUri, Uri } from './uri.js';

/**
 * Normalizes %HEX HEX escapes: characters outside the reserved set are equivalent to their escaped form
 * (§19.1.4), so they are decoded; the remaining escapes get upper-case hex.
 */
export function normalizeEscapes(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (escaped, hex: string) => {
    const code = Number.parseInt(hex, 16);
    const char = String.fromCharCode(code);
    // '%' itself stays escaped, so that decoding never creates a new escape.
    return code < 0x80 && code !== 0x25 && !RESERVED.has(char) ? char : escaped.toUpperCase();
  });
}

/** Parameters that, present in only one URI, make the URIs differ (§19.1.4). */
const MUST_MATCH_IF_PRESENT = new Set(['user', 'ttl', 'method', 'maddr', 'transport']);

function paramMap(params: readonly Param[]): Map<string, string | undefined> {
  const map = new Map<string, string | undefined>();
  for (const p of params) {
    const value = p.value === undefined ? undefined : normalizeEscapes(p.value).toLowerCase();
    map.set(normalizeEscapes(p.name).toLowerCase(), value);
  }
  return map;
}

function sipParamsEqual(a: readonly Param[], b: readonly Param[]): boolean {
  const pa = paramMap(a);
  const pb = paramMap(b);
  for (const [name, value] of pa) {
    if (pb.has(name)) {
      // Any uri-parameter appearing in both URIs must match.
      if (pb.get(name) !== value) return false;
    } else if (MUST_MATCH_IF_PRESENT.has(name)) {
      return false;
    }
  }
  for (const name of pb.keys()) if (!pa.has(name) && MUST_MATCH_IF_PRESENT.has(name)) return false;
  return true;
}

function headerKeys(uri: SipUri): string[] {
  // URI header components are never ignored: the same set must be present in both URIs.
  return uri.headers
    .map((h) => `${normalizeEscapes(h.name).toLowerCase()}=${normalizeEscapes(h.value)}`)
    .sort();
}

function sipUriEquals(a: SipUri, b: SipUri): boolean {
  // A SIP and a SIPS URI are never equivalent.
  if (a.scheme !== b.scheme) return false;
  // userinfo is compared case-sensitively, after escape normalization; absent ≠ present.
  if ((a.user === undefined) !== (b.user === undefined)) return false;
  if (a.user !== undefined && normalizeEscapes(a.user) !== normalizeEscapes(b.user ?? '')) return false;
  if ((a.password === undefined) !== (b.password === undefined)) return false;
  if (a.password !== undefined && normalizeEscapes(a.password) !== normalizeEscapes(b.password ?? '')) {
    return false;
  }
  if (hostKey(a.host) !== hostKey(b.host)) return false;
  // A URI omitting the port does not match one declaring the default port explicitly.
  if (a.port !== b.port) return false;
  if (!sipParamsEqual(a.params, b.params)) return false;
  const ha = headerKeys(a);
  const hb = headerKeys(b);
  return ha.length === hb.length && ha.every((h, i) => h === hb[i]);
}

function telNumberKey(uri: TelUri): string {
  // RFC 3966 §4: visual separators are ignored and hex digits compare case-insensitively.
  return uri.number.replace(/[-.()]/g, '').toLowerCase();
}

function telUriEquals(a: TelUri, b: TelUri): boolean {
  if (a.isGlobal !== b.isGlobal || telNumberKey(a) !== telNumberKey(b)) return false;
  // RFC 3966 §4: parameters compare as sets (names and values case-insensitive); all must match.
  const pa = paramMap(a.params);
  const pb = paramMap(b.params);
  if (pa.size !== pb.size) return false;
  for (const [name, value] of pa) if (!pb.has(name) || pb.get(name) !== value) return false;
  return true;
}

/** Whether two URIs are equivalent per RFC 3261 §19.1.4 (SIP/SIPS) or RFC 3966 §4 (tel). */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind === 'sip' && b.kind === 'sip') return sipUriEquals(a, b);
  if (a.kind === 'tel' && b.kind === 'tel') return telUriEquals(a, b);
  if (a.kind === 'absolute' && b.kind === 'absolute') {
    // Other schemes: RFC 3986 §6.2.2 syntax-based normalization of scheme and escapes.
    return a.scheme === b.scheme && normalizeEscapes(a.opaque) === normalizeEscapes(b.opaque);
  }
  return false;
}
