/**
 * RFC 3581 §4 (Symmetric Response Routing) with RFC 3261 §18.2.1 — a server stamps the top Via of every
 * request it receives with where the request really came from, so that the response finds its way back
 * through NATs.
 * https://www.rfc-editor.org/rfc/rfc3581#section-4 · https://www.rfc-editor.org/rfc/rfc3261#section-18.2.1
 */
import {
  formatVia,
  hostKey,
  type Param,
  parseVia,
  SipHeaders,
  splitCommaList,
  viaWithParams,
} from '../wire/index.js';
import type { FlowAddress } from './sip-transport.js';

/** Node reports IPv4 peers of a dual-stack socket as `::ffff:a.b.c.d`; SIP wants the IPv4 text. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

const asHost = (address: string): string => (address.includes(':') ? `[${address}]` : address);

function withParam(params: readonly Param[], name: string, value: string): Param[] {
  const at = params.findIndex((p) => p.name.toLowerCase() === name);
  if (at < 0) return [...params, { name, value }];
  return params.map((p, i) => (i === at ? { name: p.name, value } : p));
}

/**
 * The headers with the top Via stamped for a request received from `source`:
 * - `received` (§18.2.1: MUST when sent-by is a domain name or an address other than the source; RFC 3581
 *   §4: MUST whenever rport is present, "even if it is identical"); a `received` the client put in itself
 *   is overwritten, since only the receiving server can know it;
 * - `rport` (RFC 3581 §4: a valueless rport MUST be set to the source port), unless the source port is
 *   unknown (0).
 * A Via that does not parse is left alone: the message parser has refused such a request already.
 */
export function stampTopVia(headers: SipHeaders, source: FlowAddress): SipHeaders {
  const at = headers.list.findIndex((h) => h.name.toLowerCase() === 'via');
  const line = headers.list[at];
  if (!line) return headers;
  const [top = '', ...rest] = splitCommaList(line.value);
  const parsed = parseVia(top);
  if (!parsed.ok) return headers;
  const via = parsed.value;
  const address = plainAddress(source.address);
  const hasRport = via.rport !== undefined;
  const isElsewhere = hostKey(via.host) !== hostKey(asHost(address));
  if (!hasRport && !isElsewhere && via.received === undefined) return headers;
  let params = withParam(via.params, 'received', address);
  if (hasRport && source.port > 0) params = withParam(params, 'rport', String(source.port));
  const stamped = formatVia(viaWithParams(via, params));
  const value = [stamped, ...rest].join(', ');
  return new SipHeaders(headers.list.map((h, i) => (i === at ? { name: h.name, value } : h)));
}
