/**
 * XMPP addresses (RFC 7622). Parsing and comparison are pure; the branded `Jid` and `BareJid`
 * strings are always in canonical form, so `===` compares them.
 *
 * Preparation is a documented subset of PRECIS: localparts are case-mapped to lower case
 * (RFC 7622 §3.3.1, UsernameCaseMapped) and NFC-normalised, domains lower-cased (§3.2.2),
 * resources NFC-normalised and otherwise kept (§3.4.1 OpaqueString). Characters RFC 7622 §3.3.1
 * forbids in localparts (`"&'/:<>@` and spaces) and control characters anywhere are refused.
 */
declare const jidBrand: unique symbol;
declare const bareBrand: unique symbol;

/** A full or bare JID in canonical form. */
export type Jid = string & { readonly [jidBrand]: 'Jid' };
/** localpart@domain or domain, canonical. */
export type BareJid = Jid & { readonly [bareBrand]: 'BareJid' };

export interface JidParts {
  readonly local: string | null;
  readonly domain: string;
  readonly resource: string | null;
}

const PART_MAX_BYTES = 1023; // RFC 7622 §3.1: each part at most 1023 octets
const FORBIDDEN_LOCAL = /[\s"&'/:<>@]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const DOMAIN =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Splits and prepares a JID; null when it is not a valid JID (RFC 7622 §3.1, §3.5). */
export function parseJidParts(input: string): JidParts | null {
  if (input.length === 0 || input.length > 3071) return null;
  // §3.1: the first '/' separates the resource; the '@' before it the localpart.
  const slash = input.indexOf('/');
  const beforeResource = slash < 0 ? input : input.slice(0, slash);
  const rawResource = slash < 0 ? null : input.slice(slash + 1);
  const at = beforeResource.indexOf('@');
  const rawLocal = at < 0 ? null : beforeResource.slice(0, at);
  const rawDomain = at < 0 ? beforeResource : beforeResource.slice(at + 1);

  const domain = rawDomain.replace(/\.$/, '').normalize('NFC').toLowerCase(); // §3.2.1 trailing dot
  if (!domain || bytes(domain) > PART_MAX_BYTES || !DOMAIN.test(domain)) return null;

  let local: string | null = null;
  if (rawLocal !== null) {
    local = rawLocal.normalize('NFC').toLowerCase();
    if (!local || bytes(local) > PART_MAX_BYTES || FORBIDDEN_LOCAL.test(local) || CONTROL.test(local))
      return null;
  }
  let resource: string | null = null;
  if (rawResource !== null) {
    resource = rawResource.normalize('NFC');
    if (!resource || bytes(resource) > PART_MAX_BYTES || CONTROL.test(resource)) return null;
  }
  return { local, domain, resource };
}

export function formatJid(parts: JidParts): Jid {
  const bare = parts.local === null ? parts.domain : `${parts.local}@${parts.domain}`;
  return (parts.resource === null ? bare : `${bare}/${parts.resource}`) as Jid;
}

export function parseJid(input: string): Jid | null {
  const parts = parseJidParts(input);
  return parts ? formatJid(parts) : null;
}

export function bareJid(jid: Jid): BareJid {
  const slash = jid.indexOf('/');
  return (slash < 0 ? jid : jid.slice(0, slash)) as BareJid;
}

export function isBareJid(jid: Jid): jid is BareJid {
  return !jid.includes('/');
}

export function jidResource(jid: Jid): string | null {
  const slash = jid.indexOf('/');
  return slash < 0 ? null : jid.slice(slash + 1);
}

export function jidLocal(jid: Jid): string | null {
  const bare = bareJid(jid);
  const at = bare.indexOf('@');
  return at < 0 ? null : bare.slice(0, at);
}

export function jidDomain(jid: Jid): string {
  const bare = bareJid(jid);
  return bare.slice(bare.indexOf('@') + 1);
}

export function userJid(username: string, domain: string): BareJid {
  return `${username}@${domain}` as BareJid;
}

export function withResource(bare: BareJid, resource: string): Jid {
  return `${bare}/${resource}` as Jid;
}
