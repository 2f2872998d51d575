/**
 * RFC 4235 (An INVITE-Initiated Dialog Event Package): the `dialog` package — busy lamp fields —
 * served from the core CallRegistry the proxy feeds. The NOTIFY after a SUBSCRIBE or refresh is a
 * full document of the owner's live legs; each leg change afterwards a partial one with that leg
 * (§4.1.1); `version` counts per subscription from 0. Authorized by the same watch policy as
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

export class DialogPackage implements EventPackage {
  readonly event = DIALOG_EVENT;
  readonly contentType = DIALOG_INFO_CONTENT_TYPE;
  readonly #calls: Pick<CallRegistry, 'legsOf' | 'onChanged'>;
  readonly #watch: WatchAuthorization;
  readonly #clock: Clock;
  readonly #versions = new Map<string, number>();

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

  async body(subscription: Subscription, change?: unknown): Promise<string | null> {
    const decision = await this.#watch.decide(subscription);
    const visible = decision === 'self' || decision === 'approved';
    // §4.1.1: the version increases by one with every document sent in this subscription.
    const version = this.#versions.get(subscription.id) ?? 0;
    this.#versions.set(subscription.id, version + 1);
    const ownerUri = `sip:${subscription.ownerAddress}`;
    const now = this.#clock.now();
    const partial = visible && isLeg(change) && version > 0;
    const legs = !visible ? [] : partial ? [change as CallLeg] : this.#calls.legsOf(subscription.owner.id);
    return serializeDialogInfo({
      entity: ownerUri,
      version,
      state: partial ? 'partial' : 'full',
      dialogs: legs.map((leg) => dialogEntry(leg, ownerUri, now)),
    });
  }

  ended(subscription: Subscription): void {
    this.#versions.delete(subscription.id);
    this.#watch.ended(subscription);
  }
}
