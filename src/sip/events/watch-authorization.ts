/**
 * The one authorization rule of Herald's SIP event packages (presence, dialog): the core watch
 * policy. approved / self → active; blocked → active with nothing to see (RFC 3856 §6.6: the
 * watcher is not told it is blocked); none / pending → pending, and a watcher with no roster
 * relation asks the owner once, through the core RosterService, as an XMPP subscribe does.
 */

import type { UserId } from '../../core/ports.js';
import type { PresenceService, WatchDecision } from '../../core/presence/presence-service.js';
import type { Logger } from '../../kernel/log.js';
import type { PackageDecision, Subscription } from './event-server.js';

export interface WatchAuthorizationOptions {
  readonly presence: Pick<PresenceService, 'decide'>;
  /** RFC 6121 §3.1: the watcher asks the owner (RosterService.subscribe). */
  readonly requestSubscription: (watcherId: UserId, ownerAddress: string) => Promise<void>;
  readonly log: Logger;
}

export class WatchAuthorization {
  readonly #o: WatchAuthorizationOptions;
  readonly #asked = new Set<string>();

  constructor(options: WatchAuthorizationOptions) {
    this.#o = options;
  }

  decide(subscription: Subscription): Promise<WatchDecision> {
    return this.#o.presence.decide(subscription.owner.id, subscription.watcherAddress);
  }

  async authorize(subscription: Subscription): Promise<PackageDecision> {
    const decision = await this.decide(subscription);
    if (decision === 'self' || decision === 'approved' || decision === 'blocked') return 'active';
    if (decision === 'none') {
      const key = `${subscription.watcher.id}\n${subscription.owner.id}`;
      if (!this.#asked.has(key)) {
        this.#asked.add(key);
        try {
          await this.#o.requestSubscription(subscription.watcher.id, subscription.ownerAddress);
        } catch (error) {
          this.#o.log.warn({ err: error }, 'subscription request for a SIP watcher failed');
        }
      }
    }
    return 'pending';
  }

  /** Forgets that the watcher asked (a new subscription asks again). */
  ended(subscription: Subscription): void {
    this.#asked.delete(`${subscription.watcher.id}\n${subscription.owner.id}`);
  }
}
