/**
 * RFC 3261 §19.1.1 and §25.1 — SIP and SIPS URI components: userinfo, hostport, uri-parameters, headers.
 * https://www.rfc-editor.org/rfc/rfc3261#section-19.1.1
 */
import { classifyHost } from './ip-address.js';
import { type Building, fail, ok, type ParseResult } from './parse-result.js';
import { isUriComponent } from './rfc3261-chars.js';
import { formatParams, type Param, type SipUri, type UriHeader } from './uri.js';

const set = (chars: string): ReadonlySet<string> => new Set(chars.split(''));
/** user-unreserved = & = + $ , ; ? / */
const USER_EXTRA = set('&=+$,;?/');
/** password = *( unreserved / escaped / & = + $ , ) */
const PASSWORD_EXTRA = set('&=+$,');
/** param-unreserved = [ ] / : & + $ */
const PARAM_EXTRA = set('[]/:&+$');
/** hnv-unreserved = [ ] / ? : + $ */
const HEADER_EXTRA = set('[]/?:+$');

function parseHostPort(text: string): ParseResult<{ host: string; port?: number }> {
  let host: string;
  let rest: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return fail('unterminated IPv6 reference');
    host = text.slice(0, close + 1);
    rest = text.slice(close + 1);
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    rest = colon < 0 ? '' : text.slice(colon);
  }
  if (!classifyHost(host)) return fail(`invalid host "${host}"`);
  if (rest === '') return ok({ host });
  // port = 1*DIGIT; a value outside 0-65535 cannot address a transport.
  if (!/^:[0-9]{1,5}$/.test(rest) || Number(rest.slice(1)) > 65535) return fail('invalid port');
  return ok({ host, port: Number(rest.slice(1)) });
}

function parseUriParams(text: string): ParseResult<Param[]> {
  if (text === '') return ok([]);
  const params: Param[] = [];
  for (const item of text.slice(1).split(';')) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? undefined : item.slice(eq + 1);
    // pname = 1*paramchar, pvalue = 1*paramchar (RFC 3261 §25.1).
    if (name === '' || !isUriComponent(name, PARAM_EXTRA)) return fail(`invalid URI parameter "${item}"`);
    if (value !== undefined && (value === '' || !isUriComponent(value, PARAM_EXTRA))) {
      return fail(`invalid value of URI parameter "${name}"`);
    }
    params.push(value === undefined ? { name } : { name, value });
  }
  return ok(params);
}

function parseUriHeaders(text: string): ParseResult<UriHeader[]> {
  if (text === '') return ok([]);
  const headers: UriHeader[] = [];
  for (const item of text.slice(1).split('&')) {
    const eq = item.indexOf('=');
    if (eq <= 0) return fail(`invalid URI header "${item}"`);
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    // hname = 1*( hnv-unreserved / unreserved / escaped ), hvalue = *( same ).
    if (!isUriComponent(name, HEADER_EXTRA) || !isUriComponent(value, HEADER_EXTRA)) {
      return fail(`invalid URI header "${item}"`);
    }
    headers.push({ name, value });
  }
  return ok(headers);
}

/** Parses `sip:` / `sips:` URIs (scheme case-insensitive). */
export function parseSipUri(text: string): ParseResult<SipUri> {
  const colon = text.indexOf(':');
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips') return fail('not a SIP or SIPS URI');
  let rest = text.slice(colon + 1);
  // '@' is never unescaped outside userinfo, so the first one ends it.
  const at = rest.indexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const pw = userinfo.indexOf(':');
    user = pw < 0 ? userinfo : userinfo.slice(0, pw);
    password = pw < 0 ? undefined : userinfo.slice(pw + 1);
    if (user === '' || !isUriComponent(user, USER_EXTRA)) return fail('invalid user part in URI');
    if (password !== undefined && !isUriComponent(password, PASSWORD_EXTRA)) {
      return fail('invalid password in URI');
    }
  }
  const question = rest.indexOf('?');
  const beforeHeaders = question < 0 ? rest : rest.slice(0, question);
  const headerText = question < 0 ? '' : rest.slice(question);
  const semi = beforeHeaders.indexOf(';');
  const hostport = parseHostPort(semi < 0 ? beforeHeaders : beforeHeaders.slice(0, semi));
  if (!hostport.ok) return hostport;
  const params = parseUriParams(semi < 0 ? '' : beforeHeaders.slice(semi));
  if (!params.ok) return params;
  const headers = parseUriHeaders(headerText);
  if (!headers.ok) return headers;
  const uri: Building<SipUri> = {
    kind: 'sip',
    scheme,
    host: hostport.value.host,
    params: params.value,
    headers: headers.value,
  };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (hostport.value.port !== undefined) uri.port = hostport.value.port;
  return ok(uri);
}

export function formatSipUri(uri: SipUri): string {
  const userinfo =
    uri.user === undefined ? '' : `${uri.user}${uri.password === undefined ? '' : `:${uri.password}`}@`;
  const port = uri.port === undefined ? '' : `:${uri.port}`;
  const headers =
    uri.headers.length === 0 ? '' : `?${uri.headers.map((h) => `${h.name}=${h.value}`).join('&')}`;
  return `${uri.scheme}:${userinfo}${uri.host}${port}${formatParams(uri.params)}${headers}`;
}
