/**
 * Safe XML parsing for streams and documents — RFC 6120 §11 (XML Usage), §4.3.3 (stream restart).
 * https://www.rfc-editor.org/rfc/rfc6120#section-11
 *
 * Names keep their prefixes as written (`stream:features`) and every element knows its namespace
 * (`Element.xmlns`), resolved here rather than by saxes. Refused, with an `XmlError` value:
 * DTDs, processing instructions (the XML declaration at the very start is allowed), comments,
 * entity references other than the five predefined (character references are fine), namespace
 * errors, encodings other than UTF-8, and anything over the configured limits.
 */
import type { Element } from './element.js';
import { type NamespaceBindings, NamespaceScope } from './namespace-scope.js';
import { RestrictedXmlReader } from './restricted-xml-reader.js';
import type { XmlError } from './xml-error.js';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './xml-limits.js';

/** What a stream parser reports, in input order. Nothing is reported after `failed` until a reset. */
export interface XmlStreamHandler {
  /** The root's start tag (depth 1), with its attributes and no children. */
  rootOpened(root: Element): void;
  /** A complete child of the root (depth 2): in XMPP, a stanza or other top-level element. */
  elementParsed(element: Element): void;
  /** The root's end tag. */
  rootClosed(): void;
  /** Character data directly inside the root that is not whitespace (whitespace is never reported). */
  rootText?(text: string): void;
  /** Why the input was refused; the parser stays failed until `reset()`. */
  failed(error: XmlError): void;
}

export interface XmlParserOptions {
  /** Overrides for {@link DEFAULT_XML_LIMITS}. */
  readonly limits?: Partial<XmlLimits>;
  /** Bindings in effect around the input, as if it sat inside an element declaring them. */
  readonly namespaces?: NamespaceBindings;
}

function limitsOf(options: XmlParserOptions): XmlLimits {
  return { ...DEFAULT_XML_LIMITS, ...options.limits };
}

/**
 * A push parser for one XML stream: feed it chunks as they arrive (strings, or bytes — a UTF-8
 * sequence split across chunks is fine) and it reports the root, each depth-2 element when it is
 * complete, and the root's end. Input is read once; nothing is re-scanned.
 */
export class SafeXmlParser {
  readonly #reader: RestrictedXmlReader;

  constructor(handler: XmlStreamHandler, options: XmlParserOptions = {}) {
    this.#reader = new RestrictedXmlReader(
      {
        rootOpened: (root) => handler.rootOpened(root),
        elementParsed: (element) => handler.elementParsed(element),
        rootClosed: () => handler.rootClosed(),
        rootText: (text) => handler.rootText?.(text),
        failed: (error) => handler.failed(error),
      },
      limitsOf(options),
      2,
      NamespaceScope.of(options.namespaces),
    );
  }

  /** Has the parser refused its input (or been stopped)? */
  get isFailed(): boolean {
    return this.#reader.isFailed;
  }

  /** Parses the next chunk. Does nothing once failed. May be called again only after it returns. */
  write(chunk: string | Uint8Array): void {
    this.#reader.write(chunk);
  }

  /**
   * Starts over for a new stream on the same connection (RFC 6120 §4.3.3, after STARTTLS or SASL).
   * Whatever was received but not yet reported is discarded — after `<starttls/>` that is the
   * point (plaintext sent before the TLS handshake must not count as sent inside it).
   * Safe to call from a handler: the rest of the current chunk is dropped.
   */
  reset(): void {
    this.#reader.reset();
  }

  /** Ignores all further input until `reset()`, without reporting an error. */
  stop(): void {
    this.#reader.stop();
  }
}

/**
 * Parses whole documents one after another (WebSocket messages, SIP bodies) under the same
 * restrictions; `maxElementBytes` bounds each document. Reusing one instance saves setting up the
 * tokenizer for every document.
 */
export class XmlDocumentParser {
  readonly #reader: RestrictedXmlReader;
  #result: Element | XmlError | undefined;

  constructor(options: XmlParserOptions = {}) {
    const ignore = (): void => {};
    const keep = (result: Element | XmlError): void => {
      this.#result = result;
    };
    this.#reader = new RestrictedXmlReader(
      { rootOpened: ignore, elementParsed: keep, rootClosed: ignore, rootText: ignore, failed: keep },
      limitsOf(options),
      1,
      NamespaceScope.of(options.namespaces),
    );
  }

  /** The document's root element, or why the document was refused. */
  parse(input: string | Uint8Array): Element | XmlError {
    this.#reader.reset();
    this.#result = undefined;
    this.#reader.write(input, true);
    this.#reader.end();
    const result = this.#result;
    this.#result = undefined;
    return result ?? { condition: 'not-well-formed', text: 'the document has no root element' };
  }
}

/** Parses one whole document (a SIP body, a fixture); see {@link XmlDocumentParser}. */
export function parseXml(input: string | Uint8Array, options: XmlParserOptions = {}): Element | XmlError {
  return new XmlDocumentParser(options).parse(input);
}
