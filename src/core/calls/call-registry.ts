/**
 * The call legs Herald knows of, protocol-neutral (DESIGN.md "calls, legs, line state"): the SIP
 * proxy feeds every dialog it routes, one leg per party; the dialog event package (RFC 4235), the
 * line-state presence source and the clients observe them. In memory: a restart forgets live calls.
 */
import type { Clock } from '../../kernel/clock.js';
import type { UserId } from '../ports.js';

/** RFC 4235 §3.7.1 dialog states, plus `trying` / `proceeding` before the first response with a tag. */
export type CallLegState = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';

export interface CallLeg {
  /** Unique per leg. */
  readonly id: string;
  /** Whose leg (caller side: the caller; callee side: the callee). */
  readonly userId: UserId;
  /** The directory number of the user's line, if any. */
  readonly line: string | null;
  readonly callId: string;
  readonly localTag: string | null;
  readonly remoteTag: string | null;
  readonly direction: 'initiator' | 'recipient';
  readonly state: CallLegState;
  /** The other party's URI (sip:bob@domain). */
  readonly remote: string;
  readonly remoteDisplay: string | null;
  readonly startedAt: number;
  readonly confirmedAt: number | null;
  readonly held: boolean;
}

export type CallLegListener = (change: {
  readonly leg: CallLeg;
  readonly legsOfUser: readonly CallLeg[];
}) => void;

/** Legs of one user beyond this are refused (a runaway caller cannot grow the registry without bound). */
export const MAX_LEGS_PER_USER = 64;

function sameLeg(a: CallLeg, b: CallLeg): boolean {
  return (
    a.userId === b.userId &&
    a.line === b.line &&
    a.callId === b.callId &&
    a.localTag === b.localTag &&
    a.remoteTag === b.remoteTag &&
    a.direction === b.direction &&
    a.state === b.state &&
    a.remote === b.remote &&
    a.remoteDisplay === b.remoteDisplay &&
    a.startedAt === b.startedAt &&
    a.confirmedAt === b.confirmedAt &&
    a.held === b.held
  );
}

export class CallRegistry {
  readonly #clock: Clock;
  readonly #byUser = new Map<UserId, Map<string, CallLeg>>();
  readonly #listeners = new Set<CallLegListener>();
  readonly #onListenerError: ((error: unknown) => void) | undefined;

  constructor(options: { clock: Clock; onListenerError?: (error: unknown) => void }) {
    this.#clock = options.clock;
    this.#onListenerError = options.onListenerError;
  }

  /** Milliseconds since the epoch, from the registry's clock (for feeders that stamp legs). */
  now(): number {
    return this.#clock.now();
  }

  /**
   * Adds or replaces the leg with `leg.id`. Listeners hear of real changes only; a terminated leg is
   * told once and then dropped, so `legsOf` never lists it. A terminated leg never seen is ignored.
   */
  upsert(leg: CallLeg): void {
    const legs = this.#byUser.get(leg.userId);
    const previous = legs?.get(leg.id);
    if (previous && sameLeg(previous, leg)) return;
    if (leg.state === 'terminated') {
      if (!previous || !legs) return;
      legs.delete(leg.id);
      if (legs.size === 0) this.#byUser.delete(leg.userId);
      this.#notify(leg, [...legs.values()]);
      return;
    }
    if (previous && previous.userId !== leg.userId) return; // ids are per user; never move a leg
    const mine = legs ?? new Map<string, CallLeg>();
    if (!previous && mine.size >= MAX_LEGS_PER_USER) return;
    mine.set(leg.id, leg);
    this.#byUser.set(leg.userId, mine);
    this.#notify(leg, [...mine.values()]);
  }

  /** The user's live legs, oldest first. */
  legsOf(userId: UserId): readonly CallLeg[] {
    return [...(this.#byUser.get(userId)?.values() ?? [])];
  }

  /** Every live leg (for diagnostics and the admin API). */
  get size(): number {
    let count = 0;
    for (const legs of this.#byUser.values()) count += legs.size;
    return count;
  }

  onChanged(listener: CallLegListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(leg: CallLeg, legsOfUser: readonly CallLeg[]): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener({ leg, legsOfUser });
      } catch (error) {
        this.#onListenerError?.(error);
      }
    }
  }
}
