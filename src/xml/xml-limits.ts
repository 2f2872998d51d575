/**
 * Input limits for the safe XML parser (RFC 6120 §13.12 "Denial of Service": limit what one peer may send).
 * https://www.rfc-editor.org/rfc/rfc6120#section-13.12
 */

export interface XmlLimits {
  /**
   * Most bytes (UTF-8) of one unit: a depth-2 element of a stream (a stanza), or the prolog plus
   * the stream's start tag, or a whole document for `parseXml`.
   */
  readonly maxElementBytes: number;
  /** Deepest nesting, counting the root as 1. */
  readonly maxDepth: number;
  /** Most attributes on one element, namespace declarations included. */
  readonly maxAttributes: number;
}

/** 256 KiB per stanza as Prosody's `c2s_stanza_size_limit`; depth and attribute counts far above real XMPP. */
export const DEFAULT_XML_LIMITS: XmlLimits = Object.freeze({
  maxElementBytes: 256 * 1024,
  maxDepth: 32,
  maxAttributes: 64,
});
