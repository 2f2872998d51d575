/**
 * The one exception of the SIP wire codec: a bug in the calling code (a message that cannot be written
 * to the wire as built), never a peer's error, which is always a value.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7
 */

/** Thrown for header names or values that would corrupt the wire form: a bug, never a peer's error. */
export class SipWireBug extends Error {
  constructor(
    readonly code: 'SIP_WIRE_BAD_HEADER' | 'SIP_WIRE_INVALID_MESSAGE',
    message: string,
  ) {
    super(message);
    this.name = 'SipWireBug';
  }
}
