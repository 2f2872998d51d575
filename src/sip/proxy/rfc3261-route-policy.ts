/**
 * RFC 3261 §16.4 (Route Information Preprocessing), §16.6 step 4 (Record-Route) and §16.12 (loose
 * routing), pure: which Route entries are this proxy's, what a Record-Route of ours says, and where
 * a request goes next. Record-Route URIs carry the flows of both parties (RFC 5626 §5.3 in spirit:
 * a request inside the dialog reaches a TCP or WebSocket UA over its own connection) and the From tag
 * of the dialog's initiator (to tell the direction), signed so that nobody else's Route is taken
 * for one of ours.
 * https://www.rfc-editor.org/rfc/rfc3261#section-16.4 · https://www.rfc-editor.org/rfc/rfc3261#section-16.12
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BoundedMap } from '../../kernel/bounded-map.js';
import type { TransportName } from '../transport/index.js';
import {
  classifyHost,
  fromHeader,
  type NameAddr,
  paramValue,
  parseNameAddr,
  type SipRequest,
  type SipUri,
  type Uri,
} from '../wire/index.js';

/** What a Record-Route of ours remembers of the dialog. */
export interface RouteStamp {
  /** The From tag of the initial request: requests with it go downstream (to the callee). */
  readonly ftag: string;
  /** The caller's flow id ('' when unknown). */
  readonly callerFlow: string;
  /** The callee's flow id ('' when unknown). */
  readonly calleeFlow: string;
}

/** Where this proxy listens, as a Record-Route names it. */
export interface ProxyAddress {
  readonly transport: TransportName;
  readonly host: string;
  readonly port: number;
}

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

function signature(secret: Buffer, stamp: RouteStamp): string {
  return createHmac('sha256', secret)
    .update(`${stamp.ftag}\n${stamp.callerFlow}\n${stamp.calleeFlow}`)
    .digest('base64url')
    .slice(0, 16)
    .replace(/[-_]/g, 'x');
}

/** A Record-Route value of ours (§16.6 step 4: the URI MUST resolve to this proxy and carry lr). */
export function formatRecordRoute(address: ProxyAddress, stamp: RouteStamp, secret: Buffer): string {
  const host =
    address.host.includes(':') && !address.host.startsWith('[') ? `[${address.host}]` : address.host;
  const transport = address.transport === 'udp' ? '' : `;transport=${address.transport}`;
  const flows = [
    stamp.callerFlow ? `;hof=${stamp.callerFlow}` : '',
    stamp.calleeFlow ? `;htf=${stamp.calleeFlow}` : '',
  ].join('');
  return `<sip:${host}:${address.port}${transport};lr;ftag=${stamp.ftag}${flows};hs=${signature(secret, stamp)}>`;
}

/** The stamp of a Route entry of ours, or undefined (not ours, or the signature is wrong). */
export function readRouteStamp(route: NameAddr, secret: Buffer): RouteStamp | undefined {
  if (route.uri.kind !== 'sip') return undefined;
  const params = route.uri.params;
  const ftag = paramValue(params, 'ftag');
  const given = paramValue(params, 'hs');
  if (ftag === undefined || given === undefined) return undefined;
  const stamp = {
    ftag,
    callerFlow: paramValue(params, 'hof') ?? '',
    calleeFlow: paramValue(params, 'htf') ?? '',
  };
  const expected = Buffer.from(signature(secret, stamp));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? stamp : undefined;
}

/** How many Route values of ours a RouteStamps remembers. */
export const REMEMBERED_ROUTES = 1024;

/**
 * Makes and reads this proxy's Record-Route stamps with one secret, remembering the values it made
 * or verified: a UA sends a Record-Route back as its Route, and the requests of a dialog carry the
 * same Route (its ACK and BYE, and a BYE is read by the router's `claims` and again by `route`).
 * Each reading was an HMAC — 3 % of the call bench's busy time (docs/performance.md, "SIP"). Only
 * values of ours are kept, under their exact text, so a remembered value is as genuine as a
 * recomputed one; bounded, the oldest go first.
 */
export class RouteStamps {
  readonly #secret: Buffer;
  readonly #ours: BoundedMap<string, RouteStamp>;

  constructor(secret: Buffer, remembered: number = REMEMBERED_ROUTES) {
    this.#secret = secret;
    this.#ours = new BoundedMap(remembered);
  }

  /** A Record-Route value of ours for `address` (formatRecordRoute), remembered as ours. */
  format(address: ProxyAddress, stamp: RouteStamp): string {
    const text = formatRecordRoute(address, stamp, this.#secret);
    this.#ours.set(text, stamp);
    return text;
  }

  /** The stamp of `route`, the parsed form of the Route value `text`; undefined when not ours. */
  read(text: string, route: NameAddr): RouteStamp | undefined {
    const known = this.#ours.get(text);
    if (known !== undefined) return known;
    const stamp = readRouteStamp(route, this.#secret);
    if (stamp !== undefined) this.#ours.set(text, stamp);
    return stamp;
  }
}

export interface RoutePreprocessing {
  /** The Route values left after ours were removed (§16.4), as received. */
  readonly remaining: readonly string[];
  /** The stamp of the first Route of ours that had one: the request is inside a dialog we record-routed. */
  readonly stamp: RouteStamp | undefined;
  readonly removed: number;
}

/**
 * §16.4: "If the first value in the Route header field indicates this proxy, the proxy MUST remove
 * that value from the request." Consecutive values of ours (an outbound-proxy Route, a double
 * Record-Route) all go. `isOwnUri` says whether a URI without a stamp names this proxy.
 */
export function preprocessRoutes(
  routeValues: readonly string[],
  stamps: RouteStamps,
  isOwnUri: (uri: SipUri) => boolean,
): RoutePreprocessing {
  let stamp: RouteStamp | undefined;
  let index = 0;
  for (; index < routeValues.length; index++) {
    const text = routeValues[index] ?? '';
    const parsed = parseNameAddr(text, { allowAddrSpec: false });
    if (!parsed.ok || parsed.value.uri.kind !== 'sip') break;
    const own = stamps.read(text, parsed.value);
    if (own) stamp ??= own;
    else if (!isOwnUri(parsed.value.uri)) break;
  }
  return { remaining: routeValues.slice(index), stamp, removed: index };
}

/** Which way a request inside a record-routed dialog goes, from its From tag (Kamailio's ftag rule). */
export function directionOf(request: SipRequest, stamp: RouteStamp): 'downstream' | 'upstream' {
  return fromHeader(request).tag === stamp.ftag ? 'downstream' : 'upstream';
}

/** The flow id a request inside the dialog should go out on ('' when unknown). */
export function flowTowards(request: SipRequest, stamp: RouteStamp): string {
  return directionOf(request, stamp) === 'downstream' ? stamp.calleeFlow : stamp.callerFlow;
}

export interface Hop {
  readonly transport: TransportName;
  /** An IP address (names are not resolved: RFC 3263 is not done here). */
  readonly address: string;
  readonly port: number;
}

/** §16.12 / RFC 3263 §4 without DNS: where a SIP URI with an IP host is reached. */
export function hopOf(uri: Uri): Hop | undefined {
  if (uri.kind !== 'sip') return undefined;
  const host = paramValue(uri.params, 'maddr') ?? uri.host;
  const kind = classifyHost(host);
  if (kind !== 'ipv4' && kind !== 'ipv6') return undefined;
  const named = paramValue(uri.params, 'transport')?.toLowerCase();
  const transport: TransportName | undefined =
    uri.scheme === 'sips'
      ? 'tls'
      : named === undefined
        ? 'udp'
        : (['udp', 'tcp', 'tls', 'ws', 'wss'] as const).find((t) => t === named);
  if (!transport) return undefined;
  return {
    transport,
    address: host.replace(/^\[|\]$/g, ''),
    port: uri.port ?? (transport === 'tls' ? 5061 : 5060),
  };
}

/** A flow id as it may go into a URI parameter; other ids are left out of Record-Route. */
export function routableFlowId(id: string | undefined): string {
  return id !== undefined && TOKEN.test(id) && !id.includes(';') ? id : '';
}
