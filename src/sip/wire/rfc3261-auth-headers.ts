/**
 * RFC 3261 §20.7, §20.27, §20.28, §20.44 and §25.1 — WWW-Authenticate, Proxy-Authenticate, Authorization,
 * Proxy-Authorization: scheme plus auth-params, with the Digest challenge and response of RFC 2617 /
 * RFC 8760 typed (quoted strings unescaped).
 * https://www.rfc-editor.org/rfc/rfc3261#section-22.4 · https://www.rfc-editor.org/rfc/rfc8760
 */

import { type Building, fail, ok, type ParseResult } from './parse-result.js';
import {
  isToken,
  isTokenChar,
  quoteString,
  scanQuotedString,
  skipWhitespace,
  trimLws,
} from './rfc3261-chars.js';

export interface AuthHeader {
  readonly scheme: string;
  /** auth-param values by lower-cased name, quoted strings unescaped. */
  readonly params: ReadonlyMap<string, string>;
}

function readParam(s: string, start: number): ParseResult<{ name: string; value: string; end: number }> {
  let i = start;
  while (i < s.length && isTokenChar(s[i] as string)) i++;
  const name = s.slice(start, i);
  if (name === '') return fail('empty auth-param');
  i = skipWhitespace(s, i);
  if (s[i] !== '=') return fail(`auth-param "${name}" has no value`);
  i = skipWhitespace(s, i + 1);
  if (s[i] === '"') {
    const quoted = scanQuotedString(s, i);
    if (!quoted.ok) return fail(`auth-param "${name}": ${quoted.error}`);
    return ok({ name, value: quoted.value, end: quoted.end });
  }
  const valueStart = i;
  while (i < s.length && isTokenChar(s[i] as string)) i++;
  if (i === valueStart) return fail(`auth-param "${name}" has no value`);
  return ok({ name, value: s.slice(valueStart, i), end: i });
}

/** challenge / credentials = auth-scheme LWS auth-param *(COMMA auth-param). */
export function parseAuthHeader(value: string): ParseResult<AuthHeader> {
  const text = trimLws(value);
  const space = text.search(/[ \t]/);
  const scheme = space < 0 ? text : text.slice(0, space);
  if (!isToken(scheme)) return fail('malformed auth scheme');
  const params = new Map<string, string>();
  let i = space < 0 ? text.length : skipWhitespace(text, space);
  while (i < text.length) {
    const param = readParam(text, i);
    if (!param.ok) return param;
    const name = param.value.name.toLowerCase();
    if (params.has(name)) return fail(`auth-param "${name}" repeated`);
    params.set(name, param.value.value);
    i = skipWhitespace(text, param.value.end);
    if (i < text.length) {
      if (text[i] !== ',') return fail('auth-params must be separated by commas');
      i = skipWhitespace(text, i + 1);
    }
  }
  return ok({ scheme, params });
}

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  readonly domain?: string;
  readonly stale: boolean;
  /** MD5 when absent (RFC 2617 §3.2.1); RFC 8760 adds SHA-256 and SHA-512-256. */
  readonly algorithm?: string;
  readonly qop: readonly string[];
}

export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  readonly algorithm?: string;
  readonly cnonce?: string;
  readonly opaque?: string;
  readonly qop?: string;
  readonly nc?: string;
}

function digestParams(value: string): ParseResult<ReadonlyMap<string, string>> {
  const header = parseAuthHeader(value);
  if (!header.ok) return header;
  if (header.value.scheme.toLowerCase() !== 'digest') return fail('not a Digest header');
  return ok(header.value.params);
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

export function parseDigestChallenge(value: string): ParseResult<DigestChallenge> {
  const params = digestParams(value);
  if (!params.ok) return params;
  const p = params.value;
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  if (realm === undefined || nonce === undefined) return fail('Digest challenge needs realm and nonce');
  return ok({
    realm,
    nonce,
    ...optional('opaque', p.get('opaque')),
    ...optional('domain', p.get('domain')),
    stale: p.get('stale')?.toLowerCase() === 'true',
    ...optional('algorithm', p.get('algorithm')),
    qop: (p.get('qop') ?? '')
      .split(',')
      .map((q) => trimLws(q))
      .filter((q) => q !== ''),
  });
}

export function parseDigestCredentials(value: string): ParseResult<DigestCredentials> {
  const params = digestParams(value);
  if (!params.ok) return params;
  const p = params.value;
  const required = ['username', 'realm', 'nonce', 'uri', 'response'] as const;
  const missing = required.find((k) => p.get(k) === undefined);
  if (missing) return fail(`Digest credentials lack ${missing}`);
  const qop = p.get('qop');
  // RFC 2617 §3.2.2: with qop, cnonce and nc MUST be present.
  if (qop !== undefined && (p.get('cnonce') === undefined || p.get('nc') === undefined)) {
    return fail('Digest credentials with qop need cnonce and nc');
  }
  const credentials: Building<DigestCredentials> = {
    username: p.get('username') as string,
    realm: p.get('realm') as string,
    nonce: p.get('nonce') as string,
    uri: p.get('uri') as string,
    response: p.get('response') as string,
  };
  const algorithm = p.get('algorithm');
  const cnonce = p.get('cnonce');
  const opaque = p.get('opaque');
  const nc = p.get('nc');
  if (algorithm !== undefined) credentials.algorithm = algorithm;
  if (cnonce !== undefined) credentials.cnonce = cnonce;
  if (opaque !== undefined) credentials.opaque = opaque;
  if (qop !== undefined) credentials.qop = qop;
  if (nc !== undefined) credentials.nc = nc;
  return ok(credentials);
}

export function formatDigestChallenge(c: DigestChallenge): string {
  const parts = [`realm=${quoteString(c.realm)}`];
  if (c.domain !== undefined) parts.push(`domain=${quoteString(c.domain)}`);
  parts.push(`nonce=${quoteString(c.nonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quoteString(c.opaque)}`);
  if (c.stale) parts.push('stale=TRUE');
  if (c.algorithm !== undefined) parts.push(`algorithm=${c.algorithm}`);
  if (c.qop.length > 0) parts.push(`qop=${quoteString(c.qop.join(','))}`);
  return `Digest ${parts.join(', ')}`;
}

export function formatDigestCredentials(c: DigestCredentials): string {
  const quoted = (k: string, v: string | undefined) => (v === undefined ? [] : [`${k}=${quoteString(v)}`]);
  const plain = (k: string, v: string | undefined) => (v === undefined ? [] : [`${k}=${v}`]);
  const parts = [
    ...quoted('username', c.username),
    ...quoted('realm', c.realm),
    ...quoted('nonce', c.nonce),
    ...quoted('uri', c.uri),
    ...quoted('response', c.response),
    ...plain('algorithm', c.algorithm),
    ...quoted('cnonce', c.cnonce),
    ...quoted('opaque', c.opaque),
    ...plain('qop', c.qop),
    ...plain('nc', c.nc),
  ];
  return `Digest ${parts.join(', ')}`;
}
