/**
 * XMPP namespace names used by the framing — RFC 6120 §4.8 (XML namespaces), RFC 7395 §3.3.
 * https://www.rfc-editor.org/rfc/rfc6120#section-4.8
 */

/** The stream namespace (RFC 6120 §4.8.1); written with the prefix `stream`. */
export const NS_STREAM = 'http://etherx.jabber.org/streams';
/** The content namespace of client-to-server streams (RFC 6120 §4.8.2). */
export const NS_CLIENT = 'jabber:client';
/** The content namespace of server-to-server streams (RFC 6120 §4.8.2). */
export const NS_SERVER = 'jabber:server';
/** Stream error conditions (RFC 6120 §4.9.2). */
export const NS_STREAM_ERRORS = 'urn:ietf:params:xml:ns:xmpp-streams';
/** Stanza error conditions (RFC 6120 §8.3.2). */
export const NS_STANZA_ERRORS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
/** The `<open/>` and `<close/>` framing elements of XMPP over WebSocket (RFC 7395 §3.3.2). */
export const NS_FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
