/**
 * The SIP wire codec (RFC 3261 §7, §18.3, §19, §20, §25): URIs, messages, headers, stream framing and
 * response building — pure functions over bytes, with no sockets.
 * https://www.rfc-editor.org/rfc/rfc3261
 */
export { canonicalHeaderName, isListHeader } from './header-names.js';
export { canonicalIPv6, classifyHost, hostKey, parseIPv6 } from './ip-address.js';
export * from './message-accessors.js';
export * from './parse-result.js';
export { defaultReasonPhrase } from './reason-phrases.js';
export * from './rfc3261-auth-headers.js';
export { quoteString, unquote } from './rfc3261-chars.js';
export * from './rfc3261-contact.js';
export * from './rfc3261-content-type.js';
export { type ParseOptions, parseMessage } from './rfc3261-message-parser.js';
export {
  serializeHead,
  serializeMessage,
  serializeMessageText,
  writeMessage,
} from './rfc3261-message-serializer.js';
export { formatNameAddr, type NameAddr, type NameAddrOptions, parseNameAddr } from './rfc3261-name-addr.js';
export { parseParams } from './rfc3261-params.js';
export { createResponse, type ResponseOptions, stableToTag } from './rfc3261-response-builder.js';
export * from './rfc3261-scalar-headers.js';
export { formatSipUri, parseSipUri } from './rfc3261-sip-uri.js';
export { normalizeEscapes, uriEquals } from './rfc3261-uri-comparison.js';
export * from './rfc3261-via.js';
export { parseEntityTag } from './rfc3903-etag-headers.js';
export { formatTelUri, parseTelUri } from './rfc3966-tel-uri.js';
export * from './rfc6665-event-headers.js';
export { type SipHeader, SipHeaders, splitCommaList } from './sip-headers.js';
export * from './sip-message.js';
export { SipWireBug } from './sip-wire-bug.js';
export { type FramerEvent, StreamFramer } from './stream-framer.js';
export * from './uri.js';
