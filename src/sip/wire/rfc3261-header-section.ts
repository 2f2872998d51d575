/**
 * RFC 3261 §7.3.1 and §7.5 — the header section of a message: CRLF-terminated lines, folded continuation
 * lines (CRLF followed by SP/HTAB, equivalent to one SP), and "name HCOLON value" fields.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7.3.1
 */
import { isToken, isWhitespace, trimLws } from './rfc3261-chars.js';
import type { SipHeader } from './sip-headers.js';

export type HeaderSectionResult =
  | { readonly ok: true; readonly startLine: string; readonly headers: SipHeader[] }
  | {
      readonly ok: false;
      readonly tooManyHeaders: boolean;
      readonly detail: string;
      readonly startLine: string;
      /** The well-formed header fields read before the error. */
      readonly headers: SipHeader[];
    };

function parseField(line: string): SipHeader | undefined {
  const colon = line.indexOf(':');
  if (colon < 0) return undefined;
  // HCOLON = *( SP / HTAB ) ":" SWS
  const name = line.slice(0, colon).replace(/[ \t]+$/, '');
  if (!isToken(name)) return undefined;
  return { name, value: trimLws(line.slice(colon + 1)) };
}

/** Joins continuation lines: the line break and leading whitespace become a single SP (§7.3.1). */
function unfold(lines: readonly string[]): { fields: string[]; error?: string } {
  const fields: string[] = [];
  for (const line of lines) {
    if (isWhitespace(line[0])) {
      if (fields.length === 0) return { fields, error: 'continuation line before any header' };
      fields[fields.length - 1] = `${fields[fields.length - 1]} ${line.replace(/^[ \t]+/, '')}`;
    } else {
      fields.push(line);
    }
  }
  return { fields };
}

/**
 * Parses the text before the empty line (without it): a start line and header fields. Stops at
 * `maxHeaderCount` fields, keeping what was read so that the request can still be answered.
 */
export function parseHeaderSection(text: string, maxHeaderCount: number): HeaderSectionResult {
  const [startLine = '', ...rest] = text.split('\r\n');
  const fail = (detail: string, headers: SipHeader[], tooManyHeaders = false): HeaderSectionResult => ({
    ok: false,
    tooManyHeaders,
    detail,
    startLine,
    headers,
  });
  if (/[\r\n]/.test(startLine)) return fail('bare CR or LF in the start line', []);
  const { fields, error } = unfold(rest);
  const headers: SipHeader[] = [];
  for (const field of fields) {
    if (headers.length >= maxHeaderCount) return fail('too many header fields', headers, true);
    const header = /[\r\n]/.test(field) ? undefined : parseField(field);
    if (!header) return fail(`malformed header line "${field.slice(0, 40)}"`, headers);
    headers.push(header);
  }
  return error === undefined ? { ok: true, startLine, headers } : fail(error, headers);
}
