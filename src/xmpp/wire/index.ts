/**
 * XMPP wire codecs: stream framing over TCP/TLS (RFC 6120) and WebSocket (RFC 7395), stream and
 * stanza errors. Pure: no sockets; imports only src/xml.
 */
export * from './namespaces.js';
export { type Rfc6120FramingOptions, Rfc6120StreamFraming } from './rfc6120-stream-framing.js';
export { type Rfc7395FramingOptions, Rfc7395WebSocketFraming } from './rfc7395-websocket-framing.js';
export {
  type ErrorReplyOptions,
  errorReply,
  isStanzaErrorCondition,
  parseStanzaError,
  type ReceivedStanzaError,
  STANZA_ERROR_TYPES,
  type StanzaErrorCondition,
  type StanzaErrorOptions,
  type StanzaErrorType,
  stanzaError,
} from './stanza-errors.js';
export {
  isStreamErrorCondition,
  parseStreamError,
  type ReceivedStreamError,
  STREAM_ERROR_CONDITIONS,
  type StreamErrorCondition,
  type StreamErrorOptions,
  streamError,
} from './stream-errors.js';
export {
  checkTopLevelElement,
  type FramingError,
  type OutgoingStreamHeader,
  type StreamFramingHandler,
  type StreamHeader,
  streamHeaderOf,
  type XmppFraming,
} from './xmpp-framing.js';
