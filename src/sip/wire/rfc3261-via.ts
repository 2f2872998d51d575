/**
 * RFC 3261 §20.42 — the Via header field (sent-protocol, sent-by, branch, received, maddr, ttl), with the
 * rport parameter of RFC 3581 §3.
 * https://www.rfc-editor.org/rfc/rfc3261#section-20.42 · https://www.rfc-editor.org/rfc/rfc3581#section-3
 */
import { classifyHost, isIPv4, parseIPv6 } from './ip-address.js';
import { type Building, fail, ok, type ParseResult } from './parse-result.js';
import { recentParses } from './recent-parses.js';
import { isToken, trimLws } from './rfc3261-chars.js';
import { parseParams } from './rfc3261-params.js';
import { formatParams, type Param, paramValue } from './uri.js';

/** RFC 3261 §8.1.1.7: branches starting with the magic cookie follow RFC 3261 transaction matching. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

export interface Via {
  readonly protocolName: string;
  readonly protocolVersion: string;
  /** Upper-cased transport token (UDP, TCP, TLS, SCTP, WS, WSS or an extension). */
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly params: readonly Param[];
  readonly branch?: string;
  readonly received?: string;
  /** RFC 3581: `true` when present without a value (a request for it), the port number when filled in. */
  readonly rport?: number | true;
}

// sent-protocol SLASH parts allow LWS around "/" (SLASH = SWS "/" SWS); LWS then sent-by; COLON = SWS ":" SWS.
const VIA = /^([^\s/]+)\s*\/\s*([^\s/]+)\s*\/\s*([^\s/]+)\s+(\[[^\]]*\]|[^\s;:[]+)(?:\s*:\s*([0-9]+))?(.*)$/s;

function checkKnownParams(params: readonly Param[]): ParseResult<Pick<Via, 'branch' | 'received' | 'rport'>> {
  const branch = paramValue(params, 'branch');
  if (branch !== undefined && !isToken(branch)) return fail('Via branch must be a token');
  const received = paramValue(params, 'received');
  // received = IPv4address / IPv6address (RFC 5118 §4.5 notes implementations also bracket IPv6 here).
  if (received !== undefined) {
    const bare = received.replace(/^\[(.*)\]$/, '$1');
    if (!isIPv4(bare) && !parseIPv6(bare)) return fail('Via received must be an IP address');
  }
  const rportText = paramValue(params, 'rport');
  if (rportText !== undefined && rportText !== '' && !/^[0-9]{1,5}$/.test(rportText)) {
    return fail('Via rport must be a port number');
  }
  const ttl = paramValue(params, 'ttl');
  if (ttl !== undefined && (!/^[0-9]{1,3}$/.test(ttl) || Number(ttl) > 255))
    return fail('Via ttl out of range');
  const maddr = paramValue(params, 'maddr');
  if (maddr !== undefined && !classifyHost(maddr)) return fail('Via maddr must be a host');
  const known: Building<Pick<Via, 'branch' | 'received' | 'rport'>> = {};
  if (branch !== undefined) known.branch = branch;
  if (received !== undefined) known.received = received;
  if (rportText !== undefined) known.rport = rportText === '' ? true : Number(rportText);
  return ok(known);
}

/** The Via with other parameters (written out: see withHeaders in sip-message.ts on spreads). */
export function viaWithParams(via: Via, params: readonly Param[]): Via {
  const copy: Building<Via> = {
    protocolName: via.protocolName,
    protocolVersion: via.protocolVersion,
    transport: via.transport,
    host: via.host,
    params,
  };
  if (via.port !== undefined) copy.port = via.port;
  if (via.branch !== undefined) copy.branch = via.branch;
  if (via.received !== undefined) copy.received = via.received;
  if (via.rport !== undefined) copy.rport = via.rport;
  return copy;
}

/** Parses one via-parm (a single value of a possibly comma-separated Via line). */
export const parseVia: (value: string) => ParseResult<Via> = recentParses(parseViaOnce, 512);

function parseViaOnce(value: string): ParseResult<Via> {
  const match = VIA.exec(trimLws(value));
  if (!match) return fail('malformed Via');
  const [, name = '', version = '', transport = '', host = '', portText, rest = ''] = match;
  if (![name, version, transport].every(isToken)) return fail('malformed Via sent-protocol');
  if (!classifyHost(host)) return fail(`invalid Via sent-by host "${host}"`);
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && port > 65535) return fail('Via port out of range');
  const params = parseParams(rest);
  if (!params.ok) return fail(`Via: ${params.error}`);
  const known = checkKnownParams(params.value);
  if (!known.ok) return known;
  const via: Building<Via> = {
    protocolName: name,
    protocolVersion: version,
    transport: transport.toUpperCase(),
    host,
    params: params.value,
  };
  if (port !== undefined) via.port = port;
  const { branch, received, rport } = known.value;
  if (branch !== undefined) via.branch = branch;
  if (received !== undefined) via.received = received;
  if (rport !== undefined) via.rport = rport;
  return ok(via);
}

export function formatVia(via: Via): string {
  const port = via.port === undefined ? '' : `:${via.port}`;
  const sentProtocol = `${via.protocolName}/${via.protocolVersion}/${via.transport}`;
  return `${sentProtocol} ${via.host}${port}${formatParams(via.params)}`;
}
