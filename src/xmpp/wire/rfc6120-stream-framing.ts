/**
 * XML streams over TCP/TLS — RFC 6120 §4 (XML Streams).
 * https://www.rfc-editor.org/rfc/rfc6120#section-4
 */
import {
  closeTag,
  type Element,
  el,
  type NamespaceBindings,
  SafeXmlParser,
  serialize,
  serializeOpenTag,
  type XmlLimits,
} from '../../xml/index.js';
import { NS_CLIENT, NS_STREAM } from './namespaces.js';
import {
  checkTopLevelElement,
  type FramingError,
  type OutgoingStreamHeader,
  type StreamFramingHandler,
  streamHeaderOf,
  type XmppFraming,
} from './xmpp-framing.js';

export interface Rfc6120FramingOptions {
  readonly limits?: Partial<XmlLimits>;
  /** `jabber:client` (the default) for c2s, `jabber:server` for s2s (§4.8.2). */
  readonly contentNamespace?: string;
}

/**
 * Turns the byte stream of one connection into stream events and writes the server's side.
 * Whitespace between top-level elements is ignored (§4.6.1 keepalives).
 */
export class Rfc6120StreamFraming implements XmppFraming {
  readonly #handler: StreamFramingHandler;
  readonly #contentNamespace: string;
  /** What the server's own header declares, so stanzas written into the stream omit it. */
  readonly #declared: NamespaceBindings;
  readonly #parser: SafeXmlParser;

  constructor(handler: StreamFramingHandler, options: Rfc6120FramingOptions = {}) {
    this.#handler = handler;
    this.#contentNamespace = options.contentNamespace ?? NS_CLIENT;
    this.#declared = { '': this.#contentNamespace, stream: NS_STREAM };
    this.#parser = new SafeXmlParser(
      {
        rootOpened: (root) => this.#onHeader(root),
        elementParsed: (element) => this.#onTopLevel(element),
        rootClosed: () => handler.streamClosed(),
        // §4.6.1 allows whitespace only; saxes has already refused anything not well-formed.
        rootText: () =>
          this.#fail({ condition: 'bad-format', text: 'character data between top-level elements' }),
        failed: (error) => handler.framingFailed(error),
      },
      { limits: options.limits },
    );
  }

  receive(data: string | Uint8Array): void {
    this.#parser.write(data);
  }

  restart(): void {
    this.#parser.reset();
  }

  /** `<?xml version='1.0'?><stream:stream …>` (§4.2, §4.7; §11.5 recommends the XML declaration). */
  openStream(header: OutgoingStreamHeader): string {
    const stream = el('stream:stream', {
      xmlns: this.#contentNamespace,
      'xmlns:stream': NS_STREAM,
      from: header.from,
      to: header.to,
      id: header.id,
      version: header.version ?? '1.0',
      'xml:lang': header.lang,
    });
    return `<?xml version='1.0'?>${serializeOpenTag(stream)}`;
  }

  /** `</stream:stream>` (§4.4). */
  closeStream(): string {
    return closeTag('stream:stream');
  }

  serializeElement(element: Element): string {
    return serialize(element, { declared: this.#declared });
  }

  #onHeader(root: Element): void {
    const error = this.#checkHeader(root);
    if (error !== undefined) this.#fail(error);
    else this.#handler.streamOpened(streamHeaderOf(root));
  }

  #checkHeader(root: Element): FramingError | undefined {
    // §4.8.1: the root MUST be <stream/> qualified by the stream namespace.
    if (root.localName !== 'stream' || root.xmlns !== NS_STREAM) {
      return { condition: 'invalid-namespace', text: `<${root.name}> is not a stream in ${NS_STREAM}` };
    }
    // §4.9.3.2: the stream namespace is written with the prefix `stream`.
    if (root.prefix !== 'stream') {
      return { condition: 'bad-namespace-prefix', text: 'the stream element must use the prefix stream' };
    }
    // §4.8.2: the content namespace MUST be the one this kind of stream uses.
    const content = root.lookupNamespace('');
    if (content !== this.#contentNamespace) {
      return {
        condition: 'invalid-namespace',
        text: `the content namespace must be ${this.#contentNamespace}`,
      };
    }
    return undefined;
  }

  #onTopLevel(element: Element): void {
    const error = checkTopLevelElement(element, this.#contentNamespace);
    if (error !== undefined) this.#fail(error);
    else this.#handler.stanzaReceived(element);
  }

  #fail(error: FramingError): void {
    this.#parser.stop();
    this.#handler.framingFailed(error);
  }
}
