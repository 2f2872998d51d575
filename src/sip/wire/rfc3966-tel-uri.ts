/**
 * RFC 3966 — The tel URI for Telephone Numbers: telephone-subscriber (global or local number) and its
 * parameters (isub, ext, phone-context and extensions).
 * https://www.rfc-editor.org/rfc/rfc3966#section-3
 */

import { fail, ok, type ParseResult } from './parse-result.js';
import { isUriComponent } from './rfc3261-chars.js';
import { findParam, formatParams, type Param, type TelUri } from './uri.js';

/** param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" (RFC 3966 §3). */
const PARAM_EXTRA: ReadonlySet<string> = new Set('[]/:&+$'.split(''));
/** global-number-digits = "+" *phonedigit DIGIT *phonedigit; visual-separator = - . ( ) */
const GLOBAL_NUMBER = /^\+[0-9\-.()]*[0-9][0-9\-.()]*$/;
/** local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex */
const LOCAL_NUMBER = /^[0-9A-Fa-f*#\-.()]*[0-9A-Fa-f*#][0-9A-Fa-f*#\-.()]*$/;

export function parseTelUri(text: string): ParseResult<TelUri> {
  const colon = text.indexOf(':');
  if (text.slice(0, colon).toLowerCase() !== 'tel') return fail('not a tel URI');
  const [number = '', ...items] = text.slice(colon + 1).split(';');
  const isGlobal = number.startsWith('+');
  if (!(isGlobal ? GLOBAL_NUMBER : LOCAL_NUMBER).test(number)) return fail('invalid telephone number');
  const params: Param[] = [];
  for (const item of items) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? undefined : item.slice(eq + 1);
    if (!/^[A-Za-z0-9-]+$/.test(name)) return fail(`invalid tel URI parameter "${item}"`);
    if (value !== undefined && (value === '' || !isUriComponent(value, PARAM_EXTRA))) {
      return fail(`invalid value of tel URI parameter "${name}"`);
    }
    params.push(value === undefined ? { name } : { name, value });
  }
  // RFC 3966 §5.1.5: local numbers MUST carry a phone-context parameter.
  if (!isGlobal && !findParam(params, 'phone-context')) return fail('local tel number without phone-context');
  return ok({ kind: 'tel', scheme: 'tel', number, isGlobal, params });
}

export function formatTelUri(uri: TelUri): string {
  return `tel:${uri.number}${formatParams(uri.params)}`;
}
