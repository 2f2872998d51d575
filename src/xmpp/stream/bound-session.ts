/**
 * A bound client session (XmppSession) that can outlive its connection: with XEP-0198
 * resumption it waits, detached, for the client to come back on a new connection, and stanzas
 * sent meanwhile are kept in the stream-management queue.
 */
import type { BareJid, Jid } from '../../core/address/jid.js';
import type { UserRecord } from '../../core/ports.js';
import { type Element, el } from '../../xml/index.js';
import type { StreamErrorCondition } from '../wire/index.js';
import type { SessionPresence, XmppSession } from '../xmpp-session.js';
import { isStanza, NS_SM, type StreamManagement } from './xep0198-stream-management.js';

const ACK_EVERY = 5;

/** Where a session's output goes while it has a connection. */
export interface SessionOutput {
  write(element: Element): void;
  close(condition: StreamErrorCondition | undefined, text: string | undefined): void;
}

export class BoundSession implements XmppSession {
  readonly presence: SessionPresence = {
    current: null,
    priority: 0,
    isInterested: false,
    directedTo: new Set(),
  };
  readonly state = new Map<string, unknown>();
  sm: StreamManagement | null = null;
  #output: SessionOutput | null;
  #ackRequestQueued = false;
  /** Called when a detached session is closed (it has no connection to close). */
  onDetachedClose: ((condition: StreamErrorCondition | undefined) => void) | null = null;

  constructor(
    readonly id: string,
    readonly user: UserRecord,
    readonly bare: BareJid,
    readonly jid: Jid,
    readonly resource: string,
    public remoteAddress: string,
    output: SessionOutput,
  ) {
    this.#output = output;
  }

  get isDetached(): boolean {
    return this.#output === null;
  }

  attach(output: SessionOutput): void {
    this.#output = output;
  }

  detach(): void {
    this.#output = null;
  }

  send(stanza: Element): void {
    const sm = this.sm;
    if (sm && isStanza(stanza) && !sm.countSent(stanza)) {
      this.close('resource-constraint', 'too many unacknowledged stanzas');
      return;
    }
    this.#output?.write(stanza);
    // §4: ask for an acknowledgement after each burst (the stanzas sent in one turn of the
    // event loop), so that what the client read is acknowledged before it goes away.
    if (sm && isStanza(stanza) && !this.#ackRequestQueued) {
      this.#ackRequestQueued = true;
      queueMicrotask(() => {
        this.#ackRequestQueued = false;
        this.requestAckIfWaiting();
      });
    }
  }

  /** Sends an <r/> if stanzas wait unacknowledged and no request is outstanding (XEP-0198 §4). */
  requestAckIfWaiting(): void {
    if (this.#output && this.sm?.takeAckRequest(ACK_EVERY)) this.#output.write(el('r', { xmlns: NS_SM }));
  }

  /** Writes without counting (stream-management nonzas, re-sent stanzas). */
  sendUncounted(element: Element): void {
    this.#output?.write(element);
  }

  close(condition?: StreamErrorCondition, text?: string): void {
    if (this.#output) this.#output.close(condition, text);
    else this.onDetachedClose?.(condition);
  }
}
