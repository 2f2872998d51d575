/**
 * A user's line state from their call legs (SPEC P1: a phone on a call makes the person "on the
 * phone"): pure, for the line presence source.
 */
import type { LineState } from '../presence/presence-source.js';
import type { CallLeg } from './call-registry.js';

/** The presence source id of a line: its directory number, or 'sip' for a user without one. */
export function lineSourceId(line: string | null): string {
  return line ?? 'sip';
}

/**
 * The state of one line from the legs on it: a confirmed unheld leg → on-call; confirmed but all held
 * → held; a ringing incoming leg (or an early outgoing one) → ringing; nothing live → idle.
 */
export function lineStateOf(legs: readonly CallLeg[]): LineState {
  const live = legs.filter((leg) => leg.state !== 'terminated');
  const confirmed = live.filter((leg) => leg.state === 'confirmed');
  if (confirmed.some((leg) => !leg.held)) return 'on-call';
  if (confirmed.length > 0) return 'held';
  if (live.length > 0) return 'ringing';
  return 'idle';
}

/** The line state of every line the user has legs on (or had: `lines` lists those to report). */
export function lineStates(
  legs: readonly CallLeg[],
  lines: Iterable<string>,
): { readonly id: string; readonly state: LineState }[] {
  const ids = new Set(lines);
  for (const leg of legs) ids.add(lineSourceId(leg.line));
  return [...ids].sort().map((id) => ({
    id,
    state: lineStateOf(legs.filter((leg) => lineSourceId(leg.line) === id)),
  }));
}
