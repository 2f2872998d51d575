/**
 * Line state as a presence source (SPEC P1, docs/presence.md rule 5): every change of a user's
 * call legs updates the `line` sources of that user in the PresenceService; a line with no live
 * leg is removed (idle lines add nothing to presence).
 */
import type { UserId } from '../ports.js';
import type { PresenceSource } from '../presence/presence-source.js';
import type { CallRegistry } from './call-registry.js';
import { lineStates } from './line-state.js';

/** The part of PresenceService the feed writes to. */
export interface LineStateSink {
  update(ownerId: UserId, source: PresenceSource): void;
  remove(ownerId: UserId, kind: PresenceSource['kind'], id: string): void;
}

/** Starts feeding; returns the function that stops it. */
export function feedLinePresence(calls: CallRegistry, presence: LineStateSink): () => void {
  /** The line ids each user has a source for, so that a line going idle is removed. */
  const reported = new Map<UserId, Set<string>>();
  return calls.onChanged(({ leg, legsOfUser }) => {
    const userId = leg.userId;
    const known = reported.get(userId) ?? new Set<string>();
    const now = calls.now();
    for (const { id, state } of lineStates(legsOfUser, [...known, leg.line ?? 'sip'])) {
      if (state === 'idle') {
        if (known.delete(id)) presence.remove(userId, 'line', id);
        continue;
      }
      known.add(id);
      presence.update(userId, { kind: 'line', id, state, updatedAt: now });
    }
    if (known.size === 0) reported.delete(userId);
    else reported.set(userId, known);
  });
}
