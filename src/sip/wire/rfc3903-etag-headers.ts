/**
 * RFC 3903 §11.3 — the SIP-ETag and SIP-If-Match header fields of event state publication
 * (entity-tag = token).
 * https://www.rfc-editor.org/rfc/rfc3903#section-11.3
 */

import { fail, ok, type ParseResult } from './parse-result.js';
import { isToken, trimLws } from './rfc3261-chars.js';

/** Parses a SIP-ETag or SIP-If-Match value. */
export function parseEntityTag(value: string): ParseResult<string> {
  const tag = trimLws(value);
  return isToken(tag) ? ok(tag) : fail('entity-tag must be a token');
}
