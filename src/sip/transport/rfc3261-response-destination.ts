/**
 * RFC 3261 §18.2.2 (Sending Responses) with RFC 3581 §4 — where a response goes over an unreliable
 * transport: maddr, else received (with rport), else sent-by. Over reliable transports the response
 * simply goes back on the connection the request came in on, which is the flow's job.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18.2.2 · https://www.rfc-editor.org/rfc/rfc3581#section-4
 */
import { classifyHost, parseVia, type SipMessage } from '../wire/index.js';
import type { FlowAddress } from './sip-transport.js';

/** §18.2.2: "using port 5060 if none is specified explicitly". */
const DEFAULT_PORT = 5060;

const unbracketed = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');

/** An IPv4 address or an IPv6 reference (RFC 3261 §25.1 host), not a name to resolve. */
function isAddress(host: string): boolean {
  const kind = classifyHost(host);
  return kind === 'ipv4' || kind === 'ipv6';
}

/**
 * The address a response is sent to over UDP. `source` (where the request came from) is used when the
 * Via cannot say: no top Via that parses, or a maddr / sent-by that is a name (RFC 3263 §5 resolution
 * is not done here; a received request always gets `received` in that case, see rfc3581-received-rport).
 */
export function responseDestination(response: Pick<SipMessage, 'headers'>, source: FlowAddress): FlowAddress {
  const [top] = response.headers.values('Via');
  const parsed = top === undefined ? undefined : parseVia(top);
  if (!parsed?.ok) return source;
  const via = parsed.value;
  const sentByPort = via.port ?? DEFAULT_PORT;
  const maddr = via.params.find((p) => p.name.toLowerCase() === 'maddr')?.value;
  if (maddr !== undefined) {
    // §18.2.2: "if the Via header field value contains a maddr parameter, the response MUST be forwarded
    // to the address listed there, using the port indicated in sent-by, or port 5060".
    return isAddress(maddr) ? { address: unbracketed(maddr), port: sentByPort } : source;
  }
  if (via.received !== undefined) {
    // RFC 3581 §4: with both received and rport, the response MUST go to received and the rport port;
    // §18.2.2: with received alone, to received and the sent-by port.
    const port = typeof via.rport === 'number' ? via.rport : sentByPort;
    return { address: unbracketed(via.received), port };
  }
  // §18.2.2: otherwise to the sent-by address (an IP here, or resolved per RFC 3263 §5 for a name).
  return isAddress(via.host) ? { address: unbracketed(via.host), port: sentByPort } : source;
}
