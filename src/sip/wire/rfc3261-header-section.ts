/**
 * RFC 3261 §7.3.1 and §7.5 — the header section of a message: CRLF-terminated lines, folded continuation
 * lines (CRLF followed by SP/HTAB, equivalent to one SP), and "name HCOLON value" fields.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7.3.1
 */
import { canonicalHeaderName } from './header-names.js';
import { isTokenRange, isWhitespace, trimLws } from './rfc3261-chars.js';
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

/** "name HCOLON value" with the name canonical (header-names.ts); undefined when malformed. */
function parseField(line: string): SipHeader | undefined {
  const colon = line.indexOf(':');
  if (colon < 0) return undefined;
  // HCOLON = *( SP / HTAB ) ":" SWS
  let nameEnd = colon;
  while (nameEnd > 0 && isWhitespace(line[nameEnd - 1])) nameEnd--;
  if (!isTokenRange(line, 0, nameEnd)) return undefined;
  return { name: canonicalHeaderName(line.slice(0, nameEnd)), value: trimLws(line.slice(colon + 1)) };
}

const hasCrOrLf = (text: string): boolean => text.includes('\r') || text.includes('\n');

/**
 * Parses the text before the empty line (without it): a start line and header fields, names
 * canonical. Continuation lines join the field before them: the line break and their leading
 * whitespace become a single SP (§7.3.1). Stops at `maxHeaderCount` fields, keeping what was read
 * so that the request can still be answered.
 */
export function parseHeaderSection(text: string, maxHeaderCount: number): HeaderSectionResult {
  const firstBreak = text.indexOf('\r\n');
  const startLine = firstBreak < 0 ? text : text.slice(0, firstBreak);
  const headers: SipHeader[] = [];
  const fail = (detail: string, tooManyHeaders = false): HeaderSectionResult => ({
    ok: false,
    tooManyHeaders,
    detail,
    startLine,
    headers,
  });
  if (hasCrOrLf(startLine)) return fail('bare CR or LF in the start line');
  if (firstBreak < 0) return { ok: true, startLine, headers };
  /** The field being read, with its continuation lines joined; undefined before the first. */
  let field: string | undefined;
  const flush = (): HeaderSectionResult | undefined => {
    if (field === undefined) return undefined;
    if (headers.length >= maxHeaderCount) return fail('too many header fields', true);
    const header = hasCrOrLf(field) ? undefined : parseField(field);
    if (!header) return fail(`malformed header line "${field.slice(0, 40)}"`);
    headers.push(header);
    return undefined;
  };
  let at = firstBreak + 2;
  for (;;) {
    const end = text.indexOf('\r\n', at);
    const line = end < 0 ? text.slice(at) : text.slice(at, end);
    if (isWhitespace(line[0])) {
      if (field === undefined) return fail('continuation line before any header');
      let from = 1;
      while (isWhitespace(line[from])) from++;
      field = `${field} ${line.slice(from)}`;
    } else {
      const refused = flush();
      if (refused) return refused;
      field = line;
    }
    if (end < 0) break;
    at = end + 2;
  }
  return flush() ?? { ok: true, startLine, headers };
}
