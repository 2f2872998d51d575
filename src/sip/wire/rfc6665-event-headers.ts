/**
 * RFC 6665 §8.2.1 and §8.2.3 — the Event and Subscription-State header fields of SIP-specific event
 * notification (event package, id, substate, reason, expires, retry-after).
 * https://www.rfc-editor.org/rfc/rfc6665#section-8.2
 */

import { type Building, fail, ok, type ParseResult } from './parse-result.js';
import { isToken, trimLws } from './rfc3261-chars.js';
import { parseParams } from './rfc3261-params.js';
import { parseDeltaSeconds } from './rfc3261-scalar-headers.js';
import { type Param, paramValue } from './uri.js';

export interface EventHeader {
  /** event-type = event-package *( "." event-template ), all tokens without dots. */
  readonly package: string;
  readonly templates: readonly string[];
  readonly id?: string;
  readonly params: readonly Param[];
}

function splitValue(value: string): { head: string; rest: string } {
  const semi = value.indexOf(';');
  return semi < 0
    ? { head: trimLws(value), rest: '' }
    : { head: trimLws(value.slice(0, semi)), rest: value.slice(semi) };
}

export function parseEvent(value: string): ParseResult<EventHeader> {
  const { head, rest } = splitValue(value);
  const [pkg = '', ...templates] = head.split('.');
  // token-nodot = 1*( alphanum / "-" / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )
  if (![pkg, ...templates].every((t) => isToken(t) && !t.includes('.'))) return fail('malformed Event type');
  const params = parseParams(rest);
  if (!params.ok) return fail(`Event: ${params.error}`);
  const id = paramValue(params.value, 'id');
  if (id !== undefined && !isToken(id)) return fail('Event id must be a token');
  const event: Building<EventHeader> = { package: pkg, templates, params: params.value };
  if (id !== undefined) event.id = id;
  return ok(event);
}

export interface SubscriptionState {
  /** active / pending / terminated, or an extension substate (lower-cased). */
  readonly state: string;
  readonly reason?: string;
  readonly expires?: number;
  readonly retryAfter?: number;
  readonly params: readonly Param[];
}

export function parseSubscriptionState(value: string): ParseResult<SubscriptionState> {
  const { head, rest } = splitValue(value);
  if (!isToken(head)) return fail('malformed Subscription-State');
  const params = parseParams(rest);
  if (!params.ok) return fail(`Subscription-State: ${params.error}`);
  const reason = paramValue(params.value, 'reason');
  const delta = (name: string): ParseResult<number | undefined> => {
    const text = paramValue(params.value, name);
    return text === undefined ? ok(undefined) : parseDeltaSeconds(text);
  };
  const expires = delta('expires');
  const retryAfter = delta('retry-after');
  if (!expires.ok || !retryAfter.ok) return fail('Subscription-State: malformed delta-seconds');
  const state: Building<SubscriptionState> = { state: head.toLowerCase(), params: params.value };
  if (reason !== undefined) state.reason = reason.toLowerCase();
  if (expires.value !== undefined) state.expires = expires.value;
  if (retryAfter.value !== undefined) state.retryAfter = retryAfter.value;
  return ok(state);
}
