/**
 * What the XMPP framings share — RFC 6120 §4 (XML Streams) and RFC 7395 §3.3 (WebSocket framing).
 * https://www.rfc-editor.org/rfc/rfc6120#section-4
 *
 * TCP/TLS and WebSocket connections both become the same four events and the same output calls,
 * so one stream state machine (SASL, bind, stream management) serves both.
 */
import type { Attributes, Element } from '../../xml/index.js';
import { NS_STREAM } from './namespaces.js';
import type { StreamErrorCondition } from './stream-errors.js';

/** The peer's stream header: `<stream:stream …>` over TCP, `<open/>` over WebSocket (RFC 6120 §4.7). */
export interface StreamHeader {
  /** Every attribute as written, namespace declarations included. */
  readonly attrs: Attributes;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly id: string | undefined;
  /** Absent means a pre-1.0 peer (§4.7.5); the state machine decides what to do with it. */
  readonly version: string | undefined;
  readonly lang: string | undefined;
}

/** Why the framing refused the peer's input: the stream error to send before closing (§4.9). */
export interface FramingError {
  readonly condition: StreamErrorCondition;
  readonly text: string;
}

/** What a framing reports; nothing follows `framingFailed` until `restart()`. */
export interface StreamFramingHandler {
  streamOpened(header: StreamHeader): void;
  /** A stanza or another top-level element (SASL, STARTTLS, stream management…). */
  stanzaReceived(stanza: Element): void;
  streamClosed(): void;
  framingFailed(error: FramingError): void;
}

/** The server's stream header (RFC 6120 §4.7). */
export interface OutgoingStreamHeader {
  /** §4.7.1: the receiving entity MUST include `from` (its domain). */
  readonly from: string;
  /** §4.7.3: the receiving entity MUST include a unique, unpredictable stream id. */
  readonly id: string;
  /** §4.7.2: the initiating entity's `from`, if it gave one. */
  readonly to?: string;
  /** §4.7.4: the default language of the stream. */
  readonly lang?: string;
  /** §4.7.5: defaults to `1.0`. */
  readonly version?: string;
}

export interface XmppFraming {
  /** Bytes from TCP/TLS, or one WebSocket message. */
  receive(data: string | Uint8Array): void;
  /** A stream restart (RFC 6120 §4.3.3): expect a new header; undelivered input is dropped. */
  restart(): void;
  openStream(header: OutgoingStreamHeader): string;
  closeStream(): string;
  /** Writes a stanza or other top-level element for this connection. */
  serializeElement(element: Element): string;
}

export function streamHeaderOf(element: Element): StreamHeader {
  const { attrs } = element;
  return {
    attrs,
    from: attrs.from,
    to: attrs.to,
    id: attrs.id,
    version: attrs.version,
    lang: attrs['xml:lang'],
  };
}

const STANZA_NAMES: ReadonlySet<string> = new Set(['message', 'presence', 'iq']);

/** Checks a top-level element of a stream whose content namespace is `contentNamespace`. */
export function checkTopLevelElement(element: Element, contentNamespace: string): FramingError | undefined {
  const ns = element.xmlns;
  if (ns === contentNamespace) {
    // RFC 6120 §4.8.5: no prefixes for elements qualified by jabber:client or jabber:server.
    if (element.prefix !== '') {
      return { condition: 'bad-namespace-prefix', text: `<${element.name}> must not have a prefix` };
    }
    // §4.9.3.24: the content namespace holds only the three stanza kinds.
    if (!STANZA_NAMES.has(element.name)) {
      return { condition: 'unsupported-stanza-type', text: `<${element.name}> is not a stanza` };
    }
    return undefined;
  }
  if (ns === '') return { condition: 'invalid-namespace', text: `<${element.name}> has no namespace` };
  if (ns === NS_STREAM && element.prefix !== 'stream') {
    return {
      condition: 'bad-namespace-prefix',
      text: 'the stream namespace is written with the prefix stream',
    };
  }
  return undefined;
}
