/**
 * One client-to-server stream, RFC 6120 §4–§7, whatever carries it: header and features,
 * STARTTLS (§5), SASL (§6), resource binding (§7), then stanzas to the hub's router. The same
 * machine serves TCP, direct TLS (XEP-0368) and WebSocket (RFC 7395) through XmppFraming.
 */
import { type BareJid, type Jid, parseJid, userJid } from '../../core/address/jid.js';
import type { SaslAttempt, SaslAuthenticator } from '../../core/identity/sasl-authenticator.js';
import type { UserRecord } from '../../core/ports.js';
import type { IdSource } from '../../kernel/ids.js';
import type { Logger } from '../../kernel/log.js';
import { type Element, el } from '../../xml/index.js';
import { NS_BIND, NS_SASL, NS_SESSION, NS_TLS } from '../namespaces.js';
import {
  errorReply,
  type FramingError,
  type StanzaErrorCondition,
  type StreamErrorCondition,
  type StreamFramingHandler,
  type StreamHeader,
  streamError,
  type XmppFraming,
} from '../wire/index.js';
import {
  nonzaReceived,
  sessionBound,
  sessionEnding,
  sessionResumed,
  unacknowledgedStanzas,
  type XmppHub,
} from '../xmpp-hub.js';
import { BoundSession } from './bound-session.js';
import type { ResumableSessions } from './resumable-sessions.js';
import {
  channelBindingFeature,
  decodeSaslData,
  mechanismsFeature,
  proceed,
  saslFailure,
  saslStepElement,
  starttlsFeature,
  tlsFailure,
} from './sasl-elements.js';
import { isStanza, NS_SM, parseH, StreamManagement, smFailed } from './xep0198-stream-management.js';
import type { XmppTransport } from './xmpp-transport.js';

export interface C2sOptions {
  readonly hub: XmppHub;
  readonly sasl: SaslAuthenticator;
  readonly ids: IdSource;
  readonly log: Logger;
  /** RFC 6120 §5.3.1: refuse anything but STARTTLS on a plain connection. */
  readonly requireTls: boolean;
  /** RFC 6120 §6.4.5: failed attempts allowed before the connection is closed. */
  readonly maxAuthFailures: number;
  /** XEP-0198: sessions waiting for resumption, and how long (seconds) and how much they may keep. */
  readonly resumable: ResumableSessions;
  readonly resumeSeconds: number;
  readonly maxUnacked: number;
}

type State =
  | { readonly kind: 'awaiting-header' }
  | { readonly kind: 'negotiating' }
  | { readonly kind: 'tls' }
  | { readonly kind: 'sasl'; readonly attempt: SaslAttempt }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'bound'; readonly session: BoundSession }
  | { readonly kind: 'closed' };

export class C2sStream implements StreamFramingHandler {
  readonly #o: C2sOptions;
  readonly #transport: XmppTransport;
  #framing!: XmppFraming;
  #state: State = { kind: 'awaiting-header' };
  #streamId = '';
  #isHeaderSent = false;
  #user: UserRecord | null = null;
  #authFailures = 0;
  /** Stanzas are handled one after another, in arrival order. */
  #queue: Promise<void> = Promise.resolve();

  constructor(transport: XmppTransport, options: C2sOptions) {
    this.#transport = transport;
    this.#o = options;
    transport.onClose(() => this.#ended('disconnected'));
  }

  /** Attaches the framing (made with this stream as its handler) and starts reading. */
  attach(framing: XmppFraming): void {
    this.#framing = framing;
    this.#transport.onData((data) => {
      if (this.#state.kind !== 'closed' && this.#state.kind !== 'tls') framing.receive(data);
    });
  }

  get session(): BoundSession | null {
    return this.#state.kind === 'bound' ? this.#state.session : null;
  }

  // ---------------------------------------------------------------- framing events

  streamOpened(header: StreamHeader): void {
    if (this.#state.kind !== 'awaiting-header') {
      this.close('bad-format', 'unexpected stream header');
      return;
    }
    this.#streamId = this.#o.ids.next();
    this.#transport.write(
      this.#framing.openStream({ from: this.#o.hub.domain, id: this.#streamId, to: header.from, lang: 'en' }),
    );
    this.#isHeaderSent = true;
    // §4.7.2: the 'to' names the service; §4.9.3.6 host-unknown otherwise.
    if (header.to !== undefined && header.to.toLowerCase() !== this.#o.hub.domain) {
      this.close('host-unknown', `this server serves ${this.#o.hub.domain}`);
      return;
    }
    // §4.7.5: Herald speaks XMPP 1.0 only.
    if (header.version === undefined || !header.version.startsWith('1.')) {
      this.close('unsupported-version', 'version 1.0 is required');
      return;
    }
    this.#state = this.#user ? { kind: 'authenticated' } : { kind: 'negotiating' };
    this.#send(el('stream:features', ...this.#features()));
  }

  stanzaReceived(element: Element): void {
    this.#queue = this.#queue
      .then(() => this.#handle(element))
      .catch((error: unknown) => {
        this.#o.log.error({ err: error, stream: this.#streamId }, 'stream handler failed');
        this.close('internal-server-error');
      });
  }

  streamClosed(): void {
    // RFC 6120 §4.4: answer the closing tag with ours, then close the connection.
    this.#shutdown(null, undefined, 'closed by client');
  }

  framingFailed(error: FramingError): void {
    this.close(error.condition, error.text);
  }

  /** Ends the stream with a stream error (§4.9.1.1: header first if not yet sent). */
  close(condition: StreamErrorCondition, text?: string): void {
    this.#shutdown(condition, text, `stream error ${condition}`);
  }

  /** Graceful stop (SIGTERM): §4.9.3.17 system-shutdown. */
  shutdown(): void {
    this.close('system-shutdown', 'the server is stopping');
  }

  // ---------------------------------------------------------------- negotiation

  #features(): Element[] {
    const t = this.#transport;
    if (this.#user) {
      return [
        el('bind', { xmlns: NS_BIND }),
        // RFC 3921 session establishment: obsolete, offered as optional for old clients.
        el('session', { xmlns: NS_SESSION }, el('optional')),
        el('sm', { xmlns: NS_SM }), // XEP-0198 §3
        ...this.#o.hub.streamFeatures({ isBound: false }),
      ];
    }
    const features: Element[] = [];
    if (!t.isSecure && t.canStartTls) features.push(starttlsFeature(this.#o.requireTls));
    if (t.isSecure || !this.#o.requireTls) {
      const channel = this.#channel();
      features.push(mechanismsFeature(this.#o.sasl.mechanisms(channel)));
      if (channel.channelBinding) features.push(channelBindingFeature([channel.channelBinding.type]));
    }
    return features;
  }

  async #handle(element: Element): Promise<void> {
    const state = this.#state;
    switch (state.kind) {
      case 'negotiating':
        if (element.is('starttls', NS_TLS)) return this.#startTls();
        if (element.is('auth', NS_SASL)) return this.#auth(element);
        return this.close('not-authorized', 'authenticate first');
      case 'sasl':
        if (element.is('response', NS_SASL)) return this.#respond(state.attempt, element);
        if (element.is('abort', NS_SASL)) {
          this.#state = { kind: 'negotiating' };
          return this.#send(saslFailure('aborted'));
        }
        return this.close('not-authorized', 'SASL negotiation in progress');
      case 'authenticated':
        return this.#beforeBind(element);
      case 'bound':
        return this.#bound(state.session, element);
      case 'awaiting-header':
      case 'tls':
      case 'closed':
        return;
      default: {
        const never: never = state;
        return never;
      }
    }
  }

  async #startTls(): Promise<void> {
    if (this.#transport.isSecure || !this.#transport.canStartTls) {
      this.#send(tlsFailure()); // §5.4.2.2
      return this.#shutdown(null, undefined, 'STARTTLS refused');
    }
    this.#send(proceed());
    this.#state = { kind: 'tls' };
    try {
      await this.#transport.startTls();
    } catch {
      return this.#ended('TLS negotiation failed');
    }
    this.#framing.restart(); // §5.4.3.3: a new stream over TLS
    this.#state = { kind: 'awaiting-header' };
  }

  async #auth(element: Element): Promise<void> {
    if (this.#o.requireTls && !this.#transport.isSecure)
      return this.#send(saslFailure('encryption-required'));
    const data = decodeSaslData(element.text());
    if (data === null) return this.#saslFailed(saslFailure('incorrect-encoding'));
    const { attempt, step } = await this.#o.sasl.start(
      element.attr('mechanism') ?? '',
      data,
      this.#channel(),
    );
    return this.#saslStep(attempt, step);
  }

  async #respond(attempt: SaslAttempt, element: Element): Promise<void> {
    const data = decodeSaslData(element.text());
    if (data === null) return this.#saslFailed(saslFailure('incorrect-encoding'));
    return this.#saslStep(null, await attempt.respond(data));
  }

  #saslStep(attempt: SaslAttempt | null, step: Awaited<ReturnType<SaslAttempt['respond']>>): void {
    if (step.kind === 'challenge' && attempt) {
      this.#state = { kind: 'sasl', attempt };
      this.#send(saslStepElement(step));
      return;
    }
    if (step.kind === 'success') {
      this.#user = step.user;
      this.#send(saslStepElement(step));
      this.#framing.restart(); // §6.4.6: the client opens a new stream
      this.#state = { kind: 'awaiting-header' };
      this.#o.log.info({ stream: this.#streamId, user: step.user.username }, 'XMPP client authenticated');
      return;
    }
    this.#saslFailed(saslStepElement(step));
    return;
  }

  #saslFailed(failure: Element): void {
    this.#state = { kind: 'negotiating' };
    this.#send(failure);
    if (++this.#authFailures >= this.#o.maxAuthFailures)
      this.close('policy-violation', 'too many failed attempts');
  }

  // ---------------------------------------------------------------- binding and stanzas

  async #beforeBind(element: Element): Promise<void> {
    const bind =
      element.name === 'iq' && element.attr('type') === 'set' ? element.getChild('bind', NS_BIND) : undefined;
    if (bind && this.#user) return this.#bind(element, bind, this.#user);
    if (element.is('resume', NS_SM) && this.#user) return this.#resume(element, this.#user);
    if (element.is('enable', NS_SM)) return this.#send(smFailed('unexpected-request')); // §3: after binding
    if (element.name === 'iq' && element.getChild('session', NS_SESSION)) return this.#sessionResult(element);
    if (element.name === 'iq' && element.attr('type') !== 'result' && element.attr('type') !== 'error')
      this.#send(iqError(element, 'not-authorized', 'bind a resource first'));
  }

  /** RFC 6120 §7.6: bind the requested resource, or one the server makes. */
  #bind(iq: Element, bind: Element, user: UserRecord): void {
    const bare: BareJid = userJid(user.username, this.#o.hub.domain);
    const requested = bind.getChildText('resource')?.trim();
    const resource = requested || `herald-${this.#o.ids.next()}`;
    const jid = parseJid(`${bare}/${resource}`);
    // §7.7.2.1: a resource that cannot be prepared is bad-request.
    if (!jid?.startsWith(`${bare}/`)) {
      this.#send(iqError(iq, 'bad-request', 'the resource is not valid'));
      return;
    }
    const session = this.#makeSession(user, bare, jid, jid.slice(bare.length + 1));
    const bound = this.#o.hub.sessions.bind(session);
    if (bound === 'limit') {
      this.#send(iqError(iq, 'resource-constraint', 'too many resources'));
      return;
    } // §7.6.2.1
    bound.replaced?.close('conflict', 'replaced by a new session of the same resource');
    this.#state = { kind: 'bound', session };
    this.#send(
      el('iq', { type: 'result', id: iq.attr('id') }, el('bind', { xmlns: NS_BIND }, el('jid', jid))),
    );
    void this.#o.hub.hooks.notify(sessionBound, session);
  }

  #sessionResult(iq: Element): void {
    this.#send(el('iq', { type: 'result', id: iq.attr('id') }));
  }

  async #bound(session: BoundSession, stanza: Element): Promise<void> {
    if (stanza.xmlns === NS_SM) return this.#streamManagement(session, stanza);
    // Other top-level elements (XEP-0352 <active/>, …) go to the module that owns them; not counted (XEP-0198 §4).
    if (!isStanza(stanza)) {
      if (await this.#o.hub.hooks.run(nonzaReceived, { session, element: stanza })) return;
      return this.close('unsupported-stanza-type', `<${stanza.name}> is not supported here`);
    }
    // XEP-0198 §4: h counts every stanza the server received (handled or answered with an error).
    session.sm?.countHandled();
    if (stanza.name === 'iq' && stanza.attr('type') === 'set' && stanza.getChild('session', NS_SESSION))
      return this.#sessionResult(stanza);
    // RFC 6120 §8.1.2.1: the server stamps 'from'; a client may only name itself.
    const from = stanza.attr('from');
    if (from !== undefined) {
      const given = parseJid(from);
      if (given !== session.jid && given !== session.bare)
        return this.close('invalid-from', 'from is not this session');
    }
    await this.#o.hub.route(session, stanza.withAttrs({ from: session.jid }));
  }

  #makeSession(user: UserRecord, bare: BareJid, jid: Jid, resource: string): BoundSession {
    return new BoundSession(
      this.#streamId,
      user,
      bare,
      jid,
      resource,
      this.#transport.remoteAddress,
      this.#output(),
    );
  }

  #output() {
    return {
      write: (element: Element) => this.#send(element),
      close: (condition: StreamErrorCondition | undefined, text: string | undefined) =>
        condition ? this.close(condition, text) : this.#shutdown(null, text, 'closed'),
    };
  }

  // ---------------------------------------------------------------- XEP-0198 stream management

  /** §3–§4: enable, ack requests and answers, on a bound session. */
  #streamManagement(session: BoundSession, element: Element): void {
    const sm = session.sm;
    if (element.localName === 'enable') {
      if (sm) return void session.sendUncounted(smFailed('unexpected-request'));
      const wantsResume = ['true', '1'].includes(element.attr('resume') ?? '');
      const asked = Number(element.attr('max'));
      const max =
        Number.isInteger(asked) && asked > 0 ? Math.min(asked, this.#o.resumeSeconds) : this.#o.resumeSeconds;
      session.sm = new StreamManagement(this.#o.ids.next(), wantsResume, max, this.#o.maxUnacked);
      return void session.sendUncounted(session.sm.enabled());
    }
    if (!sm) return void session.sendUncounted(smFailed('unexpected-request'));
    if (element.localName === 'r') return void session.sendUncounted(sm.answer());
    if (element.localName === 'a') {
      const h = parseH(element.attr('h'));
      // §4: an h acknowledging more than was sent ends the stream.
      if (h === null || !sm.acknowledge(h))
        this.close('undefined-condition', 'the acknowledged count is too high');
      else session.requestAckIfWaiting(); // stanzas sent after our <r/> still wait for theirs
      return;
    }
    this.close('unsupported-stanza-type', `<${element.localName}/> is not a stream management element`);
  }

  /** §5: take over a detached session; on failure the client may bind a new one. */
  #resume(element: Element, user: UserRecord): void {
    const h = parseH(element.attr('h'));
    const previd = element.attr('previd') ?? '';
    // Another user's session id finds nothing, and leaves that session waiting.
    const session =
      h !== null && this.#o.resumable.peek(previd)?.user.id === user.id
        ? this.#o.resumable.take(previd)
        : undefined;
    if (!session?.sm || h === null) {
      this.#send(smFailed('item-not-found'));
      return;
    }
    if (!session.sm.acknowledge(h)) {
      this.#send(smFailed('unexpected-request'));
      session.close();
      return;
    }
    session.attach(this.#output());
    session.remoteAddress = this.#transport.remoteAddress;
    this.#state = { kind: 'bound', session };
    this.#send(el('resumed', { xmlns: NS_SM, previd: session.sm.id, h: String(session.sm.handled) }));
    void this.#o.hub.hooks.notify(sessionResumed, session);
    for (const stanza of session.sm.takeForResend()) session.send(stanza);
    this.#o.log.info({ stream: this.#streamId, jid: session.jid }, 'XMPP session resumed');
  }

  // ---------------------------------------------------------------- output and teardown

  #channel() {
    return {
      isSecure: this.#transport.isSecure,
      remoteAddress: this.#transport.remoteAddress,
      channelBinding: this.#transport.channelBinding(),
    };
  }

  #send(element: Element): void {
    if (this.#state.kind !== 'closed') this.#transport.write(this.#framing.serializeElement(element));
  }

  #shutdown(condition: StreamErrorCondition | null, text: string | undefined, reason: string): void {
    if (this.#state.kind === 'closed') return;
    if (!this.#isHeaderSent) {
      this.#transport.write(this.#framing.openStream({ from: this.#o.hub.domain, id: this.#o.ids.next() }));
      this.#isHeaderSent = true;
    }
    if (condition) this.#send(streamError(condition, text));
    this.#transport.write(this.#framing.closeStream());
    this.#ended(reason);
    this.#transport.close();
  }

  #ended(reason: string): void {
    const session = this.session;
    this.#state = { kind: 'closed' };
    if (!session) return;
    const sm = session.sm;
    // XEP-0198 §5: a connection lost (not closed) leaves a resumable session waiting for its client.
    if (sm?.isResumable && reason === 'disconnected') {
      session.detach();
      this.#o.resumable.hold(sm.id, session, sm.maxSeconds, () =>
        this.#finish(session, 'resumption timed out'),
      );
      return;
    }
    this.#finish(session, reason);
  }

  #finish(session: BoundSession, reason: string): void {
    session.detach();
    const unacked = session.sm?.takeUnacked() ?? [];
    void this.#o.hub.hooks.notify(sessionEnding, { session, reason }).finally(() => {
      this.#o.hub.sessions.unbind(session);
      // Nothing the client did not acknowledge is lost: the messages module reroutes it.
      if (unacked.length > 0)
        void this.#o.hub.hooks.notify(unacknowledgedStanzas, { session, stanzas: unacked });
    });
  }
}

function iqError(iq: Element, condition: StanzaErrorCondition, text: string): Element {
  // An IQ get/set always has an error reply (RFC 6120 §8.2.3); the fallback only satisfies the type.
  return errorReply(iq, condition, { text }) ?? el('iq', { type: 'error', id: iq.attr('id') });
}
