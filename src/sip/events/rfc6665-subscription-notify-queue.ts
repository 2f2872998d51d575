/**
 * The NOTIFYs of one subscription, one at a time and coalesced: while a NOTIFY is in flight
 * (its body being made or its client transaction waiting for the final response), the state
 * changes that follow collapse into one pending NOTIFY that carries the latest state.
 *
 * RFC 6665 §4.2.2 has a notifier send a NOTIFY when the state changes and leaves the rate to
 * each event package's "Rate of Notifications": RFC 3856 §6.10 asks a presence agent to notify
 * a presentity's watchers at most once every five seconds, and RFC 4235 §3.10 a dialog notifier
 * at most once a second — so sending the latest state once the previous NOTIFY is answered,
 * instead of every intermediate one, is within both. Presence documents are full state (RFC 3863), so the
 * latest one replaces what collapsed into it; the dialog package gets the collapsed changes
 * (`changes`) to put every changed dialog in one partial document (RFC 4235 §4.1.1).
 * https://www.rfc-editor.org/rfc/rfc6665#section-4.2.2
 */
import type { SubscriptionSnapshot } from './rfc6665-subscription.js';

/** One NOTIFY to send: the subscription state for Subscription-State, and what the body is for. */
export interface NotifyRequest {
  /** The subscription state at the latest change (§8.2.3 Subscription-State). */
  readonly snapshot: SubscriptionSnapshot;
  /** Whether the NOTIFY carries the package's document (an active subscription, or a fetch). */
  readonly withBody: boolean;
  /**
   * The changes the package reported since the last NOTIFY, oldest first; undefined when the
   * NOTIFY must carry the full state (after a SUBSCRIBE, a refresh or a change of authorization).
   */
  readonly changes: readonly unknown[] | undefined;
}

/**
 * The NOTIFY that stands for `pending` followed by `later`: the later state and body decision
 * (a subscription that went pending or terminated must not get the document it was about to
 * get), the changes of both in order, and the full state if either asked for it.
 */
export function coalesceNotify(pending: NotifyRequest, later: NotifyRequest): NotifyRequest {
  return {
    snapshot: later.snapshot,
    withBody: later.withBody,
    changes:
      pending.changes === undefined || later.changes === undefined
        ? undefined
        : [...pending.changes, ...later.changes],
  };
}

/**
 * How the NOTIFYs of many subscriptions are sent: one object for all of them (a server holds tens
 * of thousands of queues; closures per queue cost ~300 bytes each), told which subscription.
 */
export interface NotifyChannel<S> {
  /**
   * Sends one NOTIFY and settles when its transaction is over (any final response, a timeout or
   * a transport failure); a rejection goes to `onError` and the next one is sent.
   */
  send(subscription: S, request: NotifyRequest): Promise<void>;
  onError(subscription: S, error: unknown): void;
  /**
   * With a gate, each NOTIFY first waits for a place, and only then is the pending one taken:
   * what changes while it waits coalesces into it.
   */
  gate?(subscription: S): Promise<() => void>;
}

export class NotifyQueue<S> {
  readonly #channel: NotifyChannel<S>;
  readonly #subscription: S;
  #pending: NotifyRequest | undefined;
  #inFlight = false;
  #ended = false;

  constructor(channel: NotifyChannel<S>, subscription: S) {
    this.#channel = channel;
    this.#subscription = subscription;
  }

  /** Whether a NOTIFY is being sent now (or waits at the gate). */
  get inFlight(): boolean {
    return this.#inFlight;
  }

  /** The NOTIFY that goes out next (coalesced), if any. */
  get pending(): NotifyRequest | undefined {
    return this.#pending;
  }

  /**
   * Sends `request` now, or — with a NOTIFY in flight — folds it into the pending one. Nothing
   * follows a NOTIFY with a terminated state (RFC 6665 §4.2.2: it ends the subscription).
   */
  push(request: NotifyRequest): void {
    if (this.#ended || this.#pending?.snapshot.phase === 'terminated') return;
    this.#pending = this.#pending ? coalesceNotify(this.#pending, request) : request;
    if (!this.#inFlight) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#inFlight = true;
    while (this.#pending) {
      let release = () => {};
      try {
        if (this.#channel.gate) release = await this.#channel.gate(this.#subscription);
      } catch (error) {
        this.#channel.onError(this.#subscription, error);
      }
      const next = this.#pending;
      this.#pending = undefined;
      if (next.snapshot.phase === 'terminated') this.#ended = true;
      try {
        await this.#channel.send(this.#subscription, next);
      } catch (error) {
        this.#channel.onError(this.#subscription, error);
      } finally {
        release();
      }
    }
    this.#inFlight = false;
  }
}

/**
 * How many NOTIFYs over UDP may wait for their response at once, server-wide. A presence change
 * fans out to every watcher in one burst, and the 200 OKs come back in one: beyond what the
 * socket's receive buffer holds while the event loop is busy sending the rest, the kernel drops
 * them, and each dropped one costs a retransmission 500 ms later (RFC 3261 §17.1.2.2 Timer A)
 * and a NOTIFY that much late. With a window, the rest wait (and their changes coalesce) until
 * responses free a place. A reliable transport needs none: its flow control paces it.
 */
export class SendWindow {
  readonly #size: number;
  #used = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`the window must be ≥ 1, not ${size}`);
    this.#size = size;
  }

  /** NOTIFYs sent and not yet answered. */
  get used(): number {
    return this.#used;
  }

  /** NOTIFYs waiting for a place. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves with the release function once a place is free (first come, first served). */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.#used++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#used--;
          this.#waiting.shift()?.();
        });
      };
      if (this.#used < this.#size) grant();
      else this.#waiting.push(grant);
    });
  }
}
