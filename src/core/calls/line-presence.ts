/**
 * Line state as a presence source (SPEC P1, docs/presence.md rule 5): every change of a user's
 * call legs updates the `line` sources of that user in the PresenceService; a line with no live
 * leg is removed (idle lines add nothing to presence).
 */
import type { UserId } from '../ports.js';
import type { LineState, PresenceSource } from '../presence/presence-source.js';
import type { CallRegistry } from './call-registry.js';
import { lineStates } from './line-state.js';

/** The part of PresenceService the feed writes to. */
export interface LineStateSink {
  update(ownerId: UserId, source: PresenceSource): void;
  remove(ownerId: UserId, kind: PresenceSource['kind'], id: string): void;
}

/**
 * Starts feeding; returns the function that stops it. Only changes are reported: a line whose
 * state a leg's change left as it was (a second call on a line already on a call) is not updated
 * again, so it keeps the time it entered that state.
 */
export function feedLinePresence(calls: CallRegistry, presence: LineStateSink): () => void {
  /** The state reported of each line of each user, so that a line going idle is removed. */
  const reported = new Map<UserId, Map<string, LineState>>();
  return calls.onChanged(({ leg, legsOfUser }) => {
    const userId = leg.userId;
    const known = reported.get(userId) ?? new Map<string, LineState>();
    const now = calls.now();
    for (const { id, state } of lineStates(legsOfUser, [...known.keys(), leg.line ?? 'sip'])) {
      if (state === 'idle') {
        if (known.delete(id)) presence.remove(userId, 'line', id);
        continue;
      }
      if (known.get(id) === state) continue;
      known.set(id, state);
      presence.update(userId, { kind: 'line', id, state, updatedAt: now });
    }
    if (known.size === 0) reported.delete(userId);
    else reported.set(userId, known);
  });
}
