/**
 * XEP-0198: Stream Management — https://xmpp.org/extensions/xep-0198.html
 * The counters and the queue of unacknowledged stanzas of one session, as a small state owner:
 * h counts stanzas handled (§4: modulo 2^32), the queue keeps what the client has not yet
 * acknowledged so that it can be re-sent on resumption (§5) or rerouted when the session ends.
 */
import { type Element, el } from '../../xml/index.js';

export const NS_SM = 'urn:xmpp:sm:3';
const MOD = 2 ** 32;
const STANZAS: ReadonlySet<string> = new Set(['message', 'presence', 'iq']);

export const isStanza = (element: Element): boolean => STANZAS.has(element.name);

export class StreamManagement {
  /** Stanzas received from the client and handled (the server's h, §4). */
  #handled = 0;
  /** Stanzas sent to the client, and those not yet acknowledged, oldest first. */
  #sent = 0;
  #unacked: Element[] = [];
  /** An <r/> went out and no <a/> answered it yet. */
  #requestOutstanding = false;
  /** The sent count when the last <r/> went out. */
  #sentAtRequest = 0;

  constructor(
    readonly id: string,
    readonly isResumable: boolean,
    /** Seconds a detached session waits for resumption (§5: `max`). */
    readonly maxSeconds: number,
    /** Most unacknowledged stanzas kept; beyond, the session is closed (resource-constraint). */
    readonly maxUnacked: number,
  ) {}

  get handled(): number {
    return this.#handled;
  }

  get unackedCount(): number {
    return this.#unacked.length;
  }

  /** A stanza from the client was handled. */
  countHandled(): void {
    this.#handled = (this.#handled + 1) % MOD;
  }

  /** A stanza went to the client; false when the queue is over its limit. */
  countSent(stanza: Element): boolean {
    this.#sent = (this.#sent + 1) % MOD;
    this.#unacked.push(stanza);
    return this.#unacked.length <= this.maxUnacked;
  }

  /**
   * The client acknowledged up to `h` (§4). Returns false when `h` acknowledges stanzas never
   * sent (§4: the server closes with undefined-condition / handled-count-too-high).
   */
  acknowledge(h: number): boolean {
    const outstanding = this.#unacked.length;
    const acked = (h - (this.#sent - outstanding) + MOD) % MOD;
    if (acked > outstanding) return false;
    this.#unacked = this.#unacked.slice(acked);
    this.#requestOutstanding = false;
    return true;
  }

  /**
   * Whether to send an <r/> now (§4: "a server SHOULD request acknowledgements"): once stanzas
   * wait unacknowledged and no request is outstanding, so that the queue is always asked about
   * and a client that reads a message and then closes has acknowledged it — otherwise the
   * message would be rerouted as undelivered and arrive twice. One request per unanswered burst;
   * another after `every` more stanzas if the first is still unanswered. Never twice for the
   * same stanzas: a client whose h lags what it received (some count stanzas that arrive with
   * <enabled/> before they start counting) would otherwise be asked again for ever.
   */
  takeAckRequest(every: number): boolean {
    if (this.#unacked.length === 0 || this.#sent === this.#sentAtRequest) return false;
    if (this.#requestOutstanding && this.#unacked.length % every !== 0) return false;
    this.#requestOutstanding = true;
    this.#sentAtRequest = this.#sent;
    return true;
  }

  /**
   * For resumption (§5): the unacknowledged stanzas, removed from the queue and from the sent
   * count, so that sending them again counts them as the client will.
   */
  takeForResend(): Element[] {
    const pending = this.takeUnacked();
    this.#sent = (this.#sent - pending.length + MOD) % MOD;
    return pending;
  }

  /** Everything not acknowledged; the queue is emptied (to re-send or to reroute). */
  takeUnacked(): Element[] {
    const all = this.#unacked;
    this.#unacked = [];
    return all;
  }

  enabled(): Element {
    return el('enabled', {
      xmlns: NS_SM,
      id: this.isResumable ? this.id : undefined,
      resume: this.isResumable ? 'true' : undefined,
      max: this.isResumable ? String(this.maxSeconds) : undefined,
    });
  }

  answer(): Element {
    return el('a', { xmlns: NS_SM, h: String(this.#handled) });
  }
}

/** `h` as the XEP writes it: an unsigned 32-bit integer; null when it is not one. */
export function parseH(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return null;
  const h = Number(value);
  return h < MOD ? h : null;
}

export const smFailed = (condition: string, h?: number): Element =>
  el(
    'failed',
    { xmlns: NS_SM, h: h === undefined ? undefined : String(h) },
    el(condition, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }),
  );
