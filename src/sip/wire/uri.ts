/**
 * RFC 3261 §19.1 and §25.1 — URIs in SIP: sip:/sips: (typed), tel: (RFC 3966, typed) and any other
 * absoluteURI (kept opaque), with parse and format.
 * https://www.rfc-editor.org/rfc/rfc3261#section-19.1 · https://www.rfc-editor.org/rfc/rfc3966
 */

import { fail, ok, type ParseResult } from './parse-result.js';
import { formatSipUri, parseSipUri } from './rfc3261-sip-uri.js';
import { formatTelUri, parseTelUri } from './rfc3966-tel-uri.js';

/** A `;name[=value]` parameter as received; `value` is undefined when there was no `=`. */
export interface Param {
  readonly name: string;
  readonly value?: string;
}

export interface UriHeader {
  readonly name: string;
  readonly value: string;
}

/**
 * sip:/sips: URI. Components are kept as received (escaped form, original case) so that a proxy forwards
 * them unchanged; comparison (uri-comparison.ts) normalizes them.
 */
export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly password?: string;
  /** hostname, IPv4 address, or IPv6 reference in brackets. */
  readonly host: string;
  readonly port?: number;
  readonly params: readonly Param[];
  readonly headers: readonly UriHeader[];
}

/** tel: URI (RFC 3966 §3). `number` keeps its visual separators; `isGlobal` when it starts with "+". */
export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  readonly number: string;
  readonly isGlobal: boolean;
  readonly params: readonly Param[];
}

/** Any other absoluteURI (RFC 3261 §25.1): the scheme (lower-cased) and the rest, uninterpreted. */
export interface AbsoluteUri {
  readonly kind: 'absolute';
  readonly scheme: string;
  readonly opaque: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

/** Parses any URI that may appear as a Request-URI or inside name-addr / addr-spec. */
export function parseUri(text: string): ParseResult<Uri> {
  const colon = text.indexOf(':');
  if (colon <= 0) return fail('URI has no scheme');
  const scheme = text.slice(0, colon);
  if (!SCHEME.test(scheme)) return fail('URI scheme is not valid');
  const lower = scheme.toLowerCase();
  if (lower === 'sip' || lower === 'sips') return parseSipUri(text);
  if (lower === 'tel') return parseTelUri(text);
  const opaque = text.slice(colon + 1);
  // absoluteURI = scheme ":" ( hier-part / opaque-part ): no whitespace, quotes or angle brackets in it.
  if (opaque.length === 0 || /[\s"<>\\^`{|}]/.test(opaque)) return fail('URI is not a valid absoluteURI');
  return ok({ kind: 'absolute', scheme: lower, opaque });
}

export function formatUri(uri: Uri): string {
  switch (uri.kind) {
    case 'sip':
      return formatSipUri(uri);
    case 'tel':
      return formatTelUri(uri);
    case 'absolute':
      return `${uri.scheme}:${uri.opaque}`;
    default: {
      const never: never = uri;
      return never;
    }
  }
}

/** The parameter named `name` (case-insensitive, RFC 3261 §19.1.4), or undefined. */
export function findParam(params: readonly Param[], name: string): Param | undefined {
  const lower = name.toLowerCase();
  return params.find((p) => p.name.toLowerCase() === lower);
}

/** The value of parameter `name`: '' when present without a value, undefined when absent. */
export function paramValue(params: readonly Param[], name: string): string | undefined {
  const param = findParam(params, name);
  return param ? (param.value ?? '') : undefined;
}

export function formatParams(params: readonly Param[]): string {
  return params.map((p) => (p.value === undefined ? `;${p.name}` : `;${p.name}=${p.value}`)).join('');
}

/** Decodes %HEX HEX escapes as UTF-8 (invalid sequences become U+FFFD), e.g. to show a user part. */
export function unescapeUriComponent(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const char = String.fromCodePoint(s.codePointAt(i) ?? 0);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length - 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
