/**
 * RFC 3261 §16 — Herald's stateful proxy: initial INVITEs from authenticated local users are
 * forked to every registered contact of the user or line they name (§16.5, §16.6), record-routed;
 * requests inside those dialogs follow the Route set (§16.4, §16.12) to the party's own flow; ACKs
 * for 2xx are forwarded statelessly (§16.11). Every dialog is told to the CallLegFeed.
 * https://www.rfc-editor.org/rfc/rfc3261#section-16
 */
import type { DialPlan } from '../../core/calls/index.js';
import type { AccountStore, LocationStore, SipBindingRecord, UserRecord } from '../../core/ports.js';
import type { Clock } from '../../kernel/clock.js';
import type { IdSource } from '../../kernel/ids.js';
import type { Logger } from '../../kernel/log.js';
import type { SipDigestAuth } from '../auth/sip-digest-auth.js';
import { flowOf } from '../registrar/registrar.js';
import { comparableHost, type SipDomain } from '../sip-domain.js';
import type { SipRequestContext, SipStack } from '../sip-stack.js';
import type { ClientTransactionUser, TransactionTransport } from '../transaction/index.js';
import type { Flow } from '../transport/index.js';
import {
  fromHeader,
  parseNameAddr,
  parseUri,
  type SipRequest,
  type SipUri,
  toHeader,
  topVia,
  type Uri,
} from '../wire/index.js';
import type { CallHandle, CallLegFeed } from './call-leg-feed.js';
import { InviteForwarding } from './invite-forwarding.js';
import { forwardedRequest, upstreamResponse } from './rfc3261-request-forwarding.js';
import { proxyBranch, validateForwarding } from './rfc3261-request-validation.js';
import {
  flowTowards,
  type Hop,
  hopOf,
  type ProxyAddress,
  preprocessRoutes,
  type RouteStamp,
  RouteStamps,
  routableFlowId,
} from './rfc3261-route-policy.js';

export interface SipProxyOptions {
  readonly domain: SipDomain;
  readonly stack: SipStack;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly log: Logger;
  readonly auth: SipDigestAuth;
  readonly accounts: Pick<AccountStore, 'findUserByName'>;
  readonly location: Pick<LocationStore, 'bindingsOf'>;
  readonly dialPlan: Pick<DialPlan, 'resolve' | 'primaryLine'>;
  readonly feed: CallLegFeed;
  /** Signs the Record-Route stamps. */
  readonly secret: Buffer;
  readonly timerCMs: number;
}

interface Target {
  readonly user: UserRecord;
  readonly line: string | null;
}

export class SipProxy {
  readonly #o: SipProxyOptions;
  /** Makes and reads the Record-Route stamps (one HMAC per dialog, not per request). */
  readonly #stamps: RouteStamps;

  constructor(options: SipProxyOptions) {
    this.#o = options;
    this.#stamps = new RouteStamps(options.secret);
  }

  /** SipRouter.claims: a request inside a dialog whose Route carries our stamp (§16.4). */
  claims(request: SipRequest): boolean {
    if (request.method === 'ACK' || request.method === 'CANCEL') return false;
    if (toHeader(request).tag === undefined) return false;
    return this.#preprocess(request, undefined).stamp !== undefined;
  }

  /** The initial INVITE (no To tag): authenticate, resolve the target, fork (§16.5, §16.6). */
  async invite(context: SipRequestContext): Promise<void> {
    const { request, respond } = context;
    const flow = flowOf(context);
    if (toHeader(request).tag !== undefined) return respond(403, 'Dialog Not Routed Here');
    const valid = validateForwarding(request, (h, p) => this.#isOwn(h, p, flow));
    if (!valid.ok) return respond(valid.status, valid.reason, valid.headers);
    respond(100, 'Trying'); // §16.2: a stateful proxy SHOULD send 100 at once for an INVITE.
    const now = this.#o.clock.now();
    // §22.3: a proxy challenges with 407 and Proxy-Authenticate (statefully: an INVITE's ACK).
    const caller = await this.#o.auth.authenticate(
      request,
      respond,
      'proxy',
      flow?.remote.address ?? '',
      now,
    );
    if (!caller) return;
    // The authenticated user may only call as themself (Kamailio's check_from in spirit).
    const fromUri = fromHeader(request).uri;
    if (fromUri.kind !== 'sip' || fromUri.user?.toLowerCase() !== caller.username)
      return respond(403, 'From Does Not Match The Authenticated User');
    const routes = this.#preprocess(request, flow);
    const target = routes.remaining.length === 0 ? await this.#resolve(request.uri, caller, flow) : undefined;
    if (routes.remaining.length === 0 && !target) return respond(404, 'Not Found');
    const forwarding = this.#forwarding(context);
    if (!forwarding) return respond(500, 'Server Internal Error');
    if (!target) {
      // §16.4/§16.12: a Route beyond us: one branch to its next hop, not record-routed.
      const next = await this.#flowToRoute(routes.remaining);
      if (!next) return forwarding.fail(502, 'Next Hop Unreachable');
      const copy = this.#copy(request, request.uri, next, routes.remaining, [], true);
      if (!forwarding.addBranch(copy, next)) forwarding.fail(503, 'Service Unavailable');
      return;
    }
    await this.#fork(request, flow, forwarding, caller, target);
  }

  /** A request inside a record-routed dialog (SipRouter.route): to its next hop or the peer's flow. */
  async route(context: SipRequestContext): Promise<void> {
    const { request, respond } = context;
    const flow = flowOf(context);
    const valid = validateForwarding(request, (h, p) => this.#isOwn(h, p, flow));
    if (!valid.ok) return respond(valid.status, valid.reason, valid.headers);
    const routes = this.#preprocess(request, flow);
    const next = await this.#nextHop(request, routes.remaining, routes.stamp);
    if (!next) return respond(480, 'Peer Unreachable');
    this.#o.feed.inDialog(request);
    const copy = this.#copy(request, request.uri, next, routes.remaining, [], true);
    if (request.method === 'INVITE') {
      const forwarding = this.#forwarding(context);
      if (!forwarding) return respond(500, 'Server Internal Error');
      if (!forwarding.addBranch(copy, next)) forwarding.fail(503, 'Service Unavailable');
      else forwarding.sealed();
      return;
    }
    const user: ClientTransactionUser = {
      responseReceived: (response) => {
        if (response.status !== 100) context.transaction.respond(upstreamResponse(response, request));
      },
      failed: (failure) => respond(failure.kind === 'timeout' ? 408 : 503),
    };
    const sent = this.#o.stack.transactions.sendRequest(copy, next, user);
    if (!sent.ok) respond(503, 'Service Unavailable');
  }

  /** §16.11: an ACK for a 2xx goes on statelessly along its Route; any other is dropped. */
  async ack(request: SipRequest, source: TransactionTransport): Promise<void> {
    const flow = isFlow(source) ? source : undefined;
    const routes = this.#preprocess(request, flow);
    if (routes.stamp === undefined && routes.removed === 0) return;
    const valid = validateForwarding(request, (h, p) => this.#isOwn(h, p, flow));
    if (!valid.ok) return;
    const next = await this.#nextHop(request, routes.remaining, routes.stamp);
    if (!next) return;
    // §16.11: a stateless proxy's branch is computed from the request, so a retransmission gets the same.
    const unique = (topVia(request).branch ?? '').replace(/[^A-Za-z0-9]/g, '').slice(-24) || 'ack';
    next.send(this.#copy(request, request.uri, next, routes.remaining, [], true, unique));
  }

  /** The response context of an INVITE, cancelled with it (§16.10). */
  #forwarding(context: SipRequestContext): InviteForwarding | undefined {
    const server = context.transaction;
    if (server.kind !== 'invite-server') return undefined;
    const forwarding = new InviteForwarding({
      server,
      transactions: this.#o.stack.transactions,
      clock: this.#o.clock,
      timerCMs: this.#o.timerCMs,
    });
    context.onCancelled(() => forwarding.cancel());
    return forwarding;
  }

  async #fork(
    request: SipRequest,
    flow: Flow | undefined,
    forwarding: InviteForwarding,
    caller: UserRecord,
    target: Target,
  ): Promise<void> {
    const now = this.#o.clock.now();
    const bindings = await this.#o.location.bindingsOf(target.user.id, now);
    // §16.5 (location service): nobody registered → 480 Temporarily Unavailable.
    if (bindings.length === 0) return forwarding.fail(480, 'Temporarily Unavailable');
    const callerLine = await this.#o.dialPlan.primaryLine(caller.id);
    const call = this.#o.feed.started(
      request,
      { userId: caller.id, line: callerLine },
      { userId: target.user.id, line: target.line },
    );
    forwarding.completedBy((status) => call.completed(status));
    let index = 0;
    for (const binding of bindings) {
      if (forwarding.isCancelled) break;
      const started = await this.#branch(request, flow, forwarding, binding, call, index);
      if (started) index++;
    }
    if (index === 0) return forwarding.fail(480, 'Temporarily Unavailable');
    forwarding.sealed();
  }

  async #branch(
    request: SipRequest,
    flow: Flow | undefined,
    forwarding: InviteForwarding,
    binding: SipBindingRecord,
    call: CallHandle,
    index: number,
  ): Promise<boolean> {
    const contact = parseUri(binding.contact);
    if (!contact.ok) return false;
    const out = await this.#flowToBinding(binding, contact.value);
    if (!out) return false;
    const stamp: RouteStamp = {
      ftag: fromHeader(request).tag ?? '',
      callerFlow: routableFlowId(flow?.id),
      calleeFlow: routableFlowId(out.id),
    };
    const recordRoutes = this.#recordRoutes(flow, out, stamp);
    const copy = this.#copy(request, contact.value, out, [], recordRoutes, false);
    call.branchStarted(index);
    const ok = forwarding.addBranch(copy, out, {
      responseReceived: (response) => call.branchResponse(index, response),
      ended: () => call.branchEnded(index),
    });
    if (!ok) call.branchEnded(index);
    return ok;
  }

  /** §16.6 step 4: one Record-Route, or two when the request changes transport (each side its own). */
  #recordRoutes(inbound: Flow | undefined, outbound: Flow, stamp: RouteStamp): string[] {
    const address = (f: Flow): ProxyAddress => ({
      transport: f.transport,
      host: f.local.address,
      port: f.local.port,
    });
    const outRoute = this.#stamps.format(address(outbound), stamp);
    if (
      !inbound ||
      (inbound.transport === outbound.transport && inbound.local.address === outbound.local.address)
    )
      return [outRoute];
    return [outRoute, this.#stamps.format(address(inbound), stamp)];
  }

  #copy(
    request: SipRequest,
    uri: Uri,
    out: Flow,
    routes: readonly string[],
    recordRoutes: readonly string[],
    isInDialog: boolean,
    unique: string = this.#o.ids.next(),
  ): SipRequest {
    const branch = proxyBranch(request, unique.replace(/[^A-Za-z0-9]/g, ''));
    // §22.3: only an initial request carries credentials for our realm to consume.
    return forwardedRequest(
      request,
      isInDialog
        ? { uri, branch, flow: out, routes, recordRoutes }
        : { uri, branch, flow: out, routes, recordRoutes, realm: this.#o.auth.realm },
    );
  }

  /** §16.5: the Request-URI names a user (by name) or a line (a directory number via the caller's CSS). */
  async #resolve(uri: Uri, caller: UserRecord, flow: Flow | undefined): Promise<Target | undefined> {
    if (uri.kind !== 'sip' || uri.user === undefined) return undefined;
    const isOurs =
      this.#o.domain.serves(uri.host, uri.port) ||
      this.#isOwn(uri.host, uri.port, flow) ||
      (uri.port === undefined && this.#isOwnHost(uri.host, flow));
    if (!isOurs) return undefined;
    const name = decodeURIComponent(uri.user).toLowerCase();
    const user = await this.#o.accounts.findUserByName(name);
    if (user) return { user, line: await this.#o.dialPlan.primaryLine(user.id) };
    const line = await this.#o.dialPlan.resolve(caller.id, name);
    // A line shared by several users rings the first (by name); every user's contacts would be a wider fork.
    const first = line?.users[0];
    return first && line ? { user: first, line: line.line.number } : undefined;
  }

  #preprocess(request: SipRequest, flow: Flow | undefined) {
    return preprocessRoutes(request.headers.values('Route'), this.#stamps, (uri: SipUri) =>
      this.#isOwn(uri.host, uri.port ?? (uri.scheme === 'sips' ? 5061 : 5060), flow),
    );
  }

  #isOwnHost(host: string, flow: Flow | undefined): boolean {
    return (
      this.#o.domain.isOwnHost(host) ||
      (flow !== undefined && comparableHost(host) === comparableHost(flow.local.address))
    );
  }

  #isOwn(host: string, port: number | undefined, flow: Flow | undefined): boolean {
    if (!this.#isOwnHost(host, flow)) return false;
    const p = port ?? 5060;
    return (flow !== undefined && flow.local.port === p) || this.#o.domain.isOwnPort(p);
  }

  async #nextHop(
    request: SipRequest,
    remaining: readonly string[],
    stamp: RouteStamp | undefined,
  ): Promise<Flow | undefined> {
    if (remaining.length > 0) return this.#flowToRoute(remaining);
    if (stamp) {
      const id = flowTowards(request, stamp);
      const kept = id ? this.#o.stack.transports.flows.get(id) : undefined;
      if (kept?.isOpen) return kept;
    }
    const hop = hopOf(request.uri);
    return hop ? this.#connect(hop) : undefined;
  }

  async #flowToRoute(remaining: readonly string[]): Promise<Flow | undefined> {
    const first = parseNameAddr(remaining[0] ?? '', { allowAddrSpec: false });
    const hop = first.ok ? hopOf(first.value.uri) : undefined;
    return hop ? this.#connect(hop) : undefined;
  }

  async #flowToBinding(binding: SipBindingRecord, contact: Uri): Promise<Flow | undefined> {
    const hop = hopOf(contact);
    // Over UDP a binding is not a connection: without RFC 5626 outbound (reg-id) the Contact is where
    // the UA listens (§16.5), which need not be where its REGISTER came from.
    const isOutbound = binding.regId !== null && binding.instanceId !== null;
    const preferContact = binding.transport === 'udp' && hop !== undefined && !isOutbound;
    const kept = binding.flowId === null ? undefined : this.#o.stack.transports.flows.get(binding.flowId);
    if (kept?.isOpen && !preferContact) return kept;
    // The connection went (or the server restarted): reach the contact itself (§16.6 step 6).
    return hop ? this.#connect(hop) : kept?.isOpen ? kept : undefined;
  }

  async #connect(hop: Hop): Promise<Flow | undefined> {
    const connected = await this.#o.stack.transports.connect(hop);
    if (!connected.ok) {
      this.#o.log.debug({ hop, reason: connected.reason }, 'SIP proxy: next hop unreachable');
      return undefined;
    }
    return connected.flow;
  }
}

function isFlow(transport: TransactionTransport): transport is Flow {
  return 'id' in transport && 'remote' in transport && 'local' in transport;
}
