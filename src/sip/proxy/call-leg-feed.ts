/**
 * What the proxy tells the core CallRegistry of the calls it routes: one leg for the caller, one per
 * branch for the callee (RFC 4235 §3.7.1 states: trying, proceeding, early, confirmed, terminated),
 * ended by a non-2xx final response, a CANCEL, a BYE, or the longest call allowed.
 * https://www.rfc-editor.org/rfc/rfc4235#section-3.7.1
 */

import type { CallLeg, CallLegState, CallRegistry } from '../../core/calls/index.js';
import type { UserId } from '../../core/ports.js';
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { callId, formatUri, fromHeader, type SipRequest, type SipResponse, toHeader } from '../wire/index.js';
import { isHoldOffer } from '../wire/rfc3264-hold.js';

export interface Party {
  readonly userId: UserId;
  readonly line: string | null;
}

/** One dialog as the feed tracks it: the caller's leg and the callee legs by branch. */
interface TrackedCall {
  readonly key: string;
  caller: CallLeg;
  readonly callees: Map<number, CallLeg>;
  expiry: TimerHandle | undefined;
}

const RANK: Record<CallLegState, number> = {
  trying: 0,
  proceeding: 1,
  early: 2,
  confirmed: 3,
  terminated: 4,
};

export class CallLegFeed {
  readonly #calls: CallRegistry;
  readonly #clock: Clock;
  readonly #maxCallMs: number;
  readonly #byKey = new Map<string, TrackedCall>();

  constructor(options: { calls: CallRegistry; clock: Clock; maxCallMs: number }) {
    this.#calls = options.calls;
    this.#clock = options.clock;
    this.#maxCallMs = options.maxCallMs;
  }

  /** A new initial INVITE from `caller` to `callee`; returns the handle for its branches. */
  started(invite: SipRequest, caller: Party, callee: Party): CallHandle {
    const from = fromHeader(invite);
    const to = toHeader(invite);
    const id = callId(invite);
    const key = `${id}\n${from.tag ?? ''}`;
    const now = this.#clock.now();
    const caller_: CallLeg = {
      id: `${key}\ncaller`,
      userId: caller.userId,
      line: caller.line,
      callId: id,
      localTag: from.tag ?? null,
      remoteTag: null,
      direction: 'initiator',
      state: 'trying',
      remote: formatUri(to.uri),
      remoteDisplay: to.displayName ?? null,
      startedAt: now,
      confirmedAt: null,
      held: false,
    };
    const tracked: TrackedCall = { key, caller: caller_, callees: new Map(), expiry: undefined };
    this.#byKey.get(key)?.expiry?.cancel();
    this.#byKey.set(key, tracked);
    this.#calls.upsert(caller_);
    tracked.expiry = this.#clock.setTimeout(() => this.#end(tracked), this.#maxCallMs);
    const calleeLeg = (branch: number): CallLeg => ({
      id: `${key}\n${branch}`,
      userId: callee.userId,
      line: callee.line,
      callId: id,
      localTag: null,
      remoteTag: from.tag ?? null,
      direction: 'recipient',
      state: 'trying',
      remote: formatUri(from.uri),
      remoteDisplay: from.displayName ?? null,
      startedAt: now,
      confirmedAt: null,
      held: false,
    });
    return {
      branchStarted: (branch) => {
        const leg = calleeLeg(branch);
        tracked.callees.set(branch, leg);
        this.#calls.upsert(leg);
      },
      branchResponse: (branch, response) => this.#branchResponse(tracked, branch, response),
      branchEnded: (branch) => {
        const leg = tracked.callees.get(branch);
        if (!leg || leg.state === 'confirmed') return;
        tracked.callees.delete(branch);
        this.#calls.upsert({ ...leg, state: 'terminated' });
      },
      completed: (status) => {
        if (status >= 300) this.#end(tracked);
      },
    };
  }

  /** A request inside a dialog: a BYE ends it; a re-INVITE may put a party on hold or take it off. */
  inDialog(request: SipRequest): void {
    const tracked = this.#find(request);
    if (!tracked) return;
    if (request.method === 'BYE') {
      this.#end(tracked);
      return;
    }
    if (request.method !== 'INVITE' && request.method !== 'UPDATE') return;
    if (request.body.length === 0) return;
    const held = isHoldOffer(request.body, request.headers.get('Content-Type'));
    const fromTag = fromHeader(request).tag;
    const isCaller = fromTag === tracked.caller.localTag;
    if (isCaller) this.#set(tracked, 'caller', { ...tracked.caller, held });
    else
      for (const [branch, leg] of tracked.callees)
        if (leg.localTag === fromTag) tracked.callees.set(branch, this.#upsert({ ...leg, held }));
  }

  close(): void {
    for (const tracked of this.#byKey.values()) tracked.expiry?.cancel();
    this.#byKey.clear();
  }

  #find(request: SipRequest): TrackedCall | undefined {
    const id = callId(request);
    const tags = [fromHeader(request).tag ?? '', toHeader(request).tag ?? ''];
    for (const tag of tags) {
      const tracked = this.#byKey.get(`${id}\n${tag}`);
      if (tracked) return tracked;
    }
    return undefined;
  }

  #branchResponse(tracked: TrackedCall, branch: number, response: SipResponse): void {
    const leg = tracked.callees.get(branch);
    if (!leg || response.status >= 300) return;
    const toTag = toHeader(response).tag ?? null;
    const now = this.#clock.now();
    const state: CallLegState =
      response.status >= 200 ? 'confirmed' : toTag !== null && response.status > 100 ? 'early' : 'proceeding';
    if (RANK[state] < RANK[leg.state]) return;
    const confirmedAt = state === 'confirmed' ? (leg.confirmedAt ?? now) : null;
    tracked.callees.set(
      branch,
      this.#upsert({ ...leg, state, localTag: toTag ?? leg.localTag, confirmedAt }),
    );
    const caller = tracked.caller;
    if (RANK[state] >= RANK[caller.state])
      this.#set(tracked, 'caller', {
        ...caller,
        state,
        remoteTag: toTag ?? caller.remoteTag,
        confirmedAt: state === 'confirmed' ? (caller.confirmedAt ?? now) : null,
      });
  }

  #set(tracked: TrackedCall, _which: 'caller', leg: CallLeg): void {
    tracked.caller = this.#upsert(leg);
  }

  #upsert(leg: CallLeg): CallLeg {
    this.#calls.upsert(leg);
    return leg;
  }

  #end(tracked: TrackedCall): void {
    if (this.#byKey.get(tracked.key) !== tracked) return;
    this.#byKey.delete(tracked.key);
    tracked.expiry?.cancel();
    for (const leg of tracked.callees.values()) this.#calls.upsert({ ...leg, state: 'terminated' });
    this.#calls.upsert({ ...tracked.caller, state: 'terminated' });
  }
}

/** What one forwarded INVITE reports to the feed. */
export interface CallHandle {
  branchStarted(branch: number): void;
  branchResponse(branch: number, response: SipResponse): void;
  branchEnded(branch: number): void;
  /** The final status sent to the caller. */
  completed(status: number): void;
}
