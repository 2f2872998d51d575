/**
 * A SIP registration as a core Endpoint (SPEC M1; RFC 3261 §10: one binding, one place the user is
 * reached), so that MessageService routes to it like to an XMPP resource.
 */
import { hash } from 'node:crypto';
import type { Endpoint, SipBindingRecord, UserRecord } from '../../core/ports.js';
import { ownString } from '../../kernel/own-string.js';

/** Stable per contact: the same binding refreshed keeps its endpoint. */
export function bindingResource(contact: string): string {
  return `sip-${hash('sha256', contact, 'base64url').slice(0, 12)}`;
}

/** The id of a binding's endpoint; the `sip:` prefix keeps it apart from every full JID. */
export function sipEndpointId(user: UserRecord, domain: string, contact: string): string {
  return `sip:${user.username}@${domain}/${bindingResource(contact)}`;
}

/** The endpoint of one binding (its id is `sipEndpointId`). */
export function sipEndpoint(user: UserRecord, domain: string, binding: SipBindingRecord): Endpoint {
  // Copies (ownString): the session registry, presence and routing keep these for the binding's life.
  const address = ownString(`${user.username}@${domain}`);
  const resource = bindingResource(binding.contact);
  return {
    id: ownString(`sip:${address}/${resource}`),
    userId: user.id,
    address,
    protocol: 'sip',
    resource,
    priority: 0,
    isAvailable: true,
    // A registered UA takes messages to the AoR (RFC 3428 §7: the proxy forwards to its contacts).
    isInterested: true,
  };
}
