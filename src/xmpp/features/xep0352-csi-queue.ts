/**
 * XEP-0352: Client State Indication, the server's optimisation — https://xmpp.org/extensions/xep-0352.html
 * While a client says it is inactive, what it need not see at once waits (§3.2 suggests holding
 * presence updates and pushing the latest of each contact on becoming active); what matters is
 * sent at once, after everything held before it, so the client sees the stream in order.
 */
import type { Element } from '../../xml/index.js';
import { NS_CARBONS, NS_FORWARD } from './xep0280-carbon-copies.js';

export const NS_CSI = 'urn:xmpp:csi:0';
const NS_CHAT_STATES = 'http://jabber.org/protocol/chatstates';
/** XEP-0353: a call being proposed or withdrawn must ring now, not when the screen is on. */
const NS_JINGLE_MESSAGE = 'urn:xmpp:jingle-message:0';

/**
 * What to do with a stanza for an inactive client. 'hold' with a key: a later stanza with the same
 * key replaces it (only the newest counts); key null: kept as it is, in order.
 */
export type CsiDisposition =
  | { readonly kind: 'send' }
  | { readonly kind: 'hold'; readonly key: string | null };

const SEND: CsiDisposition = { kind: 'send' };

export function csiDisposition(stanza: Element): CsiDisposition {
  switch (stanza.name) {
    case 'presence': {
      const type = stanza.attr('type');
      // A subscription request or answer waits for the user: it is sent. Errors too.
      if (type !== undefined && type !== 'unavailable') return SEND;
      return { kind: 'hold', key: `presence ${stanza.attr('from') ?? ''}` };
    }
    case 'message':
      if (isImportantMessage(stanza)) return SEND;
      if (isChatStateOnly(stanza)) return { kind: 'hold', key: `chat-state ${stanza.attr('from') ?? ''}` };
      return { kind: 'hold', key: null }; // receipts, markers, PEP events: later, all of them
    default:
      return SEND; // IQs answer or ask something now; nonzas are the stream's own
  }
}

function isImportantMessage(message: Element): boolean {
  if (message.attr('type') === 'error') return true; // the user's message did not arrive
  if (message.getChild('body') !== undefined) return true;
  if (message.elements().some((child) => child.xmlns === NS_JINGLE_MESSAGE)) return true;
  // A carbon (XEP-0280) matters as much as the message it carries.
  const carbon = message.getChild('received', NS_CARBONS) ?? message.getChild('sent', NS_CARBONS);
  const inner = carbon
    ?.getChild('forwarded', NS_FORWARD)
    ?.elements()
    .find((child) => child.name === 'message');
  return inner !== undefined && isImportantMessage(inner);
}

/** A XEP-0085 notification and nothing else (a <thread/> may go with it). */
function isChatStateOnly(message: Element): boolean {
  const children = message.elements();
  return (
    children.some((child) => child.xmlns === NS_CHAT_STATES) &&
    children.every((child) => child.xmlns === NS_CHAT_STATES || child.is('thread'))
  );
}

/**
 * One session's output while CSI is in use: active passes everything through; inactive holds what
 * csiDisposition says may wait, up to `maxHeld` stanzas — beyond, everything held is sent, so
 * an inactive client costs bounded memory and nothing is lost.
 */
export class CsiQueue {
  #isActive = true; // §5: a stream begins active
  readonly #held = new Map<string, Element>();
  #sequence = 0;
  readonly #deliver: (stanza: Element) => void;
  readonly #maxHeld: number;

  constructor(deliver: (stanza: Element) => void, maxHeld: number) {
    this.#deliver = deliver;
    this.#maxHeld = maxHeld;
  }

  get isActive(): boolean {
    return this.#isActive;
  }

  get heldCount(): number {
    return this.#held.size;
  }

  send(stanza: Element): void {
    const disposition: CsiDisposition = this.#isActive ? SEND : csiDisposition(stanza);
    if (disposition.kind === 'send') {
      this.flush(); // what waited came first (nothing, while active)
      this.#deliver(stanza);
      return;
    }
    const key = disposition.key ?? `#${this.#sequence++}`;
    this.#held.delete(key); // the newest takes the place at the end
    this.#held.set(key, stanza);
    if (this.#held.size > this.#maxHeld) this.flush();
  }

  inactive(): void {
    this.#isActive = false;
  }

  /** §4.2 and §5.1: on <active/> everything held goes out before the next stanza is processed. */
  active(): void {
    this.#isActive = true;
    this.flush();
  }

  flush(): void {
    if (this.#held.size === 0) return;
    const held = [...this.#held.values()];
    this.#held.clear();
    for (const stanza of held) this.#deliver(stanza);
  }
}
