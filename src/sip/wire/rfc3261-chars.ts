/**
 * RFC 3261 §25.1 — the basic rules of the SIP grammar (character classes, tokens, quoted strings).
 * https://www.rfc-editor.org/rfc/rfc3261#section-25.1
 */

function charSet(chars: string): ReadonlySet<string> {
  return new Set(chars.split(''));
}

/** The same characters as a table by char code, for the per-character loops of the parsers. */
function codeTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** unreserved = alphanum / mark; mark = - _ . ! ~ * ' ( ) */
export const UNRESERVED = charSet(`${ALPHANUM}-_.!~*'()`);
const UNRESERVED_CODES = codeTable(`${ALPHANUM}-_.!~*'()`);
/** reserved = ; / ? : @ & = + $ , */
export const RESERVED = charSet(';/?:@&=+$,');
/** token = 1*(alphanum / - . ! % * _ + ` ' ~ ) */
const TOKEN_CODES = codeTable(`${ALPHANUM}-.!%*_+\`'~`);
/** word = 1*(alphanum / - . ! % * _ + ` ' ~ ( ) < > : \ " / [ ] ? { }) */
const WORD_CODES = codeTable(`${ALPHANUM}-.!%*_+\`'~()<>:\\"/[]?{}`);

/** Whether char code `code` is in `table` (codes past ASCII never are). */
const isIn = (table: Uint8Array, code: number): boolean => code < 128 && table[code] === 1;

export function isTokenChar(c: string): boolean {
  // Callers may index past the end of a string (undefined): that is no token character.
  return c !== undefined && c.length === 1 && isIn(TOKEN_CODES, c.charCodeAt(0));
}

export function isToken(s: string): boolean {
  return isTokenRange(s, 0, s.length);
}

/** Whether `s` from `start` to before `end` is a token. */
export function isTokenRange(s: string, start: number, end: number): boolean {
  return isNonEmptyRunOf(TOKEN_CODES, s, start, end);
}

/** Whether `s` from `start` to before `end` is one or more characters, all in `table`. */
function isNonEmptyRunOf(table: Uint8Array, s: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (!isIn(table, s.charCodeAt(i))) return false;
  return true;
}

/** Call-ID = word [ "@" word ] (RFC 3261 §25.1). */
export function isCallId(s: string): boolean {
  const at = s.indexOf('@');
  const isWord = (start: number, end: number) => isNonEmptyRunOf(WORD_CODES, s, start, end);
  return at < 0 ? isWord(0, s.length) : isWord(0, at) && isWord(at + 1, s.length);
}

export function isWhitespace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

export function isDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

const isHexCode = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);

/** True when `s` has a %HEX HEX escape at index `i` (escaped = "%" HEXDIG HEXDIG). */
export function isEscapedAt(s: string, i: number): boolean {
  return s.charCodeAt(i) === 0x25 && isHexCode(s.charCodeAt(i + 1)) && isHexCode(s.charCodeAt(i + 2));
}

/** True when every char of `s` is unreserved, in `extra`, or part of a %HEX HEX escape. */
export function isUriComponent(s: string, extra: ReadonlySet<string>): boolean {
  for (let i = 0; i < s.length; i++) {
    if (isIn(UNRESERVED_CODES, s.charCodeAt(i)) || extra.has(s[i] as string)) continue;
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
  // Most quoted strings have no quoted-pair: their content is one slice.
  let value = '';
  let from = start + 1;
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return { ok: true, value: value + s.slice(from, i), end: i + 1 };
    if (c === 0x5c) {
      const next = s.charCodeAt(i + 1);
      if (Number.isNaN(next) || next === 0x0d || next === 0x0a) break;
      value += s.slice(from, i);
      from = i + 1;
      i++;
      continue;
    }
    if (c === 0x0d || c === 0x0a) break;
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
  let start = 0;
  let end = s.length;
  while (start < end && isLwsCode(s.charCodeAt(start))) start++;
  while (end > start && isLwsCode(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

const isLwsCode = (code: number): boolean => code === 0x20 || code === 0x09;
