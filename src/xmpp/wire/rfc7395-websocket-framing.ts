/**
 * XMPP over WebSocket — RFC 7395 §3.3 (XMPP Framing).
 * https://www.rfc-editor.org/rfc/rfc7395#section-3.3
 */
import {
  type Element,
  el,
  isXmlError,
  type NamespaceBindings,
  serialize,
  XmlDocumentParser,
  type XmlLimits,
} from '../../xml/index.js';
import { NS_CLIENT, NS_FRAMING, NS_STREAM } from './namespaces.js';
import {
  checkTopLevelElement,
  type FramingError,
  type OutgoingStreamHeader,
  type StreamFramingHandler,
  streamHeaderOf,
  type XmppFraming,
} from './xmpp-framing.js';

export interface Rfc7395FramingOptions {
  readonly limits?: Partial<XmlLimits>;
}

type FramingState = 'awaiting-open' | 'open' | 'closed' | 'failed';

/** What unqualified elements and the `stream:` prefix mean in a message that does not declare them. */
const ASSUMED: NamespaceBindings = Object.freeze({ '': NS_CLIENT, stream: NS_STREAM });

function isBlank(message: string | Uint8Array): boolean {
  if (typeof message === 'string') return /^[ \t\r\n]*$/.test(message);
  return message.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d);
}

/**
 * One WebSocket message is one complete XML document (§3.3.3): `<open/>` and `<close/>` in the
 * framing namespace delimit the stream (§3.3.2), everything else is a top-level element.
 */
export class Rfc7395WebSocketFraming implements XmppFraming {
  readonly #handler: StreamFramingHandler;
  // COMPAT(clients that leave out xmlns='jabber:client'): §3.3.3 wants every message to declare
  // its namespaces; an unqualified element is read as a stanza, as over TCP.
  readonly #documents: XmlDocumentParser;
  #state: FramingState = 'awaiting-open';

  constructor(handler: StreamFramingHandler, options: Rfc7395FramingOptions = {}) {
    this.#handler = handler;
    this.#documents = new XmlDocumentParser({ limits: options.limits, namespaces: ASSUMED });
  }

  receive(message: string | Uint8Array): void {
    if (this.#state === 'failed' || this.#state === 'closed') return;
    // COMPAT(whitespace keepalives): a blank message is not a document; ignore it like RFC 6120 §4.6.1.
    if (isBlank(message)) return;
    const parsed = this.#documents.parse(message); // §3.3.3: each message is one whole document
    if (isXmlError(parsed)) {
      this.#fail(parsed);
      return;
    }
    if (parsed.xmlns === NS_FRAMING) {
      this.#onFraming(parsed);
      return;
    }
    if (this.#state === 'awaiting-open') {
      // As over TCP when the first element is not <stream:stream>.
      this.#fail({ condition: 'invalid-namespace', text: `expected <open xmlns='${NS_FRAMING}'/>` });
      return;
    }
    const error = checkTopLevelElement(parsed, NS_CLIENT);
    if (error !== undefined) this.#fail(error);
    else this.#handler.stanzaReceived(parsed);
  }

  /** §3.7: after a restart the client sends a new `<open/>` (and no `<close/>`). */
  restart(): void {
    this.#state = 'awaiting-open';
  }

  /** `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' …/>` with the stream header's attributes (§3.3.2). */
  openStream(header: OutgoingStreamHeader): string {
    return serialize(
      el('open', {
        xmlns: NS_FRAMING,
        from: header.from,
        to: header.to,
        id: header.id,
        version: header.version ?? '1.0',
        'xml:lang': header.lang,
      }),
    );
  }

  /** `<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>` (§3.3.2). */
  closeStream(): string {
    return serialize(el('close', { xmlns: NS_FRAMING }));
  }

  /** `<close/>` sending the client elsewhere (§3.6.1, in place of see-other-host). */
  redirect(uri: string): string {
    return serialize(el('close', { xmlns: NS_FRAMING, 'see-other-uri': uri }));
  }

  /** A top-level element as a standalone document, declaring `jabber:client` and `stream` as needed (§3.3.3). */
  serializeElement(element: Element): string {
    return serialize(element, { assumed: ASSUMED });
  }

  #onFraming(element: Element): void {
    switch (element.localName) {
      case 'open':
        if (this.#state !== 'awaiting-open') {
          this.#fail({ condition: 'invalid-xml', text: '<open/> without a stream restart' });
          return;
        }
        this.#state = 'open';
        this.#handler.streamOpened(streamHeaderOf(element));
        return;
      case 'close':
        this.#state = 'closed';
        this.#handler.streamClosed();
        return;
      default:
        this.#fail({ condition: 'invalid-xml', text: `<${element.name}> is not a framing element` });
    }
  }

  #fail(error: FramingError): void {
    this.#state = 'failed';
    this.#handler.framingFailed(error);
  }
}
