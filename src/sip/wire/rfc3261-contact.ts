/**
 * RFC 3261 §20.10 — the Contact header field: "*" or a list of contact addresses with the expires and q
 * parameters (§20.10, §10.2.1.1), and the address headers From / To (§20.20, §20.39) with their tag.
 * https://www.rfc-editor.org/rfc/rfc3261#section-20.10
 */

import { type Building, fail, ok, type ParseResult } from './parse-result.js';
import { recentParses } from './recent-parses.js';
import { isToken, trimLws } from './rfc3261-chars.js';
import { type NameAddr, parseNameAddr } from './rfc3261-name-addr.js';
import { parseDeltaSeconds } from './rfc3261-scalar-headers.js';
import { paramValue } from './uri.js';

export type ContactHeader =
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'addresses'; readonly contacts: readonly NameAddr[] };

/** Parses every value of every Contact line of a message (already comma-split). */
export function parseContacts(values: readonly string[]): ParseResult<ContactHeader> {
  if (values.length === 1 && trimLws(values[0] ?? '') === '*') return ok({ kind: 'wildcard' });
  const contacts: NameAddr[] = [];
  for (const value of values) {
    // STAR is only valid as the single Contact value (§10.3 step 6 rejects it otherwise).
    if (trimLws(value) === '*') return fail('Contact "*" must be the only Contact value');
    const contact = parseNameAddr(value, { allowAddrSpec: true });
    if (!contact.ok) return fail(`Contact: ${contact.error}`);
    contacts.push(contact.value);
  }
  return ok({ kind: 'addresses', contacts });
}

/**
 * The expires parameter of a contact: undefined when absent, an error when malformed (§20.10: malformed
 * values SHOULD be treated as 3600; applying that is the registrar's policy).
 */
export function contactExpires(contact: NameAddr): ParseResult<number> | undefined {
  const value = paramValue(contact.params, 'expires');
  return value === undefined ? undefined : parseDeltaSeconds(value);
}

/** qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) (§25.1); undefined when absent. */
export function contactQ(contact: NameAddr): ParseResult<number> | undefined {
  const value = paramValue(contact.params, 'q');
  if (value === undefined) return undefined;
  return /^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(value) ? ok(Number(value)) : fail('malformed q value');
}

export interface AddressHeader extends NameAddr {
  readonly tag?: string;
}

/** From / To: name-addr or addr-spec with from-param / to-param (tag). */
export const parseAddressHeader: (value: string) => ParseResult<AddressHeader> = recentParses(
  parseAddressHeaderOnce,
  512,
);

function parseAddressHeaderOnce(value: string): ParseResult<AddressHeader> {
  const parsed = parseNameAddr(value, { allowAddrSpec: true });
  if (!parsed.ok) return parsed;
  const tag = paramValue(parsed.value.params, 'tag');
  // tag-param = "tag" EQUAL token (§25.1).
  if (tag !== undefined && !isToken(tag)) return fail('tag parameter must be a token');
  if (tag === undefined) return parsed;
  const { displayName, uri, params } = parsed.value;
  const address: Building<AddressHeader> = { uri, params, tag };
  if (displayName !== undefined) address.displayName = displayName;
  return ok(address);
}

/** Route / Record-Route / Path / Service-Route: name-addr only (§20.30, §20.34). */
export function parseRouteSet(values: readonly string[]): ParseResult<NameAddr[]> {
  const routes: NameAddr[] = [];
  for (const value of values) {
    const route = parseNameAddr(value, { allowAddrSpec: false });
    if (!route.ok) return fail(`route: ${route.error}`);
    routes.push(route.value);
  }
  return ok(routes);
}
