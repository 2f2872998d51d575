/**
 * RFC 6121 §8.5 (XMPP IM, server rules for a local user), message stanzas, with forking (SPEC M2)
 * and server-side resource locking after XEP-0296 — as one pure decision.
 * https://www.rfc-editor.org/rfc/rfc6121#section-8.5 · https://xmpp.org/extensions/xep-0296.html
 *
 * Where the RFC leaves a choice, Herald takes: store offline rather than bounce (§8.5.2.2.1 (a));
 * fork to every non-negative, opted-in resource (§8.5.2.1.1 (b)); answer <service-unavailable/>
 * to an unknown user (§8.5.1 (b)) — the very answer it gives an existing user for a refused
 * message, so the error does not tell whether the account exists (RFC 6120 §13.11); never
 * <item-not-found/>, which would.
 */
import { HeraldError } from '../../kernel/errors.js';
import type { MessageType } from './chat-message.js';
import { type Endpoint, receivesBareMessages } from './endpoint.js';

/** 'all': always fork; 'lock-on-reply': once a resource answers, only it gets the chat (XEP-0296). */
export type ForkPolicy = 'all' | 'lock-on-reply';

export interface DeliveryInput {
  readonly type: MessageType;
  /** The resource in the 'to' address; null for the bare JID. */
  readonly resource: string | null;
  readonly recipientExists: boolean;
  /** The recipient's live endpoints (SessionRegistry.endpointsOf). */
  readonly endpoints: readonly Endpoint[];
  /** The endpoint id the (recipient, sender) conversation is locked to, if any. */
  readonly lock: string | null;
  readonly policy: ForkPolicy;
  /** False for what is not worth keeping, e.g. a bare chat state notification (XEP-0160 §3). */
  readonly isStorable: boolean;
}

/** The section that decided, for logs and tests. */
export type DeliveryRule =
  | 'RFC 6121 §8.5.1'
  | 'RFC 6121 §8.5.2.1.1'
  | 'RFC 6121 §8.5.2.2.1'
  | 'RFC 6121 §8.5.3.1'
  | 'RFC 6121 §8.5.3.2.1'
  | 'XEP-0296 §2.2'
  | 'XEP-0160 §3';

export type DeliveryPlan =
  /** Send to each endpoint, unchanged: the 'to' stays as the sender wrote it (§8.5.2.1.1). */
  | {
      readonly kind: 'deliver';
      readonly endpoints: readonly Endpoint[];
      readonly isLocked: boolean;
      readonly rule: DeliveryRule;
    }
  | { readonly kind: 'offline'; readonly rule: DeliveryRule }
  | { readonly kind: 'error'; readonly condition: 'service-unavailable'; readonly rule: DeliveryRule }
  | { readonly kind: 'drop'; readonly rule: DeliveryRule };

const deliver = (endpoints: readonly Endpoint[], rule: DeliveryRule, isLocked = false): DeliveryPlan => ({
  kind: 'deliver',
  endpoints,
  isLocked,
  rule,
});
const refuse = (rule: DeliveryRule): DeliveryPlan => ({
  kind: 'error',
  condition: 'service-unavailable',
  rule,
});
const drop = (rule: DeliveryRule): DeliveryPlan => ({ kind: 'drop', rule });

/** Highest priority first, then by id, so that forks go out in a stable order. */
const byPriority = (a: Endpoint, b: Endpoint): number =>
  b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function planDelivery(input: DeliveryInput): DeliveryPlan {
  if (!input.recipientExists) {
    // §8.5.1: no such user — silently ignore or <service-unavailable/>. An error stanza is never
    // answered with another one (RFC 6120 §8.3.1), so it is ignored.
    return input.type === 'error' ? drop('RFC 6121 §8.5.1') : refuse('RFC 6121 §8.5.1');
  }
  return input.resource === null ? planBare(input) : planFull(input, input.resource);
}

/** §8.5.3: localpart@domainpart/resourcepart. */
function planFull(input: DeliveryInput, resource: string): DeliveryPlan {
  // §8.5.3.1: an available or connected resource that matches MUST get the stanza, whatever its type.
  const match = input.endpoints.find((endpoint) => endpoint.resource === resource);
  if (match) return deliver([match], 'RFC 6121 §8.5.3.1');
  // §8.5.3.2.1: no resource matches.
  switch (input.type) {
    case 'chat':
      return planBare(input, 'RFC 6121 §8.5.3.2.1'); // treated as sent to the bare JID
    case 'normal':
    case 'groupchat':
      return refuse('RFC 6121 §8.5.3.2.1'); // ignore or error: the sender learns it did not arrive
    case 'headline':
      return drop('RFC 6121 §8.5.3.2.1'); // ignore or error: headlines are never bounced
    case 'error':
      return drop('RFC 6121 §8.5.3.2.1'); // MUST silently ignore
    default:
      return unreachable(input.type);
  }
}

/** §8.5.2: localpart@domainpart; `via` names the rule that sent a full-JID chat here. */
function planBare(input: DeliveryInput, via?: DeliveryRule): DeliveryPlan {
  const available = input.endpoints.filter((endpoint) => endpoint.isAvailable);
  // §8.5.2.1 when some resource is available, §8.5.2.2 when none is.
  const section: DeliveryRule = available.length > 0 ? 'RFC 6121 §8.5.2.1.1' : 'RFC 6121 §8.5.2.2.1';
  const type = input.type;
  switch (type) {
    case 'groupchat':
      return refuse(section); // MUST NOT deliver; MUST return an error, SHOULD be service-unavailable
    case 'error':
      return drop(section); // MUST silently ignore
    case 'headline': {
      // MUST go to all non-negative resources; with none (or only negative ones) MUST be ignored.
      const targets = available.filter((endpoint) => receivesBareMessages(endpoint, type)).sort(byPriority);
      return targets.length > 0 ? deliver(targets, section) : drop(section);
    }
    case 'chat':
    case 'normal': {
      const locked = type === 'chat' ? lockedEndpoint(input, available) : undefined;
      if (locked) return deliver([locked], 'XEP-0296 §2.2', true);
      const targets = available.filter((endpoint) => receivesBareMessages(endpoint, type)).sort(byPriority);
      if (targets.length > 0) return deliver(targets, via ?? section);
      // Only negative resources, or none: SHOULD store offline (or bounce); a message with
      // nothing to read is not kept (XEP-0160 §3: chat states SHOULD NOT be stored).
      return input.isStorable ? { kind: 'offline', rule: via ?? section } : drop('XEP-0160 §3');
    }
    default:
      return unreachable(type);
  }
}

/** XEP-0296: the locked endpoint, while it is there and would get the chat anyway. */
function lockedEndpoint(input: DeliveryInput, available: readonly Endpoint[]): Endpoint | undefined {
  if (input.policy !== 'lock-on-reply' || input.lock === null) return undefined;
  const endpoint = available.find((candidate) => candidate.id === input.lock);
  return endpoint && receivesBareMessages(endpoint, 'chat') ? endpoint : undefined;
}

function unreachable(value: never): never {
  throw new HeraldError('HERALD_ERR_INTERNAL', `unknown message type ${String(value)}`);
}
