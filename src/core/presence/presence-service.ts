/**
 * PresenceService: the one place every protocol adapter asks "what is this person's presence,
 * and may this watcher see it?" (SPEC P1–P4). It owns the PresenceEngine (the sources and the
 * composed state) and applies the watch policy: the same roster subscription serves XMPP and SIP
 * watchers, so an approval given on either side serves both (RFC 6121 §3; RFC 3856 §6.6 leaves
 * authorization to the presence agent's policy).
 */
import type { Clock } from '../../kernel/clock.js';
import { bareJid, parseJid } from '../address/jid.js';
import type { UserId } from '../ports.js';
import { type ComposedPresence, compose } from './compose.js';
import { type PresenceChangedListener, PresenceEngine } from './presence-engine.js';
import type { PresenceSource } from './presence-source.js';

/**
 * How the owner's roster answers a watcher: `approved` sees the presence; `pending` waits for the
 * owner's answer (RFC 6665 "pending"); `none` has not asked; `blocked` is refused and sees offline
 * ("closed" in PIDF) without being told why.
 */
export type WatchDecision = 'self' | 'approved' | 'pending' | 'none' | 'blocked';

/** What the presence service needs from the roster and the block list (both core services). */
export interface WatchFacts {
  /** The owner's bare address (user@domain). */
  addressOf(ownerId: UserId): Promise<string | undefined>;
  /** The owner's roster record for `watcher` (bare), if any. */
  rosterItem(
    ownerId: UserId,
    watcher: string,
  ): Promise<{ subscription: 'none' | 'to' | 'from' | 'both'; pendingIn: boolean } | undefined>;
  isBlocked(ownerId: UserId, address: string): Promise<boolean>;
}

/** The pure rule: what a roster record and the block list say of a watcher. */
export function decideWatch(input: {
  readonly isSelf: boolean;
  readonly isBlocked: boolean;
  readonly item: { subscription: 'none' | 'to' | 'from' | 'both'; pendingIn: boolean } | undefined;
}): WatchDecision {
  if (input.isSelf) return 'self';
  if (input.isBlocked) return 'blocked';
  const item = input.item;
  if (item && (item.subscription === 'from' || item.subscription === 'both')) return 'approved';
  if (item?.pendingIn) return 'pending';
  return 'none';
}

const OFFLINE: ComposedPresence = compose([], 0);

/** What a watcher with `decision` sees of `presence`: invisible and unauthorized are offline. */
export function presenceSeenBy(presence: ComposedPresence, decision: WatchDecision): ComposedPresence {
  if (decision === 'self') return presence;
  if (decision !== 'approved' || presence.isInvisible) return OFFLINE;
  return presence;
}

export class PresenceService {
  readonly engine: PresenceEngine;
  readonly #facts: WatchFacts;

  constructor(options: { clock: Clock; facts: WatchFacts; onListenerError?: (error: unknown) => void }) {
    this.engine = new PresenceEngine({
      clock: options.clock,
      ...(options.onListenerError ? { onListenerError: options.onListenerError } : {}),
    });
    this.#facts = options.facts;
  }

  /** Adds or replaces one of the owner's sources (same kind and id). */
  update(ownerId: UserId, source: PresenceSource): void {
    this.engine.update(ownerId, source);
  }

  remove(ownerId: UserId, kind: PresenceSource['kind'], id: string): void {
    this.engine.remove(ownerId, kind, id);
  }

  /** Tells `listener` of every real change of anyone's composed presence. */
  onChanged(listener: PresenceChangedListener): () => void {
    return this.engine.onChanged(listener);
  }

  /** The composed presence as the owner's own clients see it. */
  presenceOf(ownerId: UserId): ComposedPresence {
    return this.engine.presenceOf(ownerId);
  }

  /** The watch policy for `watcher` (a bare or full JID, or a SIP AoR's user@domain). */
  async decide(ownerId: UserId, watcher: string): Promise<WatchDecision> {
    const jid = parseJid(watcher);
    if (!jid) return 'none';
    const bare = bareJid(jid);
    const owner = await this.#facts.addressOf(ownerId);
    if (owner === undefined) return 'none';
    return decideWatch({
      isSelf: bare === owner,
      isBlocked: await this.#facts.isBlocked(ownerId, jid),
      item: await this.#facts.rosterItem(ownerId, bare),
    });
  }

  /** The owner's presence as `watcher` may see it (offline unless approved, or invisible). */
  async presenceFor(ownerId: UserId, watcher: string): Promise<ComposedPresence> {
    return presenceSeenBy(this.presenceOf(ownerId), await this.decide(ownerId, watcher));
  }

  close(): void {
    this.engine.close();
  }
}
