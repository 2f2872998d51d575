/**
 * RFC 3261 §25.1 — header parameters: *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string, with LWS allowed around ";" and "=".
 * https://www.rfc-editor.org/rfc/rfc3261#section-25.1
 */
import { parseIPv6 } from './ip-address.js';
import { fail, ok, type ParseResult } from './parse-result.js';
import { isTokenChar, scanQuotedString, skipWhitespace } from './rfc3261-chars.js';
import type { Param } from './uri.js';

function readToken(s: string, start: number): number {
  let i = start;
  while (i < s.length && isTokenChar(s[i] as string)) i++;
  return i;
}

function readGenValue(s: string, start: number): ParseResult<number> {
  if (s[start] === '"') {
    const quoted = scanQuotedString(s, start);
    return quoted.ok ? ok(quoted.end) : fail(quoted.error);
  }
  if (s[start] === '[') {
    const close = s.indexOf(']', start);
    if (close < 0 || !parseIPv6(s.slice(start + 1, close)))
      return fail('invalid IPv6 reference in parameter');
    return ok(close + 1);
  }
  const end = readToken(s, start);
  return end > start ? ok(end) : fail('parameter has "=" but no value');
}

/**
 * Parses a parameter list (empty, or starting with optional LWS then ";"). Values are kept as received —
 * quoted strings keep their quotes — so that they are forwarded unchanged; `unquote` reads them.
 */
export function parseParams(text: string): ParseResult<Param[]> {
  const params: Param[] = [];
  let i = skipWhitespace(text, 0);
  while (i < text.length) {
    if (text[i] !== ';') return fail(`unexpected "${text[i]}" before parameters`);
    i = skipWhitespace(text, i + 1);
    const nameEnd = readToken(text, i);
    if (nameEnd === i) return fail('empty parameter');
    const name = text.slice(i, nameEnd);
    i = skipWhitespace(text, nameEnd);
    if (text[i] !== '=') {
      params.push({ name });
      continue;
    }
    const valueStart = skipWhitespace(text, i + 1);
    const valueEnd = readGenValue(text, valueStart);
    if (!valueEnd.ok) return valueEnd;
    params.push({ name, value: text.slice(valueStart, valueEnd.value) });
    i = skipWhitespace(text, valueEnd.value);
  }
  return ok(params);
}
