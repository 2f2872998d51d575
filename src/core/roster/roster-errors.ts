/**
 * Coded failures of the roster and block services (RFC 6121 §2.3.3, §2.5.3; XEP-0191 §3.3). Each
 * is a HeraldError (stable `code`, `field`) with a `reason` naming the protocol case, so an
 * adapter maps it to its own error without reading messages: the XMPP condition to use is noted
 * beside each reason.
 */
import { HeraldError, type HeraldErrorCode } from '../../kernel/errors.js';

export type RosterErrorReason =
  /** Not a (bare) JID — XMPP jid-malformed / bad-request. */
  | 'invalid-contact'
  /** §2.3.3: name too long — not-acceptable. */
  | 'invalid-name'
  /** §2.3.3: a group empty, repeated, too long, or too many — not-acceptable. */
  | 'invalid-groups'
  /** The user's own JID: the server keeps that relationship itself — not-allowed. */
  | 'self'
  /** No federation yet: a contact on another domain may be listed, not subscribed — remote-server-not-found. */
  | 'remote-contact'
  /** §2.5.3: removing an item that is not in the roster — item-not-found. */
  | 'item-not-found'
  /** The roster holds `maxItems` items — resource-constraint (or not-allowed). */
  | 'roster-full'
  /** XEP-0191 §3.3: the user blocked the contact — not-acceptable + <blocked xmlns='urn:xmpp:blocking:errors'/>. */
  | 'blocked'
  /** XEP-0191 §3.3: no item, or an item that is not a JID — bad-request / jid-malformed. */
  | 'invalid-address'
  /** The block list holds `maxItems` entries — resource-constraint (or not-allowed). */
  | 'block-list-full'
  /** The acting user id is unknown: a caller's bug, never the client's. */
  | 'unknown-user';

const CODES: Readonly<Record<RosterErrorReason, HeraldErrorCode>> = {
  'invalid-contact': 'HERALD_ERR_VALIDATION',
  'invalid-name': 'HERALD_ERR_VALIDATION',
  'invalid-groups': 'HERALD_ERR_VALIDATION',
  self: 'HERALD_ERR_FORBIDDEN',
  'remote-contact': 'HERALD_ERR_NOT_FOUND',
  'item-not-found': 'HERALD_ERR_NOT_FOUND',
  'roster-full': 'HERALD_ERR_FORBIDDEN',
  blocked: 'HERALD_ERR_FORBIDDEN',
  'invalid-address': 'HERALD_ERR_VALIDATION',
  'block-list-full': 'HERALD_ERR_FORBIDDEN',
  'unknown-user': 'HERALD_ERR_NOT_FOUND',
};

export class RosterError extends HeraldError {
  constructor(
    readonly reason: RosterErrorReason,
    message: string,
    field?: string,
  ) {
    super(CODES[reason], message, field);
  }
}

export function isRosterError(value: unknown, reason?: RosterErrorReason): value is RosterError {
  return value instanceof RosterError && (reason === undefined || value.reason === reason);
}
