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

/** What the legs on one line add up to, in one pass over them. */
interface LineTally {
  live: boolean;
  confirmed: boolean;
  unheld: boolean;
}

const emptyTally = (): LineTally => ({ live: false, confirmed: false, unheld: false });

function count(tally: LineTally, leg: CallLeg): void {
  if (leg.state === 'terminated') return;
  tally.live = true;
  if (leg.state !== 'confirmed') return;
  tally.confirmed = true;
  if (!leg.held) tally.unheld = true;
}

function stateOf(tally: LineTally): LineState {
  if (tally.unheld) return 'on-call';
  if (tally.confirmed) return 'held';
  return tally.live ? 'ringing' : 'idle';
}

/**
 * The state of one line from the legs on it: a confirmed unheld leg → on-call; confirmed but all held
 * → held; a ringing incoming leg (or an early outgoing one) → ringing; nothing live → idle.
 */
export function lineStateOf(legs: readonly CallLeg[]): LineState {
  const tally = emptyTally();
  for (const leg of legs) count(tally, leg);
  return stateOf(tally);
}

/**
 * The line state of every line the user has legs on (or had: `lines` lists those to report), by
 * line id. One pass over the legs: a gateway user with a hundred calls up has a hundred legs, and
 * each of their changes asks this again.
 */
export function lineStates(
  legs: readonly CallLeg[],
  lines: Iterable<string>,
): { readonly id: string; readonly state: LineState }[] {
  const tallies = new Map<string, LineTally>();
  for (const id of lines) if (!tallies.has(id)) tallies.set(id, emptyTally());
  for (const leg of legs) {
    const id = lineSourceId(leg.line);
    let tally = tallies.get(id);
    if (tally === undefined) {
      tally = emptyTally();
      tallies.set(id, tally);
    }
    count(tally, leg);
  }
  return [...tallies.keys()].sort().map((id) => ({ id, state: stateOf(tallies.get(id) ?? emptyTally()) }));
}
