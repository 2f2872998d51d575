/**
 * Splits an XMPP stream (RFC 6120 §4, https://www.rfc-editor.org/rfc/rfc6120#section-4) into its
 * header and first-level elements, as text — a load generator's minimal reader, not a parser.
 *
 * It trusts the server under test to send well-formed XML (§11.1) without comments, processing
 * instructions other than the XML declaration, or CDATA (§11.1 forbids the first two in streams),
 * so it only has to track tags, quoted attribute values and depth. Checking the server's XML is
 * the test suites' job; here every cycle spent reading is a cycle not spent loading the server.
 */
import { StringDecoder } from 'node:string_decoder';

export interface StanzaScannerEvents {
  /** The `<stream:stream …>` start tag (§4.7), once per stream (again after a restart). */
  header(tag: string): void;
  /** A complete first-level element: a stanza, stream features, a SASL element or a stream error. */
  element(xml: string): void;
  /** `</stream:stream>` (§4.4). */
  closed(): void;
}

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f; // /
const QUESTION = 0x3f; // ?
const QUOT = 0x22; // "
const APOS = 0x27; // '

export class StanzaScanner {
  readonly #events: StanzaScannerEvents;
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  /** Where the next unread character is. */
  #pos = 0;
  /** Start of the first-level element being collected, or -1 between elements. */
  #elementStart = -1;
  /** 0 before the header, 1 inside the stream, 2+ inside a first-level element. */
  #depth = 0;
  /** Inside a tag: the quote character of an open attribute value, or 0. */
  #quote = 0;
  /** Start of the tag being read, or -1 when in character data. */
  #tagStart = -1;
  /** Bumped by restart(), so a scan interrupted by one knows to start over. */
  #generation = 0;

  constructor(events: StanzaScannerEvents) {
    this.#events = events;
  }

  /** The server opens a new stream (after SASL success, §6.4.6): the next tag is a header. */
  restart(): void {
    this.#depth = 0;
    this.#elementStart = -1;
    this.#tagStart = -1;
    this.#quote = 0;
    this.#generation++;
    this.#buffer = this.#buffer.slice(this.#pos);
    this.#pos = 0;
  }

  push(chunk: Buffer): void {
    this.#buffer += this.#decoder.write(chunk);
    this.#scan();
  }

  #scan(): void {
    const text = this.#buffer;
    const generation = this.#generation;
    let i = this.#pos;
    const end = text.length;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (this.#tagStart < 0) {
        if (c === LT) this.#tagStart = i;
        i++;
        continue;
      }
      if (this.#quote !== 0) {
        if (c === this.#quote) this.#quote = 0;
        i++;
        continue;
      }
      if (c === QUOT || c === APOS) this.#quote = c;
      else if (c === GT) {
        const start = this.#tagStart;
        this.#tagStart = -1;
        this.#tag(text, start, i);
        // A restart from inside an event handler replaced the buffer: resume from there.
        if (this.#generation !== generation) {
          this.#scan();
          return;
        }
      }
      i++;
    }
    this.#compact(i);
  }

  /** One tag, text[start] = '<' … text[close] = '>'. */
  #tag(text: string, start: number, close: number): void {
    const second = text.charCodeAt(start + 1);
    if (second === QUESTION) return; // the XML declaration
    if (second === SLASH) {
      this.#depth--;
      if (this.#depth === 0) {
        this.#pos = close + 1;
        this.#events.closed();
      } else if (this.#depth === 1) this.#emit(text, close);
      return;
    }
    const isEmpty = text.charCodeAt(close - 1) === SLASH;
    if (this.#depth === 0) {
      this.#depth = 1;
      this.#pos = close + 1;
      this.#events.header(text.slice(start, close + 1));
      return;
    }
    if (this.#depth === 1) this.#elementStart = start;
    if (!isEmpty) this.#depth++;
    else if (this.#depth === 1) this.#emit(text, close);
  }

  #emit(text: string, close: number): void {
    const xml = text.slice(this.#elementStart, close + 1);
    this.#elementStart = -1;
    this.#pos = close + 1;
    this.#events.element(xml);
  }

  /** Drops what has been delivered, keeping an unfinished tag or element. */
  #compact(scanned: number): void {
    let keepFrom = this.#elementStart >= 0 ? this.#elementStart : this.#tagStart;
    if (keepFrom < 0) keepFrom = scanned;
    const offset = keepFrom;
    if (offset === 0) {
      this.#pos = scanned;
      return;
    }
    this.#buffer = this.#buffer.slice(offset);
    this.#pos = scanned - offset;
    if (this.#elementStart >= 0) this.#elementStart -= offset;
    if (this.#tagStart >= 0) this.#tagStart -= offset;
  }
}
