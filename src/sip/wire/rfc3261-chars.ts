/**
 * RFC 3261 §25.1 — the basic rules of the SIP grammar (character classes, tokens, quoted strings).
 * https://www.rfc-editor.org/rfc/rfc3261#section-25.1
 */

function charSet(chars: string): ReadonlySet<string> {
  return new Set(chars.split(''));
}

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** unreserved = alphanum / mark; mark = - _ . ! ~ * ' ( ) */
export const UNRESERVED = charSet(`${ALPHANUM}-_.!~*'()`);
/** reserved = ; / ? : @ & = + $ , */
export const RESERVED = charSet(';/?:@&=+$,');
/** token = 1*(alphanum / - . ! % * _ + ` ' ~ ) */
const TOKEN = charSet(`${ALPHANUM}-.!%*_+\`'~`);
/** word = 1*(alphanum / - . ! % * _ + ` ' ~ ( ) < > : \ " / [ ] ? { }) */
const WORD = charSet(`${ALPHANUM}-.!%*_+\`'~()<>:\\"/[]?{}`);

export function isTokenChar(c: string): boolean {
  return TOKEN.has(c);
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (const c of s) if (!TOKEN.has(c)) return false;
  return true;
}

/** Call-ID = word [ "@" word ] (RFC 3261 §25.1). */
export function isCallId(s: string): boolean {
  const at = s.indexOf('@');
  const parts = at < 0 ? [s] : [s.slice(0, at), s.slice(at + 1)];
  return parts.every((p) => p.length > 0 && [...p].every((c) => WORD.has(c)));
}

export function isWhitespace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

export function isDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

/** True when `s` has a %HEX HEX escape at index `i` (escaped = "%" HEXDIG HEXDIG). */
export function isEscapedAt(s: string, i: number): boolean {
  return s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3));
}

/** True when every char of `s` is unreserved, in `extra`, or part of a %HEX HEX escape. */
export function isUriComponent(s: string, extra: ReadonlySet<string>): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (UNRESERVED.has(c) || extra.has(c)) continue;
    if (isEscapedAt(s, i)) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

export type QuotedStringScan = { ok: true; value: string; end: number } | { ok: false; error: string };

/**
 * Reads a quoted-string starting at `start` (which must be a DQUOTE) and returns its unescaped content and
 * the index just after the closing quote. quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F) (RFC 3261 §25.1).
 */
export function scanQuotedString(s: string, start: number): QuotedStringScan {
  if (s[start] !== '"') return { ok: false, error: 'expected a quoted string' };
  let value = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '"') return { ok: true, value, end: i + 1 };
    if (c === '\\') {
      const next = s[i + 1];
      if (next === undefined || next === '\r' || next === '\n') break;
      value += next;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') break;
    value += c;
  }
  return { ok: false, error: 'unterminated quoted string' };
}

/** Quotes `s` as a quoted-string, escaping backslash and DQUOTE. */
export function quoteString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Removes surrounding quotes (and quoted-pair escapes) when `s` is a quoted-string; otherwise returns it. */
export function unquote(s: string): string {
  if (!s.startsWith('"')) return s;
  const scanned = scanQuotedString(s, 0);
  return scanned.ok && scanned.end === s.length ? scanned.value : s;
}

export function skipWhitespace(s: string, i: number): number {
  let j = i;
  while (isWhitespace(s[j])) j++;
  return j;
}

/** Removes SP and HTAB at both ends. (String.prototype.trim would also eat U+FEFF and other Unicode spaces.) */
export function trimLws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}
