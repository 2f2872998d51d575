/**
 * Stream errors — RFC 6120 §4.9 (Stream Errors).
 * https://www.rfc-editor.org/rfc/rfc6120#section-4.9
 */
import { type Element, el } from '../../xml/index.js';
import { NS_STREAM, NS_STREAM_ERRORS } from './namespaces.js';

/** The defined conditions of RFC 6120 §4.9.3.1 – §4.9.3.25, in the RFC's order. */
export const STREAM_ERROR_CONDITIONS = [
  'bad-format',
  'bad-namespace-prefix',
  'conflict',
  'connection-timeout',
  'host-gone',
  'host-unknown',
  'improper-addressing',
  'internal-server-error',
  'invalid-from',
  'invalid-namespace',
  'invalid-xml',
  'not-authorized',
  'not-well-formed',
  'policy-violation',
  'remote-connection-failed',
  'reset',
  'resource-constraint',
  'restricted-xml',
  'see-other-host',
  'system-shutdown',
  'undefined-condition',
  'unsupported-encoding',
  'unsupported-feature',
  'unsupported-stanza-type',
  'unsupported-version',
] as const;

export type StreamErrorCondition = (typeof STREAM_ERROR_CONDITIONS)[number];

const CONDITIONS: ReadonlySet<string> = new Set(STREAM_ERROR_CONDITIONS);

export function isStreamErrorCondition(value: string): value is StreamErrorCondition {
  return CONDITIONS.has(value);
}

export interface StreamErrorOptions {
  /** The language of `text` (RFC 6120 §4.9.2: the `<text/>` element SHOULD carry `xml:lang`). */
  readonly lang?: string;
  /** An application-specific condition element, in its own namespace (§4.9.4). */
  readonly application?: Element;
  /** For `see-other-host`: the host (and optional port) to reconnect to (§4.9.3.19). */
  readonly otherHost?: string;
}

/**
 * Builds `<stream:error/>` (RFC 6120 §4.9.2): the condition, optional text and an optional
 * application condition. Its `stream:` prefix is left to the stream it is written into, which
 * declares it (a TCP stream header; the WebSocket framing adds it per message).
 */
export function streamError(
  condition: StreamErrorCondition,
  text?: string,
  options: StreamErrorOptions = {},
): Element {
  // §4.9.3.19: see-other-host MUST carry the alternate host as character data.
  const content = condition === 'see-other-host' ? options.otherHost : undefined;
  return el(
    'stream:error',
    el(condition, { xmlns: NS_STREAM_ERRORS }, content),
    text !== undefined && el('text', { xmlns: NS_STREAM_ERRORS, 'xml:lang': options.lang }, text),
    options.application,
  );
}

/** A stream error received from the peer. */
export interface ReceivedStreamError {
  readonly condition: StreamErrorCondition;
  readonly text: string | undefined;
  readonly application: Element | undefined;
}

/**
 * Reads a peer's `<stream:error/>`; undefined if `element` is not one. An unknown condition is
 * read as `undefined-condition` (§4.9.3.21).
 */
export function parseStreamError(element: Element): ReceivedStreamError | undefined {
  if (!element.is('error', NS_STREAM)) return undefined;
  let condition: StreamErrorCondition | undefined;
  let application: Element | undefined;
  for (const child of element.elements()) {
    if (child.xmlns !== NS_STREAM_ERRORS) application ??= child;
    else if (child.localName !== 'text')
      condition ??= isStreamErrorCondition(child.localName) ? child.localName : 'undefined-condition';
  }
  return {
    condition: condition ?? 'undefined-condition',
    text: element.getChildText('text', NS_STREAM_ERRORS),
    application,
  };
}
