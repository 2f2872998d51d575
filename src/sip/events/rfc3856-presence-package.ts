/**
 * RFC 3856 (A Presence Event Package for SIP): the `presence` package of the event server, served
 * from the core PresenceService. Authorization is the core watch policy (§6.6 leaves it to the
 * presence agent, see watch-authorization.ts): approved → active with the composed presence as
 * PIDF + RPID (docs/presence.md); pending → no presence; blocked → active but "closed".
 * https://www.rfc-editor.org/rfc/rfc3856
 */
import type { ComposedPresence } from '../../core/presence/compose.js';
import type { PresenceService } from '../../core/presence/presence-service.js';
import { PIDF_CONTENT_TYPE, serializePidf } from '../wire/rfc3863-pidf.js';
import type { EventPackage, EventServer, Subscription } from './event-server.js';
import type { WatchAuthorization } from './watch-authorization.js';

export const PRESENCE_EVENT = 'presence';

/** The PIDF + RPID document a watcher gets for a composed presence (docs/presence.md). */
export function presenceDocument(entity: string, presence: ComposedPresence): string {
  const offline = presence.availability === 'offline';
  return serializePidf({
    entity,
    // RFC 3863 §4.1.4: offline is closed, every other availability open.
    basic: offline ? 'closed' : 'open',
    activities: offline ? [] : presence.activities,
    note: offline ? null : presence.note,
  });
}

export class PresencePackage implements EventPackage {
  readonly event = PRESENCE_EVENT;
  readonly contentType = PIDF_CONTENT_TYPE;
  readonly #presence: Pick<PresenceService, 'presenceFor' | 'onChanged'>;
  readonly #watch: WatchAuthorization;

  constructor(presence: Pick<PresenceService, 'presenceFor' | 'onChanged'>, watch: WatchAuthorization) {
    this.#presence = presence;
    this.#watch = watch;
  }

  /** Starts notifying `server`'s presence watchers of every change; returns the stop function. */
  attach(server: Pick<EventServer, 'changed'>): () => void {
    return this.#presence.onChanged((change) => server.changed(change.userId, PRESENCE_EVENT));
  }

  authorize(subscription: Subscription): Promise<'active' | 'pending'> {
    return this.#watch.authorize(subscription);
  }

  async body(subscription: Subscription): Promise<string | null> {
    // presenceFor applies the policy again: a blocked or revoked watcher sees offline (closed).
    const presence = await this.#presence.presenceFor(subscription.owner.id, subscription.watcherAddress);
    return presenceDocument(`sip:${subscription.ownerAddress}`, presence);
  }

  ended(subscription: Subscription): void {
    this.#watch.ended(subscription);
  }
}
