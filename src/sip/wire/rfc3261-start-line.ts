/**
 * RFC 3261 §7.1 and §7.2 — the Request-Line (Method SP Request-URI SP SIP-Version) and the Status-Line
 * (SIP-Version SP Status-Code SP Reason-Phrase).
 * https://www.rfc-editor.org/rfc/rfc3261#section-7.1
 */
import { isToken } from './rfc3261-chars.js';
import { parseUri, type Uri } from './uri.js';

export type StartLine =
  | { readonly kind: 'request'; readonly method: string; readonly uri: Uri }
  | { readonly kind: 'response'; readonly status: number; readonly reason: string };

export type StartLineResult =
  | { readonly ok: true; readonly line: StartLine }
  | {
      readonly ok: false;
      readonly versionNotSupported: boolean;
      readonly detail: string;
      /** Set when the line is recognizably a request, so that it may still be answered. */
      readonly method?: string;
    };

const SIP_VERSION = /^SIP\/[0-9]+\.[0-9]+$/i;
const SIP_2_0 = /^SIP\/2\.0$/i;
/**
 * The method of a line that is recognizably a request (a token, whitespace, …, a last word starting with
 * "SIP/") even with bad spacing or a bad Request-URI, so that a 400 can still be sent. No backtracking
 * regex: the line comes from the network and may be long.
 */
function looseRequestMethod(line: string): string | undefined {
  const words = line.split(/[ \t]+/).filter((w) => w !== '');
  const [method, last] = [words[0], words[words.length - 1]];
  if (words.length < 3 || method === undefined || !isToken(method)) return undefined;
  return last?.toUpperCase().startsWith('SIP/') ? method : undefined;
}

function parseStatusLine(line: string): StartLineResult {
  // A missing SP before an empty Reason-Phrase is tolerated (RFC 4475 §3.1.1.13 calls that liberal).
  const match = /^(SIP\/[0-9]+\.[0-9]+) ([0-9]+)(?: (.*))?$/is.exec(line);
  if (!match) return { ok: false, versionNotSupported: false, detail: 'malformed Status-Line' };
  const [, version = '', code = '', reason = ''] = match;
  if (!SIP_2_0.test(version))
    return { ok: false, versionNotSupported: true, detail: 'SIP version not supported' };
  // Status-Code = 3DIGIT; 1xx-6xx are the only classes (§7.2).
  if (!/^[1-6][0-9]{2}$/.test(code))
    return { ok: false, versionNotSupported: false, detail: 'bad status code' };
  if ([...reason].some((c) => (c < ' ' && c !== '\t') || c === '\x7f')) {
    return { ok: false, versionNotSupported: false, detail: 'control character in Reason-Phrase' };
  }
  return { ok: true, line: { kind: 'response', status: Number(code), reason } };
}

function parseRequestLine(line: string): StartLineResult {
  const method = looseRequestMethod(line);
  if (method === undefined) return { ok: false, versionNotSupported: false, detail: 'malformed start line' };
  const parts = line.split(' ');
  // Exactly single SPs, no trailing whitespace (RFC 4475 §3.1.2.9 and §3.1.2.10 allow rejecting both).
  if (parts.length !== 3 || !SIP_VERSION.test(parts[2] ?? '')) {
    return { ok: false, versionNotSupported: false, detail: 'malformed Request-Line', method };
  }
  if (!SIP_2_0.test(parts[2] ?? '')) {
    return { ok: false, versionNotSupported: true, detail: 'SIP version not supported', method };
  }
  const uri = parseUri(parts[1] ?? '');
  if (!uri.ok)
    return { ok: false, versionNotSupported: false, detail: `bad Request-URI: ${uri.error}`, method };
  // §19.1.1 (table of URI components): header components are not allowed in a Request-URI.
  if (uri.value.kind === 'sip' && uri.value.headers.length > 0) {
    return { ok: false, versionNotSupported: false, detail: 'Request-URI must not contain headers', method };
  }
  return { ok: true, line: { kind: 'request', method, uri: uri.value } };
}

export function parseStartLine(line: string): StartLineResult {
  return /^SIP\//i.test(line) ? parseStatusLine(line) : parseRequestLine(line);
}
