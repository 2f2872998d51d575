/**
 * The XMPP side's one entry point for features (DESIGN.md, Modules): IQ handlers by namespace with
 * one owner each, the message and presence handlers, stream features, disco features, and the
 * router that sends a client's stanza where RFC 6120 §10 and RFC 6121 §8 say it goes.
 */
import { type BareJid, bareJid, isBareJid, type Jid, jidDomain, parseJid } from '../core/address/jid.js';
import { type Clock, systemClock, type TimerHandle } from '../kernel/clock.js';
import { HeraldError } from '../kernel/errors.js';
import { Hooks, handleHook, notifyHook } from '../kernel/hooks.js';
import type { IdSource } from '../kernel/ids.js';
import type { Logger } from '../kernel/log.js';
import { serviceKey } from '../kernel/services.js';
import { type Element, el } from '../xml/index.js';
import { XmppSessionManager } from './session-manager.js';
import { errorReply, type StanzaErrorCondition } from './wire/index.js';
import type { XmppSession } from './xmpp-session.js';

export type IqAnswer =
  | { readonly result: Element | null }
  | { readonly error: StanzaErrorCondition; readonly text?: string; readonly application?: Element };

export interface IqRequest {
  readonly stanza: Element;
  readonly payload: Element;
  readonly session: XmppSession;
  /** For account handlers: whose account (the `to` bare JID, or the sender's own). */
  readonly owner: BareJid;
}

export type IqHandler = (request: IqRequest) => Promise<IqAnswer>;
/** 'server': addressed to the domain. 'account': addressed to a user's bare JID (or no `to`). */
export type IqTarget = 'server' | 'account';

export type StanzaHandler = (session: XmppSession, stanza: Element, to: Jid | null) => Promise<void>;

/** A stream feature offered after authentication (RFC 6120 §4.3.2), e.g. bind, rosterver. */
export type StreamFeatureProvider = (session: { readonly isBound: boolean }) => Element | null;

export const sessionBound = notifyHook<XmppSession>('xmpp.session-bound');
/** A session sent its initial presence (RFC 6121 §4.2): offline messages and pending requests follow. */
export const initialPresenceSent = notifyHook<XmppSession>('xmpp.initial-presence');
/** Stanzas sent to a session that ended before its client acknowledged them (XEP-0198). */
export const unacknowledgedStanzas = notifyHook<{ session: XmppSession; stanzas: readonly Element[] }>(
  'xmpp.unacknowledged-stanzas',
);
/** A bound client's top-level element that is no stanza (a nonza, e.g. XEP-0352 <inactive/>); true: taken. */
export const nonzaReceived = handleHook<{ session: XmppSession; element: Element }, true>(
  'xmpp.nonza-received',
);
/** A detached session was taken over by a new stream (XEP-0198 §5): stream state starts afresh. */
export const sessionResumed = notifyHook<XmppSession>('xmpp.session-resumed');
/** Before the session's resources are released (it may still be sent to, if its stream is open). */
export const sessionEnding = notifyHook<{ session: XmppSession; reason: string }>('xmpp.session-ending');
/** A client broadcast unavailable presence (RFC 6121 §4.5.1), before the presence handler takes it. */
export const unavailableReceived = notifyHook<{ session: XmppSession; stanza: Element }>(
  'xmpp.unavailable-received',
);

/** A disco#info identity (XEP-0030 §3.1): category and type from the registry, an optional name. */
export interface DiscoIdentity {
  readonly category: string;
  readonly type: string;
  readonly name?: string;
}

export interface XmppHubOptions {
  readonly maxResourcesPerUser: number;
  /** Timers of server-originated IQs (STYLE habit 8); the system clock when absent. */
  readonly clock?: Clock;
  /** Ids of server-originated IQs; a counter when absent. */
  readonly ids?: IdSource;
  /** Server-originated IQs one session may have unanswered at once (STYLE habit 15). */
  readonly maxPendingRequestsPerSession?: number;
}

interface PendingRequest {
  readonly session: XmppSession;
  readonly resolve: (answer: Element) => void;
  readonly reject: (error: HeraldError) => void;
  readonly timer: TimerHandle;
}

export class XmppHub {
  readonly sessions: XmppSessionManager;
  readonly hooks: Hooks;
  readonly #iq = new Map<string, { owner: string; handler: IqHandler }>();
  readonly #features: { owner: string; provide: StreamFeatureProvider }[] = [];
  readonly #serverDisco = new Set<string>();
  readonly #accountDisco = new Set<string>();
  readonly #discoForms = { server: new Map<string, Element>(), account: new Map<string, Element>() };
  readonly #identities = { server: [] as DiscoIdentity[], account: [] as DiscoIdentity[] };
  readonly #pending = new Map<string, PendingRequest>();
  readonly #clock: Clock;
  readonly #nextId: () => string;
  readonly #maxPending: number;
  #message: StanzaHandler | null = null;
  #presence: StanzaHandler | null = null;
  /** Service domains (e.g. conference.<domain>, XEP-0045): every stanza to them goes to their handler. */
  readonly #serviceDomains = new Map<string, { owner: string; handler: StanzaHandler }>();

  constructor(
    readonly domain: string,
    readonly log: Logger,
    options: XmppHubOptions,
  ) {
    this.sessions = new XmppSessionManager(options);
    this.hooks = new Hooks((hook, error) => log.error({ err: error, hook }, 'XMPP hook listener failed'));
    this.#clock = options.clock ?? systemClock;
    let n = 0;
    const ids = options.ids;
    this.#nextId = ids ? () => `herald-${ids.next()}` : () => `herald-${++n}`;
    this.#maxPending = options.maxPendingRequestsPerSession ?? 16;
    this.hooks.on(sessionEnding, ({ session }) => this.#abandon(session, 'the session ended'));
  }

  // ------------------------------------------------------------------ registration

  iq(
    target: IqTarget,
    type: 'get' | 'set',
    namespace: string,
    handler: IqHandler,
    owner: string,
  ): () => void {
    const key = `${target} ${type} ${namespace}`;
    const existing = this.#iq.get(key);
    if (existing)
      throw new HeraldError(
        'HERALD_ERR_MODULE',
        `${key} is handled by ${existing.owner}; ${owner} cannot too`,
        key,
      );
    this.#iq.set(key, { owner, handler });
    return () => this.#iq.delete(key);
  }

  discoFeature(target: IqTarget, namespace: string): void {
    (target === 'server' ? this.#serverDisco : this.#accountDisco).add(namespace);
  }

  /**
   * XEP-0030 §3.1: an identity besides the built-in one (server/im, account/registered), e.g.
   * XEP-0163 §6.1's pubsub/pep of every account.
   */
  discoIdentity(target: IqTarget, identity: DiscoIdentity): () => void {
    const list = this.#identities[target];
    if (list.some((i) => i.category === identity.category && i.type === identity.type))
      throw new HeraldError(
        'HERALD_ERR_MODULE',
        `disco identity ${identity.category}/${identity.type} is registered twice`,
      );
    list.push(identity);
    return () => {
      const at = list.indexOf(identity);
      if (at >= 0) list.splice(at, 1);
    };
  }

  discoIdentities(target: IqTarget): DiscoIdentity[] {
    return [...this.#identities[target]];
  }

  discoFeatures(target: IqTarget): string[] {
    return [...(target === 'server' ? this.#serverDisco : this.#accountDisco)].sort();
  }

  /**
   * XEP-0128 §2: a result data form disco#info carries after the features; one per FORM_TYPE
   * (XEP-0115 §5.4 forbids two, as entity capabilities hash them).
   */
  discoExtension(target: IqTarget, formType: string, form: Element): () => void {
    const forms = this.#discoForms[target];
    if (forms.has(formType))
      throw new HeraldError('HERALD_ERR_MODULE', `disco extension ${formType} is registered twice`, formType);
    forms.set(formType, form);
    return () => forms.delete(formType);
  }

  discoExtensions(target: IqTarget): Element[] {
    return [...this.#discoForms[target].values()];
  }

  streamFeature(owner: string, provide: StreamFeatureProvider): void {
    this.#features.push({ owner, provide });
  }

  streamFeatures(session: { readonly isBound: boolean }): Element[] {
    return this.#features.map((f) => f.provide(session)).filter((e): e is Element => e !== null);
  }

  handleMessages(handler: StanzaHandler): void {
    if (this.#message) throw new HeraldError('HERALD_ERR_MODULE', 'message stanzas already have a handler');
    this.#message = handler;
  }

  handlePresence(handler: StanzaHandler): void {
    if (this.#presence) throw new HeraldError('HERALD_ERR_MODULE', 'presence stanzas already have a handler');
    this.#presence = handler;
  }

  /**
   * A component-like service on its own domain (XEP-0045 §4.2: conference.<domain>): every iq,
   * message and presence addressed to the domain or a JID on it goes to `handler`, before the
   * normal message and presence handlers.
   */
  serviceDomain(domain: string, handler: StanzaHandler, owner: string): () => void {
    const key = domain.toLowerCase();
    const existing = this.#serviceDomains.get(key);
    if (existing || key === this.domain)
      throw new HeraldError(
        'HERALD_ERR_MODULE',
        `${domain} is served by ${existing?.owner ?? 'the server'}`,
        key,
      );
    this.#serviceDomains.set(key, { owner, handler });
    return () => this.#serviceDomains.delete(key);
  }

  /** The service domains registered, e.g. for the server's disco#items (XEP-0030 §4). */
  serviceDomains(): string[] {
    return [...this.#serviceDomains.keys()].sort();
  }

  // ------------------------------------------------------------------ routing

  /** Whether `jid` is an account of this server (user@domain). */
  isLocal(jid: Jid): boolean {
    return jidDomain(jid) === this.domain;
  }

  /** A stanza from a bound client, `from` already stamped (RFC 6120 §8.1.2.1). */
  async route(session: XmppSession, stanza: Element): Promise<void> {
    const rawTo = stanza.attr('to');
    const to = rawTo === undefined ? null : parseJid(rawTo);
    if (rawTo !== undefined && to === null) return this.replyError(session, stanza, 'jid-malformed');
    const service = to === null ? undefined : this.#serviceDomains.get(jidDomain(to));
    if (service && to !== null && ['iq', 'message', 'presence'].includes(stanza.name)) {
      try {
        return await service.handler(session, stanza, to);
      } catch (error) {
        // A failing service answers an error and logs; the session goes on (STYLE habit 9).
        this.log.error({ err: error, session: session.id, to }, 'service domain handler failed');
        return this.replyError(session, stanza, 'internal-server-error');
      }
    }
    switch (stanza.name) {
      case 'iq':
        return this.#routeIq(session, stanza, to);
      case 'message':
        if (this.#message) return this.#message(session, stanza, to);
        return this.replyError(session, stanza, 'service-unavailable');
      case 'presence':
        if (stanza.attr('type') === 'unavailable' && (to === null || bareJid(to) === session.bare))
          await this.hooks.notify(unavailableReceived, { session, stanza });
        if (this.#presence) return this.#presence(session, stanza, to);
        return;
      default:
        return this.replyError(session, stanza, 'bad-request');
    }
  }

  /**
   * Sends an IQ get or set from the server (`from` = the domain, a fresh id) to the bound session
   * at the full JID `to`, and resolves with its result or error stanza (RFC 6120 §8.2.3). Rejects
   * with HERALD_ERR_NOT_FOUND without such a session, HERALD_ERR_RATE_LIMITED when it already
   * has as many requests unanswered as allowed, HERALD_ERR_UNAVAILABLE on timeout or when the
   * session ends first.
   */
  request(to: Jid, iq: Element, timeoutMs: number): Promise<Element> {
    const session = this.sessions.get(to);
    if (!session) return Promise.reject(new HeraldError('HERALD_ERR_NOT_FOUND', `${to} is not bound`));
    let unanswered = 0;
    for (const pending of this.#pending.values()) if (pending.session === session) unanswered++;
    if (unanswered >= this.#maxPending)
      return Promise.reject(
        new HeraldError('HERALD_ERR_RATE_LIMITED', `${to} has ${unanswered} requests unanswered`),
      );
    const id = this.#nextId();
    return new Promise<Element>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id);
        reject(new HeraldError('HERALD_ERR_UNAVAILABLE', `${to} did not answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { session, resolve, reject, timer });
      session.send(iq.withAttrs({ from: this.domain, to: session.jid, id }));
    });
  }

  /** A result or error addressed to the server: the answer to a request(), if the asked session sent it. */
  #answered(session: XmppSession, iq: Element): void {
    const id = iq.attr('id') ?? '';
    const pending = this.#pending.get(id);
    // Only the session asked may answer: another peer cannot guess or answer for it.
    if (!pending || pending.session !== session) return;
    this.#pending.delete(id);
    pending.timer.cancel();
    pending.resolve(iq);
  }

  #abandon(session: XmppSession, why: string): void {
    for (const [id, pending] of this.#pending)
      if (pending.session === session) {
        this.#pending.delete(id);
        pending.timer.cancel();
        pending.reject(new HeraldError('HERALD_ERR_UNAVAILABLE', `${session.jid}: ${why}`));
      }
  }

  /** Sends an error reply to the sender's session, unless the stanza may not be answered (§8.3.1). */
  replyError(session: XmppSession, stanza: Element, condition: StanzaErrorCondition, text?: string): void {
    const reply = errorReply(stanza.withAttrs({ from: session.jid }), condition, {
      ...(text ? { text } : {}),
    });
    if (reply) session.send(reply.withAttrs({ from: stanza.attr('to') ?? session.bare, to: session.jid }));
  }

  async #routeIq(session: XmppSession, iq: Element, to: Jid | null): Promise<void> {
    const type = iq.attr('type');
    // RFC 6120 §8.2.3: id and type are REQUIRED; get and set carry exactly one payload child.
    if (!iq.attr('id') || !['get', 'set', 'result', 'error'].includes(type ?? ''))
      return this.replyError(session, iq, 'bad-request', 'an IQ needs an id and a type');
    if (type === 'result' || type === 'error') {
      if (to === null || to === this.domain) this.#answered(session, iq);
      else if (!isBareJid(to)) this.sessions.get(to)?.send(iq);
      return; // §8.2.3: results are never answered
    }
    const payloads = iq.elements();
    const payload = payloads[0];
    if (!payload || payloads.length !== 1)
      return this.replyError(session, iq, 'bad-request', 'one payload element');
    if (to && !isBareJid(to)) {
      const target = this.sessions.get(to);
      if (target) return void target.send(iq);
      return this.replyError(session, iq, 'service-unavailable');
    }
    const target: IqTarget | null =
      to === null || to.includes('@') ? 'account' : to === this.domain ? 'server' : null;
    if (target === null) return this.replyError(session, iq, 'remote-server-not-found');
    if (to && target === 'account' && !this.isLocal(to))
      return this.replyError(session, iq, 'remote-server-not-found');
    const entry = this.#iq.get(`${target} ${type} ${payload.xmlns ?? ''}`);
    if (!entry) return this.replyError(session, iq, 'service-unavailable'); // RFC 6120 §8.4
    const owner = to ? bareJid(to) : session.bare;
    let answer: IqAnswer;
    try {
      answer = await entry.handler({ stanza: iq, payload, session, owner });
    } catch (error) {
      // One failing handler answers an error and logs; the session goes on (STYLE habit 9).
      this.log.error({ err: error, session: session.id, ns: payload.xmlns }, 'IQ handler failed');
      answer = { error: 'internal-server-error' };
    }
    if ('result' in answer) {
      session.send(
        el(
          'iq',
          { type: 'result', id: iq.attr('id'), from: to ?? undefined, to: session.jid },
          answer.result ?? undefined,
        ),
      );
    } else {
      const reply = errorReply(iq.withAttrs({ from: session.jid }), answer.error, {
        ...(answer.text ? { text: answer.text } : {}),
        ...(answer.application ? { application: answer.application } : {}),
      });
      if (reply) session.send(reply.withAttrs({ from: to ?? undefined, to: session.jid }));
    }
  }
}

export const xmppHubKey = serviceKey<XmppHub>('xmpp.hub');
