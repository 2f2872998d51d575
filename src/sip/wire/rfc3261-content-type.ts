/**
 * RFC 3261 §20.15 — Content-Type: media-type = m-type SLASH m-subtype *( SEMI m-parameter ).
 * https://www.rfc-editor.org/rfc/rfc3261#section-20.15
 */

import { fail, ok, type ParseResult } from './parse-result.js';
import { isToken, trimLws } from './rfc3261-chars.js';
import { parseParams } from './rfc3261-params.js';
import { formatParams, type Param } from './uri.js';

export interface MediaType {
  /** Lower-cased: media types compare case-insensitively. */
  readonly type: string;
  readonly subtype: string;
  readonly params: readonly Param[];
}

export function parseMediaType(value: string): ParseResult<MediaType> {
  const match = /^([^\s/;]+)\s*\/\s*([^\s/;]+)(.*)$/s.exec(trimLws(value));
  if (!match) return fail('malformed media type');
  const [, type = '', subtype = '', rest = ''] = match;
  if (!isToken(type) || !isToken(subtype)) return fail('malformed media type');
  const params = parseParams(rest);
  if (!params.ok) return fail(`media type: ${params.error}`);
  return ok({ type: type.toLowerCase(), subtype: subtype.toLowerCase(), params: params.value });
}

export function formatMediaType(mediaType: MediaType): string {
  return `${mediaType.type}/${mediaType.subtype}${formatParams(mediaType.params)}`;
}
