/**
 * RFC 3261 §20.10 and §25.1 — name-addr / addr-spec with header parameters, as used by From, To,
 * Contact, Route, Record-Route, Reply-To and their extensions.
 * https://www.rfc-editor.org/rfc/rfc3261#section-20.10
 */

import { type Building, fail, ok, type ParseResult } from './parse-result.js';
import {
  isToken,
  isWhitespace,
  quoteString,
  scanQuotedString,
  skipWhitespace,
  trimLws,
} from './rfc3261-chars.js';
import { parseParams } from './rfc3261-params.js';
import { formatParams, formatUri, type Param, parseUri, type Uri } from './uri.js';

export interface NameAddr {
  /** Unescaped display name; undefined when there is none. */
  readonly displayName?: string;
  readonly uri: Uri;
  /** Header parameters (tag, expires, q, lr …), values as received. */
  readonly params: readonly Param[];
}

export interface NameAddrOptions {
  /** Whether the bare addr-spec form is allowed (From, To, Contact: yes; Route, Record-Route: no). */
  readonly allowAddrSpec: boolean;
}

function parseBracketed(text: string, open: number, displayName: string | undefined): ParseResult<NameAddr> {
  const close = text.indexOf('>', open);
  if (close < 0) return fail('missing ">" after URI');
  const uriText = text.slice(open + 1, close);
  // LAQUOT = SWS "<" and RAQUOT = ">" SWS: no whitespace is allowed inside the brackets.
  if (/\s/.test(uriText)) return fail('whitespace inside <URI>');
  const uri = parseUri(uriText);
  if (!uri.ok) return uri;
  const params = parseParams(text.slice(close + 1));
  if (!params.ok) return params;
  const nameAddr: Building<NameAddr> = { uri: uri.value, params: params.value };
  if (displayName !== undefined) nameAddr.displayName = displayName;
  return ok(nameAddr);
}

function parseAddrSpec(text: string): ParseResult<NameAddr> {
  let end = 0;
  while (end < text.length && text[end] !== ';' && !isWhitespace(text[end])) end++;
  const uriText = text.slice(0, end);
  // §20.10: a URI containing a comma, question mark or semicolon MUST be enclosed in angle brackets.
  if (/[?,]/.test(uriText)) return fail('URI with "?" or "," must be enclosed in <>');
  const uri = parseUri(uriText);
  if (!uri.ok) return uri;
  const params = parseParams(text.slice(end));
  if (!params.ok) return params;
  return ok({ uri: uri.value, params: params.value });
}

/** Parses one name-addr or addr-spec followed by header parameters. */
export function parseNameAddr(value: string, options: NameAddrOptions): ParseResult<NameAddr> {
  const text = trimLws(value);
  if (text.startsWith('"')) {
    const quoted = scanQuotedString(text, 0);
    if (!quoted.ok) return fail(`display name: ${quoted.error}`);
    const open = skipWhitespace(text, quoted.end);
    if (text[open] !== '<') return fail('expected "<" after the display name');
    return parseBracketed(text, open, quoted.value);
  }
  const open = text.indexOf('<');
  if (open < 0) {
    return options.allowAddrSpec ? parseAddrSpec(text) : fail('expected a name-addr (<URI>)');
  }
  // display-name = *(token LWS) / quoted-string. RFC 4475 §3.1.1.6: no LWS before "<" is accepted too.
  const words = trimLws(text.slice(0, open));
  if (words !== '' && !words.split(/[ \t]+/).every(isToken)) {
    return fail('display name with non-token characters must be quoted');
  }
  return parseBracketed(text, open, words === '' ? undefined : words.replace(/[ \t]+/g, ' '));
}

/** Formats as name-addr (always bracketed, which is valid wherever addr-spec is). */
export function formatNameAddr(nameAddr: NameAddr): string {
  const name = nameAddr.displayName;
  const display =
    name === undefined
      ? ''
      : name !== '' && name.split(' ').every(isToken)
        ? `${name} `
        : `${quoteString(name)} `;
  return `${display}<${formatUri(nameAddr.uri)}>${formatParams(nameAddr.params)}`;
}
