/**
 * Restricted XML reader — RFC 6120 §11 (XML Usage) on top of the saxes tokenizer.
 * https://www.rfc-editor.org/rfc/rfc6120#section-11
 *
 * Internal to src/xml: SafeXmlParser (streams) and parseXml (documents) are its two faces.
 */
import type { SaxesTagPlain, XMLDecl } from 'saxes';
import { type Attributes, Element, type XmlNode } from './element.js';
import type { NamespaceScope } from './namespace-scope.js';
import { createRestrictedSaxes, type RestrictedSaxes, restrictedEntityTable } from './restricted-saxes.js';
import { type ResolvedStartTag, resolveStartTag } from './start-tag-namespaces.js';
import { Utf8ByteCounter } from './utf8-byte-counter.js';
import { isXmlError, type XmlError } from './xml-error.js';
import type { XmlLimits } from './xml-limits.js';

/** What the reader reports; `emitDepth` decides whether units are depth-2 children or the root. */
export interface ReaderEvents {
  rootOpened(root: Element): void;
  elementParsed(element: Element): void;
  rootClosed(): void;
  rootText(text: string): void;
  failed(error: XmlError): void;
}

/** Thrown through saxes to stop it in the middle of a chunk; caught in #feed, never escapes. */
const STOP = Symbol('stop');
const ROOT_CLOSED = Symbol('root closed');
/** Input is handed to saxes in pieces this long, so a limit is noticed before much more is buffered. */
const PIECE_CHARS = 16 * 1024;

interface Frame {
  readonly name: string;
  readonly attrs: Attributes;
  readonly children: XmlNode[];
  readonly scope: NamespaceScope;
  readonly ns: string;
}

function isXmlWhitespace(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

export class RestrictedXmlReader {
  readonly #events: ReaderEvents;
  readonly #limits: XmlLimits;
  readonly #emitDepth: 1 | 2;
  readonly #contextScope: NamespaceScope;
  #saxes!: RestrictedSaxes;
  #decoder!: InstanceType<typeof TextDecoder>;
  #bytes!: Utf8ByteCounter;
  #stack: Frame[] = [];
  #depth = 0;
  #rootScope!: NamespaceScope;
  /** A finished unit waits here until saxes has shown that the end tag that finished it matched. */
  #pending: Element | typeof ROOT_CLOSED | undefined;
  #unitStartBytes = 0;
  /** Everything fed since the last unit ended is whitespace (so a keepalive need not reach saxes). */
  #isIdle = false;
  #lastUnitEnd = -1;
  #isFailed = false;
  #isInSaxes = false;
  #isWriting = false;
  #sawUnknownEntity = false;
  #generation = 0;
  readonly #entities = restrictedEntityTable(() => {
    this.#sawUnknownEntity = true;
  });
  /** saxes finished a document cleanly and re-initialized itself: reusable, which saves its setup. */
  #isSaxesReusable = false;

  constructor(events: ReaderEvents, limits: XmlLimits, emitDepth: 1 | 2, contextScope: NamespaceScope) {
    this.#events = events;
    this.#limits = limits;
    this.#emitDepth = emitDepth;
    this.#contextScope = contextScope;
    this.reset();
  }

  get isFailed(): boolean {
    return this.#isFailed;
  }

  /** Forgets everything, including a failure; input that was not delivered yet is dropped. */
  reset(): void {
    this.#generation++;
    if (this.#isSaxesReusable) {
      this.#saxes.ENTITIES = this.#entities;
    } else {
      this.#saxes = this.#createSaxes();
      this.#decoder = new TextDecoder('utf-8', { fatal: true });
      this.#isSaxesReusable = true;
    }
    this.#bytes = new Utf8ByteCounter();
    this.#stack = [];
    this.#depth = 0;
    this.#rootScope = this.#contextScope;
    this.#pending = undefined;
    this.#unitStartBytes = 0;
    this.#isIdle = false;
    this.#lastUnitEnd = -1;
    this.#isFailed = false;
    this.#sawUnknownEntity = false;
  }

  /** Ignores all further input until reset (the layer above has decided the stream is over). */
  stop(): void {
    this.#isFailed = true;
    this.#pending = undefined;
  }

  write(chunk: string | Uint8Array, isLast = false): void {
    if (this.#isWriting) throw new Error('XML_REENTRANT_WRITE: write() called from inside a parser callback');
    this.#isWriting = true;
    try {
      this.#write(chunk, isLast);
    } finally {
      this.#isWriting = false;
    }
  }

  #write(chunk: string | Uint8Array, isLast: boolean): void {
    if (this.#isFailed) return;
    this.#isSaxesReusable = false;
    let text: string;
    try {
      text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: !isLast });
    } catch {
      this.#report({ condition: 'unsupported-encoding', text: 'the input is not valid UTF-8' }); // RFC 6120 §11.6
      return;
    }
    const generation = this.#generation;
    for (let start = 0; start < text.length; ) {
      let end = Math.min(text.length, start + PIECE_CHARS);
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--; // keep surrogate pairs whole
      const piece = start === 0 && end === text.length ? text : text.slice(start, end);
      start = end;
      // RFC 6120 §4.6.1: whitespace keepalives between top-level elements carry no meaning.
      if (this.#isIdle && isXmlWhitespace(piece, 0)) continue;
      this.#feed(piece);
      if (this.#isFailed || this.#generation !== generation) return;
    }
  }

  /** Ends a document: saxes checks that everything was closed. */
  end(): void {
    if (this.#isFailed) return;
    if (this.#runSaxes(() => this.#saxes.close()) && !this.#isFailed) this.#isSaxesReusable = true;
    this.#flush();
  }

  #feed(piece: string): void {
    const generation = this.#generation;
    this.#bytes.begin(piece);
    const pieceStart = this.#bytes.pieceStart;
    this.#lastUnitEnd = -1;
    if (!this.#runSaxes(() => this.#saxes.write(piece))) return;
    if (!this.#flush() || this.#isFailed || this.#generation !== generation) return;
    if (this.#lastUnitEnd >= 0) this.#isIdle = isXmlWhitespace(piece, this.#lastUnitEnd - pieceStart);
    else this.#isIdle = false;
    if (!this.#isIdle && this.#bytes.totalBytes - this.#unitStartBytes > this.#limits.maxElementBytes) {
      this.#report(this.#tooLarge());
    }
  }

  /** Runs saxes; false when it was stopped (failure, reset or stop from a callback). */
  #runSaxes(run: () => void): boolean {
    this.#isInSaxes = true;
    try {
      run();
      return true;
    } catch (error) {
      if (error === STOP) return false;
      this.#isFailed = true; // a callback threw: a bug, and the tokenizer is now mid-chunk
      throw error;
    } finally {
      this.#isInSaxes = false;
    }
  }

  #createSaxes(): RestrictedSaxes {
    const saxes = createRestrictedSaxes(this.#entities);
    // RFC 6120 §11.1: comments, processing instructions and DTDs are refused outright.
    // Each is reported once complete (bounded by the unit size); an element that ended just
    // before it was fine and is delivered first.
    saxes.on('doctype', () => this.#restricted('a document type declaration'));
    saxes.on('processinginstruction', (pi) => this.#restricted(`a processing instruction (${pi.target})`));
    saxes.on('comment', () => this.#restricted('a comment'));
    saxes.on('xmldecl', (decl) => this.#onXmlDeclaration(decl));
    saxes.on('opentagstart', () => this.#onOpenTagStart());
    saxes.on('opentag', (tag) => this.#onOpenTag(tag));
    saxes.on('text', (text) => this.#onText(text));
    saxes.on('cdata', (text) => this.#onText(text));
    saxes.on('closetag', () => this.#onCloseTag());
    saxes.on('error', (error) => {
      if (this.#sawUnknownEntity)
        this.#fail('restricted-xml', 'an entity other than the five predefined ones');
      else this.#fail('not-well-formed', error.message);
    });
    return saxes;
  }

  #restricted(what: string): void {
    this.#flush();
    this.#fail('restricted-xml', what);
  }

  #onXmlDeclaration(decl: XMLDecl): void {
    const { encoding } = decl;
    // RFC 6120 §11.6: XMPP is UTF-8 only.
    if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
      this.#fail('unsupported-encoding', `encoding ${encoding} is not UTF-8`);
    }
  }

  #onOpenTagStart(): void {
    this.#flush();
    if (this.#depth + 1 > this.#limits.maxDepth) {
      this.#fail('policy-violation', `elements nested deeper than ${this.#limits.maxDepth}`);
    }
  }

  #onOpenTag(tag: SaxesTagPlain): void {
    const attrs = tag.attributes; // saxes builds it without a prototype
    const top = this.#stack[this.#stack.length - 1];
    const parentScope = top?.scope ?? (this.#depth === 0 ? this.#contextScope : this.#rootScope);
    const resolved = resolveStartTag(tag.name, attrs, parentScope, this.#limits.maxAttributes);
    if (isXmlError(resolved)) this.#fail(resolved.condition, resolved.text);
    const { scope, ns } = resolved as ResolvedStartTag;
    this.#depth++;
    if (this.#depth === 1 && this.#emitDepth === 2) {
      this.#rootScope = scope;
      const root = Element.parsed(tag.name, attrs, [], scope, ns);
      this.#checkUnitSize();
      this.#markUnitEnd();
      this.#deliver(() => this.#events.rootOpened(root));
      return;
    }
    this.#stack.push({ name: tag.name, attrs, children: [], scope, ns });
  }

  #onText(text: string): void {
    this.#flush();
    const top = this.#stack[this.#stack.length - 1];
    if (top !== undefined) {
      const { children } = top;
      const last = children.length - 1;
      if (last >= 0 && typeof children[last] === 'string') children[last] += text;
      else children.push(text);
    } else if (this.#depth === 1 && !isXmlWhitespace(text, 0)) {
      this.#deliver(() => this.#events.rootText(text));
    }
  }

  #onCloseTag(): void {
    this.#flush();
    const frame = this.#stack.pop();
    this.#depth--;
    if (frame === undefined) {
      this.#markUnitEnd();
      this.#pending = ROOT_CLOSED;
      return;
    }
    const element = Element.parsed(frame.name, frame.attrs, frame.children, frame.scope, frame.ns);
    const parent = this.#stack[this.#stack.length - 1];
    if (parent !== undefined) {
      parent.children.push(element);
      return;
    }
    this.#checkUnitSize();
    this.#markUnitEnd();
    this.#pending = element;
  }

  /** At the end of a unit: is it within the limit? (Unfinished units are checked after each piece.) */
  #checkUnitSize(): void {
    if (this.#bytes.at(this.#saxes.position) - this.#unitStartBytes > this.#limits.maxElementBytes) {
      this.#report(this.#tooLarge());
    }
  }

  #markUnitEnd(): void {
    const position = this.#saxes.position;
    this.#lastUnitEnd = position;
    this.#unitStartBytes = this.#bytes.at(position);
  }

  #tooLarge(): XmlError {
    return {
      condition: 'policy-violation',
      text: `an element larger than ${this.#limits.maxElementBytes} bytes`,
    };
  }

  /** Hands over the waiting unit; false if the callback stopped or reset the reader. */
  #flush(): boolean {
    const pending = this.#pending;
    if (pending === undefined) return true;
    this.#pending = undefined;
    return this.#deliver(() =>
      pending === ROOT_CLOSED ? this.#events.rootClosed() : this.#events.elementParsed(pending),
    );
  }

  /** Runs a callback; if it stopped or reset the reader, saxes (when running) is stopped too. */
  #deliver(callback: () => void): boolean {
    const generation = this.#generation;
    callback();
    const isStillValid = generation === this.#generation && !this.#isFailed;
    if (!isStillValid && this.#isInSaxes) throw STOP;
    return isStillValid;
  }

  #fail(condition: XmlError['condition'], text: string): never {
    this.#report({ condition, text });
    throw STOP;
  }

  /** Fails once: later input is ignored until reset. Inside saxes, stops it. */
  #report(error: XmlError): void {
    if (this.#isFailed) return;
    this.#isFailed = true;
    this.#pending = undefined;
    this.#events.failed(error);
    if (this.#isInSaxes) throw STOP;
  }
}
