/**
 * Endpoints: where a user can be reached now, whatever the protocol (SPEC M1). The record lives
 * in core/ports.ts beside the SessionRegistry that holds it; these are the rules read from it.
 * RFC 6121 (XMPP IM) §4.7.2.3 and §8.5: https://www.rfc-editor.org/rfc/rfc6121
 */

import { invalid } from '../../kernel/errors.js';
import { bareJid, type Jid, jidResource } from '../address/jid.js';
import type { Endpoint, UserId } from '../ports.js';

export type { Endpoint, EndpointProtocol } from '../ports.js';

/** RFC 6121 §4.7.2.3: an integer between -128 and +127; absent means 0. */
export const PRIORITY_MIN = -128;
export const PRIORITY_MAX = 127;

/**
 * RFC 6121 §8.5.2.1: messages to the bare address go only to available resources with a
 * non-negative priority; chat (§8.5.2.1.1 option b) also only to those that opted in.
 */
export function receivesBareMessages(endpoint: Endpoint, type: 'chat' | 'normal' | 'headline'): boolean {
  if (!endpoint.isAvailable || endpoint.priority < 0) return false;
  // Headlines MUST go to all non-negative resources; chat and normal honour the opt-in (for normal
  // this is the "most available" choice §8.5.2.1.1 leaves to the server).
  return type === 'headline' || endpoint.isInterested;
}

export interface XmppEndpointInput {
  readonly userId: UserId;
  /** The bound full JID (RFC 6120 §7). */
  readonly jid: Jid;
  readonly priority?: number;
  readonly isAvailable: boolean;
  /** Defaults to a non-negative priority (RFC 6121 §8.5.2.1.1). */
  readonly isInterested?: boolean;
}

/** The endpoint of a bound XMPP resource: its id is the full JID. */
export function xmppEndpoint(input: XmppEndpointInput): Endpoint {
  const resource = jidResource(input.jid);
  if (resource === null) throw invalid(`an XMPP endpoint needs a full JID, not ${input.jid}`, 'jid');
  const priority = input.priority ?? 0;
  return {
    id: input.jid,
    userId: input.userId,
    address: bareJid(input.jid),
    protocol: 'xmpp',
    resource,
    priority,
    isAvailable: input.isAvailable,
    isInterested: input.isInterested ?? priority >= 0,
  };
}
