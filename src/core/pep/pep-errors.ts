/**
 * Why the PEP service refused a request (XEP-0060 Publish-Subscribe error cases,
 * https://xmpp.org/extensions/xep-0060.html): protocol errors are values (STYLE habit 9). Each
 * reason names the protocol case; the XMPP condition an adapter answers with is noted beside it.
 */

export type PepErrorReason =
  /** RFC 6121 §8.5.1: no account at that address — service-unavailable. */
  | 'no-such-user'
  /** XEP-0060 §6.5.9.11, §7.2.3.2, §8.2.3.5, §8.4.3.2: no such node — item-not-found. */
  | 'node-not-found'
  /** §7.2.3.2: no such item — item-not-found. */
  | 'item-not-found'
  /** XEP-0163 §2.2: only the account owner publishes and administers — forbidden. */
  | 'not-owner'
  /** §6.5.9.6 (presence access model) — not-authorized + <presence-subscription-required/>. */
  | 'presence-subscription-required'
  /** §6.5.9.7 (roster access model) — not-authorized + <not-in-roster-group/>. */
  | 'not-in-roster-group'
  /** §6.5.9.8 (whitelist access model) — not-allowed + <closed-node/>. */
  | 'closed-node'
  /** §6.5.9.10: the owner blocked the requester — forbidden. */
  | 'blocked'
  /** §8.1.1: the NodeID exists — conflict. */
  | 'node-exists'
  /** §7.1.5: a publish option does not match the node — conflict + <precondition-not-met/>. */
  | 'precondition-not-met'
  /** §8.1.2: an access model this service does not offer — not-acceptable + <unsupported-access-model/>. */
  | 'unsupported-access-model'
  /** §8.2.5.2: a configuration value this service cannot take — not-acceptable. */
  | 'invalid-options'
  /** §7.1.3.4: the payload is over the size limit — not-acceptable + <payload-too-big/>. */
  | 'payload-too-big'
  /** The user has as many nodes as the service allows — policy-violation. */
  | 'too-many-nodes'
  /** §7.2.3.3, §8.2.3.3: no NodeID, or one too long — bad-request (+ <nodeid-required/>). */
  | 'invalid-node'
  /** §7.2.3.4: an empty or too long ItemID — bad-request (+ <item-required/>). */
  | 'invalid-item-id'
  /** §6.1.3.1: the subscription JID is not the requester's — bad-request + <invalid-jid/>. */
  | 'invalid-jid'
  /** §6.2.3.2: the requester has no subscription to the node — unexpected-request + <not-subscribed/>. */
  | 'not-subscribed'
  /** §6.2.3.5: the SubID names no subscription of the requester — not-acceptable + <invalid-subid/>. */
  | 'invalid-subid'
  /** The node, or the service, has as many subscriptions as it keeps — policy-violation. */
  | 'too-many-subscriptions';

export interface PepError {
  readonly reason: PepErrorReason;
  /** For people (logs, the stanza error's text), never for programs. */
  readonly text: string;
}

export type PepResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PepError };

export const succeeded = <T>(value: T): PepResult<T> => ({ ok: true, value });

export const refused = <T = never>(reason: PepErrorReason, text: string): PepResult<T> => ({
  ok: false,
  error: { reason, text },
});
