/**
 * Stanza errors — RFC 6120 §8.3 (Stanza Errors).
 * https://www.rfc-editor.org/rfc/rfc6120#section-8.3
 */
import { type Element, el } from '../../xml/index.js';
import { NS_STANZA_ERRORS } from './namespaces.js';

/** RFC 6120 §8.3.2: what the sender may do about the error. */
export type StanzaErrorType = 'auth' | 'cancel' | 'continue' | 'modify' | 'wait';

const TYPES: ReadonlySet<string> = new Set<StanzaErrorType>(['auth', 'cancel', 'continue', 'modify', 'wait']);

/**
 * The defined conditions of RFC 6120 §8.3.3.1 – §8.3.3.22 with the type each section gives.
 * Where a section allows two, the first is used; `undefined-condition` allows any, and
 * `cancel` (do not retry) is the safe default.
 */
export const STANZA_ERROR_TYPES = {
  'bad-request': 'modify',
  conflict: 'cancel',
  'feature-not-implemented': 'cancel',
  forbidden: 'auth',
  gone: 'cancel',
  'internal-server-error': 'cancel',
  'item-not-found': 'cancel',
  'jid-malformed': 'modify',
  'not-acceptable': 'modify',
  'not-allowed': 'cancel',
  'not-authorized': 'auth',
  'policy-violation': 'modify',
  'recipient-unavailable': 'wait',
  redirect: 'modify',
  'registration-required': 'auth',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'resource-constraint': 'wait',
  'service-unavailable': 'cancel',
  'subscription-required': 'auth',
  'undefined-condition': 'cancel',
  'unexpected-request': 'wait',
} as const satisfies Record<string, StanzaErrorType>;

export type StanzaErrorCondition = keyof typeof STANZA_ERROR_TYPES;

export function isStanzaErrorCondition(value: string): value is StanzaErrorCondition {
  return Object.hasOwn(STANZA_ERROR_TYPES, value);
}

export interface StanzaErrorOptions {
  /** Overrides the condition's default type. */
  readonly type?: StanzaErrorType;
  readonly text?: string;
  /** The language of `text`. */
  readonly lang?: string;
  /** The entity that generated the error (§8.3.2: the optional `by` attribute). */
  readonly by?: string;
  /** For `gone` and `redirect`: the new address, as the condition's character data (§8.3.3.5, §8.3.3.14). */
  readonly alternateAddress?: string;
  /** An application-specific condition element, in its own namespace (§8.3.4). */
  readonly application?: Element;
}

/** Builds the `<error/>` child of an error stanza (RFC 6120 §8.3.2). */
export function stanzaError(condition: StanzaErrorCondition, options: StanzaErrorOptions = {}): Element {
  const carriesAddress = condition === 'gone' || condition === 'redirect';
  return el(
    'error',
    { type: options.type ?? STANZA_ERROR_TYPES[condition], by: options.by },
    el(condition, { xmlns: NS_STANZA_ERRORS }, carriesAddress ? options.alternateAddress : undefined),
    options.text !== undefined &&
      el('text', { xmlns: NS_STANZA_ERRORS, 'xml:lang': options.lang }, options.text),
    options.application,
  );
}

export interface ErrorReplyOptions extends StanzaErrorOptions {
  /** Echo the original payload (§8.3.1: MAY; never for data that is oversized or otherwise harmful). */
  readonly includeOriginal?: boolean;
}

const STANZA_KINDS: ReadonlySet<string> = new Set(['message', 'presence', 'iq']);

/**
 * The error reply to `stanza` (RFC 6120 §8.3.1): the same kind, `type='error'`, `to` and `from`
 * swapped, the same `id` (§8.1.3), and an `<error/>` child. Undefined when no error may be sent:
 * the stanza is itself an error (§8.3.1: an error MUST NOT be answered with an error), it is an IQ
 * result (§8.2.3), or it is not a stanza at all.
 */
export function errorReply(
  stanza: Element,
  condition: StanzaErrorCondition,
  options: ErrorReplyOptions = {},
): Element | undefined {
  const type = stanza.attr('type');
  if (!STANZA_KINDS.has(stanza.name) || type === 'error') return undefined;
  if (stanza.name === 'iq' && type === 'result') return undefined;
  return el(
    stanza.name,
    { from: stanza.attr('to'), to: stanza.attr('from'), id: stanza.attr('id'), type: 'error' },
    options.includeOriginal === true && stanza.children,
    stanzaError(condition, options),
  );
}

/** A stanza error received from a peer. */
export interface ReceivedStanzaError {
  readonly type: StanzaErrorType;
  readonly condition: StanzaErrorCondition;
  readonly text: string | undefined;
  readonly by: string | undefined;
  readonly application: Element | undefined;
}

/**
 * Reads the `<error/>` of an error stanza; undefined if it has none. An unknown condition is read as
 * `undefined-condition`, and a missing or unknown type as the condition's default.
 */
export function parseStanzaError(stanza: Element): ReceivedStanzaError | undefined {
  const error = stanza.getChild('error');
  if (error === undefined) return undefined;
  let condition: StanzaErrorCondition | undefined;
  let application: Element | undefined;
  for (const child of error.elements()) {
    if (child.xmlns !== NS_STANZA_ERRORS) application ??= child;
    else if (child.localName !== 'text')
      condition ??= isStanzaErrorCondition(child.localName) ? child.localName : 'undefined-condition';
  }
  const found = condition ?? 'undefined-condition';
  const type = error.attr('type');
  return {
    type: type !== undefined && TYPES.has(type) ? (type as StanzaErrorType) : STANZA_ERROR_TYPES[found],
    condition: found,
    text: error.getChildText('text', NS_STANZA_ERRORS),
    by: error.attr('by'),
    application,
  };
}
