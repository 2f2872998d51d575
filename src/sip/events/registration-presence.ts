/**
 * REGISTER as a presence source (issue 5, SPEC P1): each live SIP binding the registrar mirrors
 * into the SessionRegistry (protocol `sip`) is a `registration` source of the core
 * PresenceService — a desk phone that only registers shows its user as reachable. A user who
 * PUBLISHes (RFC 3903) speaks for themselves: while they hold any publication, open or closed,
 * their registrations are withdrawn, so that a softphone set to "offline" is not shown online by
 * its own registration.
 */
import type { Endpoint, SessionChange, SessionRegistry, UserId } from '../../core/ports.js';
import type { PresenceService } from '../../core/presence/presence-service.js';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/log.js';

export interface RegistrationPresenceOptions {
  readonly presence: Pick<PresenceService, 'update' | 'remove'>;
  readonly sessions: Pick<SessionRegistry, 'endpointsOf' | 'onChange'>;
  /** Whether the user holds a PUBLISH now (then their registrations do not count). */
  readonly hasPublications: (userId: UserId) => boolean;
  readonly clock: Clock;
  readonly log: Logger;
}

const isSip = (endpoint: Endpoint): boolean => endpoint.protocol === 'sip';

export class RegistrationPresence {
  readonly #o: RegistrationPresenceOptions;
  /** The registration sources given to the PresenceService, by user (an array: mostly one). */
  readonly #fed = new Map<UserId, readonly string[]>();
  /** Per user, recomputations run one after the other (endpointsOf is asynchronous). */
  readonly #queues = new Map<UserId, Promise<void>>();
  #off: (() => void) | undefined;

  constructor(options: RegistrationPresenceOptions) {
    this.#o = options;
  }

  start(): void {
    this.#off = this.#o.sessions.onChange((change: SessionChange) => {
      if (isSip(change.endpoint)) this.refresh(change.endpoint.userId);
    });
  }

  /** Makes the user's registration sources match their SIP endpoints and publications now. */
  refresh(userId: UserId): Promise<void> {
    const next = (this.#queues.get(userId) ?? Promise.resolve())
      .then(() => this.#sync(userId))
      .catch((error: unknown) => this.#o.log.warn({ err: error }, 'SIP registration presence failed'));
    this.#queues.set(userId, next);
    void next.then(() => {
      if (this.#queues.get(userId) === next) this.#queues.delete(userId);
    });
    return next;
  }

  /** Settles every pending recomputation (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.all(this.#queues.values());
  }

  close(): void {
    this.#off?.();
    this.#off = undefined;
  }

  async #sync(userId: UserId): Promise<void> {
    const endpoints = this.#o.hasPublications(userId)
      ? []
      : (await this.#o.sessions.endpointsOf(userId)).filter(isSip);
    const wanted = endpoints.map((endpoint) => endpoint.id);
    const fed = this.#fed.get(userId) ?? [];
    for (const id of fed) if (!wanted.includes(id)) this.#o.presence.remove(userId, 'registration', id);
    const now = this.#o.clock.now();
    for (const id of wanted)
      if (!fed.includes(id)) this.#o.presence.update(userId, { kind: 'registration', id, updatedAt: now });
    if (wanted.length > 0) this.#fed.set(userId, wanted);
    else this.#fed.delete(userId);
  }
}
