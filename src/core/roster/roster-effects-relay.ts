/**
 * The roster's change feed between adapters: a subscription request that a SIP watcher raises
 * must reach the owner's XMPP clients now, and an approval given on XMPP must turn a pending SIP
 * subscription active now (SPEC P3: one roster subscription serves every protocol). The adapter
 * that called the RosterService carries out the effects it got itself and announces them here;
 * the other adapters act on them as far as they concern their own sessions.
 */
import type { RosterEffect } from './roster-effects.js';

/** Which adapter announced the effects (it has carried them out already). */
export type EffectOrigin = 'xmpp' | 'sip' | 'http';

export type RosterEffectsListener = (effects: readonly RosterEffect[], origin: EffectOrigin) => void;

export class RosterEffectsRelay {
  readonly #listeners = new Set<RosterEffectsListener>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: { onListenerError?: (error: unknown) => void } = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  announce(effects: readonly RosterEffect[], origin: EffectOrigin): void {
    if (effects.length === 0) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(effects, origin);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  /** `listener` hears every announcement, its own adapter's included (it filters by origin). */
  onEffects(listener: RosterEffectsListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
