/**
 * RFC 4235 (An INVITE-Initiated Dialog Event Package): the `dialog` package — busy lamp fields —
 * served from the core CallRegistry the proxy feeds. The NOTIFY after a SUBSCRIBE or refresh is a
 * full document of the owner's live legs; each leg change afterwards a partial one with that leg
 * — or with every leg that changed while the previous NOTIFY was in flight, each in its latest
 * state (§4.1.1) — and `version` counts the documents per subscription from 0. Authorized by the same watch policy as
 * presence; a blocked watcher gets an empty full document (no dialogs, nothing revealed).
 * https://www.rfc-editor.org/rfc/rfc4235#section-4
 */
import type { CallLeg, CallRegistry } from '../../core/calls/call-registry.js';
import type { Clock } from '../../kernel/clock.js';
import {
  DIALOG_INFO_CONTENT_TYPE,
  type DialogEntry,
  serializeDialogInfo,
} from '../wire/rfc4235-dialog-info.js';
import type { EventPackage, EventServer, Subscription } from './event-server.js';
import type { WatchAuthorization } from './watch-authorization.js';

export const DIALOG_EVENT = 'dialog';

/** One leg as an RFC 4235 §4.1.2 <dialog> of its owner. */
export function dialogEntry(leg: CallLeg, ownerUri: string, now: number): DialogEntry {
  return {
    id: leg.id,
    callId: leg.callId,
    localTag: leg.localTag,
    remoteTag: leg.remoteTag,
    direction: leg.direction,
    state: leg.state,
    event: null,
    duration: leg.confirmedAt === null ? null : Math.max(0, Math.floor((now - leg.confirmedAt) / 1000)),
    local: { identity: ownerUri, display: null },
    remote: { identity: leg.remote, display: leg.remoteDisplay },
  };
}

const isLeg = (value: unknown): value is CallLeg =>
  typeof value === 'object' && value !== null && 'callId' in value && 'state' in value;

/**
 * The legs of coalesced changes (oldest first), each once in its latest state: changes that came
 * while a NOTIFY was in flight go out in one partial document (rfc6665-subscription-notify-queue.ts).
 * Empty when there are none or `changes` is undefined (the full state is due).
 */
export function changedLegs(changes: readonly unknown[] | undefined): CallLeg[] {
  const latest = new Map<string, CallLeg>();
  for (const change of changes ?? [])
    if (isLeg(change)) {
      latest.delete(change.id);
      latest.set(change.id, change);
    }
  return [...latest.values()];
}

export class DialogPackage implements EventPackage {
  readonly event = DIALOG_EVENT;
  readonly contentType = DIALOG_INFO_CONTENT_TYPE;
  readonly #calls: Pick<CallRegistry, 'legsOf' | 'onChanged'>;
  readonly #watch: WatchAuthorization;
  readonly #clock: Clock;
  /** Per subscription: the version of the last document sent and whether it showed the dialogs. */
  readonly #sent = new Map<string, { version: number; visible: boolean }>();

  constructor(calls: Pick<CallRegistry, 'legsOf' | 'onChanged'>, watch: WatchAuthorization, clock: Clock) {
    this.#calls = calls;
    this.#watch = watch;
    this.#clock = clock;
  }

  attach(server: Pick<EventServer, 'changed'>): () => void {
    return this.#calls.onChanged(({ leg }) => server.changed(leg.userId, DIALOG_EVENT, leg));
  }

  authorize(subscription: Subscription): Promise<'active' | 'pending'> {
    return this.#watch.authorize(subscription);
  }

  async body(subscription: Subscription, changes?: readonly unknown[]): Promise<string | null> {
    const decision = await this.#watch.decide(subscription);
    const visible = decision === 'self' || decision === 'approved';
    // §4.1.1: the version increases by one with every document sent in this subscription.
    const last = this.#sent.get(subscription.id);
    const version = last === undefined ? 0 : last.version + 1;
    this.#sent.set(subscription.id, { version, visible });
    const ownerUri = `sip:${subscription.ownerAddress}`;
    const now = this.#clock.now();
    const changed = changedLegs(changes);
    // §4.1.1: a partial document lists only the dialogs that changed since the previous one; it
    // needs that previous one to have shown the dialogs (not a blocked watcher's empty document).
    const partial = visible && last?.visible === true && changed.length > 0;
    const legs = !visible ? [] : partial ? changed : this.#calls.legsOf(subscription.owner.id);
    return serializeDialogInfo({
      entity: ownerUri,
      version,
      state: partial ? 'partial' : 'full',
      dialogs: legs.map((leg) => dialogEntry(leg, ownerUri, now)),
    });
  }

  ended(subscription: Subscription): void {
    this.#sent.delete(subscription.id);
    this.#watch.ended(subscription);
  }
}
