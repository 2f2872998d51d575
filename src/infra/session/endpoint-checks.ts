/**
 * The argument rules of core/ports.ts `SessionRegistry`, shared by every adapter so that they
 * refuse the same bad endpoints (a bad endpoint is the calling adapter's bug, hence an exception).
 */
import type { Endpoint } from '../../core/ports.js';
import { invalid } from '../../kernel/errors.js';

const PROTOCOLS: ReadonlySet<string> = new Set(['xmpp', 'sip', 'web']);
const MAX_TEXT = 3071; // RFC 7622 §3.1: a full JID is at most 3071 octets; no id needs more

function checkText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT)
    throw invalid(`${field} must be a non-empty string of at most ${MAX_TEXT} characters`, field);
}

export function checkEndpoint(endpoint: Endpoint): void {
  checkText(endpoint.id, 'id');
  checkText(endpoint.userId, 'userId');
  checkText(endpoint.address, 'address');
  checkText(endpoint.resource, 'resource');
  if (!PROTOCOLS.has(endpoint.protocol)) throw invalid('protocol must be xmpp, sip or web', 'protocol');
  // RFC 6121 §4.7.2.3: the priority MUST be an integer between -128 and +127.
  if (!Number.isInteger(endpoint.priority) || endpoint.priority < -128 || endpoint.priority > 127)
    throw invalid('priority must be an integer in -128..127', 'priority');
  if (typeof endpoint.isAvailable !== 'boolean')
    throw invalid('isAvailable must be a boolean', 'isAvailable');
  if (typeof endpoint.isInterested !== 'boolean')
    throw invalid('isInterested must be a boolean', 'isInterested');
}

/** An update may change only the priority and the flags of an endpoint. */
export function checkSameEndpoint(current: Endpoint, next: Endpoint): void {
  for (const field of ['userId', 'address', 'protocol', 'resource'] as const) {
    if (current[field] !== next[field]) throw invalid(`an endpoint's ${field} cannot change`, field);
  }
}

/** A frozen copy, so neither the caller nor a listener can change what the registry holds. */
export function frozenEndpoint(endpoint: Endpoint): Endpoint {
  const { id, userId, address, protocol, resource, priority, isAvailable, isInterested } = endpoint;
  return Object.freeze({ id, userId, address, protocol, resource, priority, isAvailable, isInterested });
}
