/**
 * RFC 6665 (SIP-Specific Event Notification), the notifier side: SUBSCRIBE creates a subscription
 * dialog (§4.2.1, RFC 3261 §12.1.1), refreshes and unsubscribes it, the injected clock expires it,
 * and each state change goes out as an in-dialog NOTIFY through a non-INVITE client transaction
 * (§4.2.2). Event packages plug in with `registerPackage`; an unknown one is 489 (§4.2.1.1).
 *
 * Subscriptions live in memory only: after a restart they are gone and a subscriber's next refresh
 * is answered 481, after which it subscribes again (§4.1.2.4 / §4.1.3).
 * https://www.rfc-editor.org/rfc/rfc6665#section-4.2
 */
import type { UserId, UserRecord } from '../../core/ports.js';
import type { Clock } from '../../kernel/clock.js';
import { Deadlines } from '../../kernel/deadlines.js';
import { HeraldError } from '../../kernel/errors.js';
import type { IdSource } from '../../kernel/ids.js';
import type { Logger } from '../../kernel/log.js';
import { ownString } from '../../kernel/own-string.js';
import type { SipDigestAuth } from '../auth/sip-digest-auth.js';
import { flowOf } from '../registrar/registrar.js';
import type { SipDomain } from '../sip-domain.js';
import type { SipRequestContext, SipStack } from '../sip-stack.js';
import type { Flow, TransportName } from '../transport/index.js';
import {
  type Building,
  callId,
  contacts,
  cseq,
  event,
  expires,
  formatNameAddr,
  formatUri,
  fromHeader,
  type NameAddr,
  parseNameAddr,
  parseUri,
  recordRoutes,
  type SipHeader,
  SipHeaders,
  type SipRequest,
  toHeader,
  type Uri,
} from '../wire/index.js';
import {
  type ExpiresPolicy,
  negotiateExpires,
  type SubscriptionEvent,
  type SubscriptionSnapshot,
  startSubscription,
  subscriptionStateValue,
  transition,
} from './rfc6665-subscription.js';
import {
  type NotifyChannel,
  NotifyQueue,
  type NotifyRequest,
  SendWindow,
} from './rfc6665-subscription-notify-queue.js';

/** One subscription as a package sees it. */
export interface Subscription {
  readonly id: string;
  readonly event: string;
  /** The user whose resource is watched. */
  readonly owner: UserRecord;
  /** user@domain of the owner. */
  readonly ownerAddress: string;
  /** The authenticated subscriber. */
  readonly watcher: UserRecord;
  /** user@domain of the subscriber (the watch policy's watcher). */
  readonly watcherAddress: string;
  /** The number of NOTIFYs sent so far (RFC 4235 §4.1's version counts from it). */
  readonly notifyCount: number;
  readonly phase: SubscriptionSnapshot['phase'];
}

export type PackageDecision = 'active' | 'pending';

/** An event package (RFC 6665 §7). */
export interface EventPackage {
  readonly event: string;
  /** The body's media type (§7.2.4), matched against the SUBSCRIBE's Accept. */
  readonly contentType: string;
  /** §5.2 authorization: may the watcher see it now (active) or must the owner decide (pending)? */
  authorize(subscription: Subscription): Promise<PackageDecision>;
  /**
   * The NOTIFY body for this subscription's current state; null sends none. `changes` are what
   * the package passed to `changed` since the last NOTIFY, oldest first (several when changes
   * came while a NOTIFY was in flight and were coalesced, rfc6665-subscription-notify-queue.ts);
   * undefined when the full state is due: after a SUBSCRIBE or refresh, a change of
   * authorization, or a `changed` without a change.
   */
  body(subscription: Subscription, changes?: readonly unknown[]): Promise<string | null>;
  /** Told when a subscription ends, to drop per-subscription state. */
  ended?(subscription: Subscription): void;
  /**
   * Whether `watcher` may subscribe to `owner`'s resource at all; false is 403 to the SUBSCRIBE
   * (RFC 6665 §4.2.1.2 lets the notifier refuse an unauthorized subscription). Without it, all may.
   */
  admits?(watcher: UserRecord, owner: UserRecord): boolean;
}

export interface EventServerOptions {
  readonly stack: SipStack;
  readonly auth: SipDigestAuth;
  readonly accounts: {
    findUserByName(name: string): Promise<UserRecord | undefined>;
  };
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly log: Logger;
  readonly domain: SipDomain;
  readonly policy: ExpiresPolicy;
  /** Subscriptions one user may hold (as subscriber); more is 403. */
  readonly maxPerUser: number;
  /** Subscriptions from one source address; more is 403. */
  readonly maxPerSource: number;
  /** NOTIFYs over UDP waiting for their response at once, server-wide (default 64; SendWindow). */
  readonly maxUdpNotifiesInFlight?: number;
}

/**
 * A default Linux receive buffer (net.core.rmem_default, 208 KiB) holds 166 datagrams of any
 * size up to ~700 bytes (each is charged about 1,280 bytes of socket memory). 64 answers in
 * flight fit it twice over — a NOTIFY retransmitted before its answer was read (Timer A, 500 ms)
 * brings a second 200 OK — with room for the socket's other traffic; 128 measurably did not
 * (docs/performance.md, presence fan-out). A larger SO_RCVBUF would allow a larger window.
 */
export const DEFAULT_UDP_NOTIFIES_IN_FLIGHT = 64;

/**
 * A subscription dialog's state (RFC 3261 §12.1.1), kept as the text the NOTIFYs carry: a server
 * holds tens of thousands of these, and parsed name-addrs, URIs and slices of the SUBSCRIBE (which
 * would keep the whole request alive) took ~2 KB each; these strings are copies (ownString).
 */
interface Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Our From without its tag: the SUBSCRIBE's To (§12.1.1). */
  readonly local: string;
  /** Our To without its tag: the subscriber's From. */
  readonly remote: string;
  /** The subscriber's Contact URI (a refresh may move it, §4.1.2.1). */
  remoteTarget: string;
  /** The Record-Route values in order, as received; usually none. */
  readonly routeSet: readonly string[];
  localSeq: number;
  remoteSeq: number;
}

interface Entry {
  sub: {
    -readonly [K in keyof Subscription]: Subscription[K];
  };
  state: SubscriptionSnapshot;
  readonly dialog: Dialog;
  readonly source: string;
  flow: Flow | undefined;
  /** NOTIFYs go out one at a time (CSeq order), changes meanwhile coalesced into one; made at the first. */
  notifies: NotifyQueue<Entry> | undefined;
}

const NO_ROUTES: readonly string[] = Object.freeze([]);

/** A name-addr without its parameters (the tag is added per message), as a copy. */
const withoutParams = (nameAddr: NameAddr): string => {
  const bare: Building<NameAddr> = { uri: nameAddr.uri, params: [] };
  if (nameAddr.displayName !== undefined) bare.displayName = nameAddr.displayName;
  return ownString(formatNameAddr(bare));
};

const TRANSPORTS: readonly TransportName[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** Whether two reads of a user's record say the same. */
const sameUser = (a: UserRecord, b: UserRecord): boolean =>
  a.id === b.id &&
  a.username === b.username &&
  a.displayName === b.displayName &&
  a.email === b.email &&
  a.isAdmin === b.isAdmin &&
  a.createdAt === b.createdAt;

const dialogKey = (id: string, localTag: string, remoteTag: string) => `${id}\n${localTag}\n${remoteTag}`;

export class EventServer {
  readonly #o: EventServerOptions;
  readonly #packages = new Map<string, EventPackage>();
  readonly #entries = new Map<string, Entry>();
  /** The same entries by owner, so a change of one person's state touches only their watchers. */
  readonly #byOwner = new Map<UserId, Set<Entry>>();
  readonly #perUser = new Map<UserId, number>();
  readonly #perSource = new Map<string, number>();
  readonly #udpWindow: SendWindow;
  /** Each subscription's expiry, on one timer. */
  readonly #expiries: Deadlines<Entry>;
  /** How every subscription's NOTIFYs are sent (one object for all: NotifyQueue takes the entry). */
  readonly #notifyChannel: NotifyChannel<Entry>;
  #closed = false;

  constructor(options: EventServerOptions) {
    this.#o = options;
    this.#udpWindow = new SendWindow(options.maxUdpNotifiesInFlight ?? DEFAULT_UDP_NOTIFIES_IN_FLIGHT);
    this.#expiries = new Deadlines(options.clock, (entry) =>
      this.#apply(entry, { kind: 'expired', now: this.#o.clock.now() }),
    );
    this.#notifyChannel = {
      send: (entry, request) => this.#sendNotify(entry, request),
      onError: (entry, error) =>
        this.#o.log.warn({ err: error, event: entry.sub.event }, 'SIP NOTIFY failed'),
      // Over UDP (or a flow not yet known) a NOTIFY first waits for a place in the window.
      gate: (entry) => (entry.flow?.isReliable ? Promise.resolve(() => {}) : this.#udpWindow.acquire()),
    };
  }

  /** Adds an event package; a second one for the same event fails at start. */
  registerPackage(pkg: EventPackage): () => void {
    if (this.#packages.has(pkg.event))
      throw new HeraldError('HERALD_ERR_MODULE', `SIP event package ${pkg.event} is registered twice`);
    this.#packages.set(pkg.event, pkg);
    return () => {
      this.#packages.delete(pkg.event);
      for (const entry of [...this.#entries.values()])
        if (entry.sub.event === pkg.event) this.#apply(entry, { kind: 'rejected' });
    };
  }

  /** The events served, for Allow-Events (§8.2.2). */
  get events(): string[] {
    return [...this.#packages.keys()].sort();
  }

  /** Live subscriptions of `event` to `ownerId`'s resource. */
  subscriptionsTo(ownerId: UserId, eventName: string): Subscription[] {
    return [...(this.#byOwner.get(ownerId) ?? [])].filter((e) => e.sub.event === eventName).map((e) => e.sub);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Owners with a pending subscription of `eventName` (the policy may have changed for them). */
  pendingOwners(eventName: string): UserId[] {
    const owners = new Set<UserId>();
    for (const entry of this.#entries.values())
      if (entry.sub.event === eventName && entry.state.phase === 'pending') owners.add(entry.sub.owner.id);
    return [...owners];
  }

  /** The owner's resource changed: each active subscription gets a NOTIFY (§4.2.2). */
  changed(ownerId: UserId, eventName: string, change?: unknown): void {
    for (const entry of this.#byOwner.get(ownerId) ?? [])
      if (entry.sub.event === eventName && entry.state.phase === 'active') this.#notify(entry, true, change);
  }

  /** The watch policy may have changed: ask the package again for each subscription to the owner. */
  async reauthorize(ownerId: UserId, eventName: string): Promise<void> {
    const pkg = this.#packages.get(eventName);
    if (!pkg) return;
    for (const entry of [...(this.#byOwner.get(ownerId) ?? [])]) {
      if (entry.sub.event !== eventName) continue;
      const decision = await pkg.authorize(entry.sub);
      if (this.#entries.get(entry.sub.id) === entry) this.#apply(entry, { kind: 'authorized', decision });
    }
  }

  close(): void {
    this.#closed = true;
    this.#expiries.clear();
    this.#entries.clear();
    this.#byOwner.clear();
  }

  async handle(context: SipRequestContext): Promise<void> {
    const { request, respond } = context;
    const allowEvents = { name: 'Allow-Events', value: this.events.join(', ') };
    const parsedEvent = event(request);
    // §8.2.1: SUBSCRIBE carries exactly one Event; §4.2.1.1: an unknown package is 489.
    if (!parsedEvent) return respond(400, 'Missing Event Header', [allowEvents]);
    if (!parsedEvent.ok) return respond(400, parsedEvent.error, [allowEvents]);
    const pkg = this.#packages.get(parsedEvent.value.package.toLowerCase());
    if (!pkg || parsedEvent.value.templates.length > 0) return respond(489, 'Bad Event', [allowEvents]);
    const requested = expires(request);
    if (requested && !requested.ok) return respond(400, 'Malformed Expires');
    const accept = request.headers.values('Accept');
    // §7.2.4 / RFC 3261 §21.4.7: the SUBSCRIBE says which bodies it takes; ours must be one.
    if (
      accept.length > 0 &&
      !accept.some((a) => {
        const type = a.split(';')[0]?.trim().toLowerCase();
        return type === pkg.contentType || type === '*/*';
      })
    )
      return respond(406, 'Not Acceptable', [{ name: 'Accept', value: pkg.contentType }]);

    const now = this.#o.clock.now();
    const flow = flowOf(context);
    const source = flow?.remote.address ?? '';
    // RFC 3261 §22.1: Herald is the notifier (a UAS), so it challenges with 401.
    const watcher = await this.#o.auth.authenticate(request, respond, 'uas', source, now);
    if (!watcher) return;
    const to = toHeader(request);
    if (to.tag !== undefined) return this.#inDialog(context, watcher, requested?.value, flow);

    const decision = negotiateExpires(requested?.value, this.#o.policy);
    if (decision.kind === 'too-brief')
      return respond(423, 'Interval Too Brief', [
        { name: 'Min-Expires', value: String(decision.minExpires) },
      ]);
    const uri = request.uri;
    if (uri.kind !== 'sip' || uri.user === undefined || !this.#o.domain.serves(uri.host, uri.port))
      return respond(404, 'Not Found');
    const found = await this.#o.accounts.findUserByName(uri.user.toLowerCase());
    if (!found) return respond(404, 'Not Found');
    // The record and address the owner's other subscriptions hold, when the store still says the
    // same: thousands watch one person, and a copy each was ~200 bytes per subscription.
    const held = this.#byOwner.get(found.id)?.values().next().value?.sub;
    const owner = held && sameUser(held.owner, found) ? held.owner : found;
    const ownerAddress =
      held && owner === held.owner
        ? held.ownerAddress
        : ownString(`${owner.username}@${this.#o.domain.name}`);
    if (pkg.admits && !pkg.admits(watcher, owner)) return respond(403, 'Forbidden');
    const contact = contacts(request);
    // §4.1.2.1 / RFC 3261 §12.1.1: the remote target is the SUBSCRIBE's single Contact.
    if (contact?.kind !== 'addresses' || contact.contacts.length !== 1)
      return respond(400, 'SUBSCRIBE Needs One Contact');
    if ((this.#perUser.get(watcher.id) ?? 0) >= this.#o.maxPerUser)
      return respond(403, 'Too Many Subscriptions');
    if ((this.#perSource.get(source) ?? 0) >= this.#o.maxPerSource)
      return respond(403, 'Too Many Subscriptions From This Address');

    const from = fromHeader(request);
    const localTag = this.#o.ids.next();
    const routes = recordRoutes(request);
    const dialog: Dialog = {
      callId: ownString(callId(request)),
      localTag,
      remoteTag: ownString(from.tag ?? ''),
      remote: withoutParams(from),
      local: withoutParams(to),
      remoteTarget: ownString(formatUri((contact.contacts[0] as NameAddr).uri)),
      // RFC 3261 §12.1.1: the UAS's route set is the Record-Route values in order.
      routeSet: routes.length === 0 ? NO_ROUTES : routes.map((route) => ownString(formatNameAddr(route))),
      localSeq: 0,
      remoteSeq: cseq(request).seq,
    };
    const seconds = decision.kind === 'ok' ? decision.seconds : 0;
    // A copy: the key is a concatenation of three strings (V8 keeps the parts and a flat copy).
    const id = ownString(dialogKey(dialog.callId, dialog.localTag, dialog.remoteTag));
    const entry: Entry = {
      sub: {
        id,
        event: pkg.event,
        owner,
        ownerAddress,
        watcher,
        watcherAddress: ownString(`${watcher.username}@${this.#o.domain.name}`),
        notifyCount: 0,
        phase: 'pending',
      },
      state: startSubscription(seconds, now),
      dialog,
      source: ownString(source),
      flow,
      notifies: undefined,
    };
    // §4.2.1.1: 200 with the granted Expires (202 is deprecated by RFC 6665).
    respond(
      200,
      'OK',
      [
        { name: 'Expires', value: String(seconds) },
        { name: 'Contact', value: this.#contactValue(flow) },
      ],
      { toTag: localTag },
    );
    if (decision.kind === 'unsubscribe') {
      // §4.4.3: a fetch — one NOTIFY with the state, terminated.
      entry.sub.phase = (await pkg.authorize(entry.sub)) as Subscription['phase'];
      entry.state = { phase: 'terminated', expiresAt: entry.state.expiresAt, reason: 'timeout' };
      this.#notify(entry, entry.sub.phase === 'active');
      return;
    }
    this.#entries.set(id, entry);
    const watchers = this.#byOwner.get(owner.id) ?? new Set<Entry>();
    watchers.add(entry);
    this.#byOwner.set(owner.id, watchers);
    this.#count(entry, 1);
    this.#arm(entry);
    const granted = await pkg.authorize(entry.sub);
    if (this.#entries.get(id) !== entry) return;
    const step = transition(entry.state, { kind: 'authorized', decision: granted });
    entry.state = step.next;
    entry.sub.phase = step.next.phase;
    // §4.2.1.2: a NOTIFY goes out at once after a successful SUBSCRIBE, even when pending.
    this.#notify(entry);
  }

  async #inDialog(
    context: SipRequestContext,
    watcher: UserRecord,
    requested: number | undefined,
    flow: Flow | undefined,
  ): Promise<void> {
    const { request, respond } = context;
    const to = toHeader(request);
    const from = fromHeader(request);
    const entry = this.#entries.get(dialogKey(callId(request), to.tag ?? '', from.tag ?? ''));
    // §4.1.2.2 / RFC 3261 §12.2.2: no such subscription (expired, or lost in a restart) → 481.
    if (!entry) return respond(481, 'Subscription Does Not Exist');
    if (entry.sub.watcher.id !== watcher.id) return respond(403, 'Not Your Subscription');
    const seq = cseq(request).seq;
    // RFC 3261 §12.2.2: a lower CSeq than the last is out of order → 500.
    if (seq <= entry.dialog.remoteSeq) return respond(500, 'CSeq Out Of Order');
    entry.dialog.remoteSeq = seq;
    if (flow) entry.flow = flow;
    const target = contacts(request);
    if (target?.kind === 'addresses' && target.contacts[0]) {
      const moved = formatUri(target.contacts[0].uri);
      if (moved !== entry.dialog.remoteTarget) entry.dialog.remoteTarget = ownString(moved);
    }
    const decision = negotiateExpires(requested, this.#o.policy);
    if (decision.kind === 'too-brief')
      return respond(423, 'Interval Too Brief', [
        { name: 'Min-Expires', value: String(decision.minExpires) },
      ]);
    const seconds = decision.kind === 'ok' ? decision.seconds : 0;
    respond(200, 'OK', [
      { name: 'Expires', value: String(seconds) },
      { name: 'Contact', value: this.#contactValue(flow) },
    ]);
    const now = this.#o.clock.now();
    this.#apply(
      entry,
      decision.kind === 'unsubscribe' ? { kind: 'unsubscribed' } : { kind: 'refreshed', seconds, now },
    );
  }

  #apply(entry: Entry, ev: SubscriptionEvent): void {
    const step = transition(entry.state, ev);
    entry.state = step.next;
    entry.sub.phase = step.next.phase;
    if (step.next.phase === 'terminated') this.#forget(entry);
    // A refresh moves the expiry; an expiry timer that came before its time waits for the rest.
    else if (ev.kind === 'refreshed' || ev.kind === 'expired') this.#arm(entry);
    if (step.notify) this.#notify(entry);
  }

  #arm(entry: Entry): void {
    this.#expiries.set(entry, entry.state.expiresAt);
  }

  #forget(entry: Entry): void {
    this.#expiries.delete(entry);
    if (this.#entries.get(entry.sub.id) !== entry) return;
    this.#entries.delete(entry.sub.id);
    const watchers = this.#byOwner.get(entry.sub.owner.id);
    watchers?.delete(entry);
    if (watchers?.size === 0) this.#byOwner.delete(entry.sub.owner.id);
    this.#count(entry, -1);
    this.#packages.get(entry.sub.event)?.ended?.(entry.sub);
  }

  #count(entry: Entry, delta: number): void {
    const bump = <K>(map: Map<K, number>, key: K) => {
      const next = (map.get(key) ?? 0) + delta;
      if (next > 0) map.set(key, next);
      else map.delete(key);
    };
    bump(this.#perUser, entry.sub.watcher.id);
    bump(this.#perSource, entry.source);
  }

  /**
   * A NOTIFY of the entry's current state (with the body if active and `withBody`) for `change`
   * (undefined: the full state); coalesced with the next ones while one is in flight.
   */
  #notify(entry: Entry, withBody = entry.state.phase === 'active', change?: unknown): void {
    entry.notifies ??= new NotifyQueue(this.#notifyChannel, entry);
    entry.notifies.push({
      snapshot: entry.state,
      withBody,
      changes: change === undefined ? undefined : [change],
    });
  }

  async #sendNotify(entry: Entry, { snapshot, withBody, changes }: NotifyRequest): Promise<void> {
    if (this.#closed) return;
    const pkg = this.#packages.get(entry.sub.event);
    const flow = await this.#flowTo(entry);
    // The remote target was formatted from a parsed URI, so it parses again.
    const target = parseUri(entry.dialog.remoteTarget);
    if (!flow || !target.ok) {
      this.#o.log.info({ event: entry.sub.event }, 'subscriber unreachable; subscription ended');
      if (snapshot.phase !== 'terminated') this.#apply(entry, { kind: 'notify-failed' });
      return;
    }
    if (this.#closed) return;
    const body = pkg && withBody ? await pkg.body(entry.sub, changes) : null;
    entry.sub.notifyCount += 1;
    const request = this.#notifyRequest(
      entry,
      target.value,
      snapshot,
      flow,
      pkg && body !== null ? { type: pkg.contentType, body } : null,
    );
    const status = await new Promise<number>((resolve) => {
      const sent = this.#o.stack.transactions.sendRequest(request, flow, {
        responseReceived: (response) => {
          if (response.status >= 200) resolve(response.status);
        },
        // §8.1.3.1: a timeout is a 408, a transport error a 503.
        failed: (failure) => resolve(failure.kind === 'timeout' ? 408 : 503),
        terminated: () => resolve(0),
      });
      if (!sent.ok) resolve(503);
    });
    // §4.2.2: 481 (and, RFC 5057 §5, a timeout or transport failure) ends the subscription.
    if (
      (status === 481 || status === 408 || status === 503 || status === 0) &&
      snapshot.phase !== 'terminated'
    )
      this.#apply(entry, { kind: 'notify-failed' });
  }

  async #flowTo(entry: Entry): Promise<Flow | undefined> {
    if (entry.flow?.isOpen) return entry.flow;
    const firstHop = entry.dialog.routeSet[0];
    const parsed =
      firstHop === undefined
        ? parseUri(entry.dialog.remoteTarget)
        : parseNameAddr(firstHop, { allowAddrSpec: false });
    if (!parsed.ok) return undefined;
    const target = 'uri' in parsed.value ? parsed.value.uri : parsed.value;
    if (target.kind !== 'sip') return undefined;
    const name = target.params.find((p) => p.name.toLowerCase() === 'transport')?.value?.toLowerCase();
    const transport = TRANSPORTS.find((t) => t === name) ?? (target.scheme === 'sips' ? 'tls' : 'udp');
    const connected = await this.#o.stack.transports.connect({
      transport,
      address: target.host.replace(/^\[|\]$/g, ''),
      port: target.port ?? (transport === 'tls' ? 5061 : 5060),
    });
    if (!connected.ok) return undefined;
    entry.flow = connected.flow;
    return connected.flow;
  }

  #contactValue(flow: Flow | undefined): string {
    if (!flow) return `<sip:${this.#o.domain.name}>`;
    const host = flow.local.address.includes(':') ? `[${flow.local.address}]` : flow.local.address;
    const transport =
      flow.transport === 'udp' ? '' : `;transport=${flow.transport === 'wss' ? 'ws' : flow.transport}`;
    return `<sip:${host}:${flow.local.port}${transport}>`;
  }

  #notifyRequest(
    entry: Entry,
    uri: Uri,
    snapshot: SubscriptionSnapshot,
    flow: Flow,
    body: { type: string; body: string } | null,
  ): SipRequest {
    const { dialog } = entry;
    dialog.localSeq += 1;
    const host = flow.local.address.includes(':') ? `[${flow.local.address}]` : flow.local.address;
    const payload = Buffer.from(body?.body ?? '', 'utf8');
    const headers: SipHeader[] = [
      {
        name: 'Via',
        value: `SIP/2.0/${flow.transport.toUpperCase()} ${host}:${flow.local.port};branch=z9hG4bK${this.#o.ids.next()};rport`,
      },
      { name: 'Max-Forwards', value: '70' },
      // RFC 3261 §12.2.1.1: From is our side of the dialog (with our tag), To the subscriber's.
      { name: 'From', value: `${dialog.local};tag=${dialog.localTag}` },
      { name: 'To', value: `${dialog.remote};tag=${dialog.remoteTag}` },
      { name: 'Call-ID', value: dialog.callId },
      { name: 'CSeq', value: `${dialog.localSeq} NOTIFY` },
      ...dialog.routeSet.map((route) => ({ name: 'Route', value: route })),
      { name: 'Contact', value: this.#contactValue(flow) },
      // §8.2.1: the Event of the SUBSCRIBE; §8.2.3 the state with the time left.
      { name: 'Event', value: entry.sub.event },
      { name: 'Subscription-State', value: subscriptionStateValue(snapshot, this.#o.clock.now()) },
      ...(body ? [{ name: 'Content-Type', value: body.type }] : []),
      { name: 'Content-Length', value: String(payload.length) },
    ];
    // RFC 3261 §12.2.1.1: a strict-routing first hop would take the Request-URI; every route
    // Herald sees comes from RFC 3261 proxies (lr), so the Request-URI is the remote target.
    return {
      kind: 'request',
      method: 'NOTIFY',
      uri,
      headers: new SipHeaders(headers),
      body: payload,
    };
  }
}
