/**
 * RFC 3261 §16.6–§16.10 — the response context of one forwarded INVITE: parallel branches, each an
 * INVITE client transaction with its Timer C (§16.6 step 11), responses forwarded or kept by the
 * §16.7 rules, the best final response chosen when every branch is done, and CANCEL of the other
 * branches after a 2xx or 6xx, or of all of them when the caller cancels (§16.10).
 * https://www.rfc-editor.org/rfc/rfc3261#section-16.7
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { ownString } from '../../kernel/own-string.js';
import type {
  InviteClientTransaction,
  InviteServerTransaction,
  TransactionFailure,
  TransactionLayer,
  TransactionTransport,
} from '../transaction/index.js';
import { createResponse, type SipHeader, type SipRequest, type SipResponse } from '../wire/index.js';
import { upstreamResponse, withVias } from './rfc3261-request-forwarding.js';
import { bestResponseIndex, classifyResponse, upstreamStatus } from './rfc3261-response-selection.js';

/** Told of what happens on each branch (the call-leg feed listens). */
export interface BranchObserver {
  responseReceived?(response: SipResponse): void;
  /** The branch ended without a 2xx (a final response, a timeout, a cancel). */
  ended?(status: number): void;
}

interface Branch {
  readonly request: SipRequest;
  readonly transport: TransactionTransport;
  readonly observer: BranchObserver;
  transaction: InviteClientTransaction | undefined;
  timerC: TimerHandle | undefined;
  isFinal: boolean;
  hasProvisional: boolean;
  isCancelWanted: boolean;
  isCancelSent: boolean;
}

export interface InviteForwardingOptions {
  readonly server: InviteServerTransaction;
  readonly transactions: TransactionLayer;
  readonly clock: Clock;
  /** §16.6 step 11: Timer C, more than 3 minutes. */
  readonly timerCMs: number;
}

/** A synthetic final response for a branch that failed (§16.7 step 2 timeout → 408; §16.9 → 503). */
function failureStatus(failure: TransactionFailure): number {
  return failure.kind === 'timeout' ? 408 : 503;
}

export class InviteForwarding {
  readonly #o: InviteForwardingOptions;
  readonly #branches: Branch[] = [];
  /** §16.7 step 4: the final responses kept, with the branch that gave each. */
  readonly #finals: SipResponse[] = [];
  readonly #completedListeners: ((status: number) => void)[] = [];
  #finalSent = false;
  #isCancelled = false;
  #completedOnce = false;

  constructor(options: InviteForwardingOptions) {
    this.#o = options;
  }

  get isCancelled(): boolean {
    return this.#isCancelled;
  }

  get branchCount(): number {
    return this.#branches.length;
  }

  /** Starts one branch; false when it could not (the caller then tries the next target). */
  addBranch(request: SipRequest, transport: TransactionTransport, observer: BranchObserver = {}): boolean {
    // §16.10: after a CANCEL no new branches; §16.7 step 5 after a 6xx neither (finalSent covers 2xx).
    if (this.#isCancelled || this.#finalSent) return false;
    const branch: Branch = {
      request,
      transport,
      observer,
      transaction: undefined,
      timerC: undefined,
      isFinal: false,
      hasProvisional: false,
      isCancelWanted: false,
      isCancelSent: false,
    };
    const sent = this.#o.transactions.sendInvite(request, transport, {
      responseReceived: (response) => this.#response(branch, response),
      failed: (failure) => this.#final(branch, createResponse(request, failureStatus(failure))),
      accepted: () => this.#lateTwoHundreds(),
    });
    if (!sent.ok) return false;
    branch.transaction = sent.transaction;
    this.#branches.push(branch);
    this.#armTimerC(branch);
    return true;
  }

  /** §16.10: the caller's CANCEL: every pending branch is cancelled; the 487s come back as finals. */
  cancel(): void {
    this.#isCancelled = true;
    for (const branch of this.#branches) this.#cancelBranch(branch);
  }

  /** No branch could be started, or routing failed: answer with `status` (unless already answered). */
  fail(status: number, reason?: string, headers: readonly SipHeader[] = []): void {
    if (this.#finalSent) return;
    this.#finalSent = true;
    this.#o.server.respond(createResponse(this.#o.server.request, status, reason, headers));
    this.#complete(status);
  }

  /** `listener` is told once, with the final status sent upstream (2xx included). */
  completedBy(listener: (status: number) => void): void {
    this.#completedListeners.push(listener);
  }

  /** Called when every branch that will exist has been added (so an early finish is decided). */
  sealed(): void {
    this.#checkDone();
  }

  #armTimerC(branch: Branch): void {
    branch.timerC?.cancel();
    branch.timerC = this.#o.clock.setTimeout(() => {
      if (branch.isFinal) return;
      // §16.8: Timer C fired: CANCEL a branch that answered provisionally, else act as on a 408.
      if (branch.hasProvisional) this.#cancelBranch(branch);
      else this.#final(branch, createResponse(branch.request, 408));
    }, this.#o.timerCMs);
  }

  #cancelBranch(branch: Branch): void {
    if (branch.isFinal || branch.isCancelSent) return;
    branch.isCancelWanted = true;
    // §9.1: a CANCEL MUST NOT be sent before a provisional response; it goes after the first one.
    if (!branch.transaction || !branch.hasProvisional) return;
    const sent = this.#o.transactions.sendCancel(branch.transaction);
    if (sent.ok) branch.isCancelSent = true;
  }

  #response(branch: Branch, response: SipResponse): void {
    const status = response.status;
    branch.observer.responseReceived?.(response);
    if (status < 200) {
      branch.hasProvisional = true;
      // §16.7 step 2: a provisional response resets Timer C.
      this.#armTimerC(branch);
      if (branch.isCancelWanted) this.#cancelBranch(branch);
    }
    const action = classifyResponse(status, true, this.#finalSent);
    if (status >= 200) {
      const wasFinal = branch.isFinal;
      branch.isFinal = true;
      branch.timerC?.cancel();
      if (!wasFinal && status >= 300) branch.observer.ended?.(status);
    }
    switch (action.kind) {
      case 'absorb':
        return;
      case 'forward':
        if (status >= 200) {
          this.#finalSent = true;
          this.#complete(status);
        }
        this.#forward(upstreamResponse(response, this.#o.server.request));
        if (action.cancelOthers) this.#cancelOthers(branch);
        return;
      case 'store':
        this.#finals.push(response);
        if (action.cancelOthers) this.#cancelOthers(branch);
        this.#checkDone();
        return;
      default: {
        const never: never = action;
        throw new Error(`unknown action ${String(never)}`);
      }
    }
  }

  /**
   * What forwards the 2xx retransmissions a branch in Accepted receives (RFC 6026 §8.4, §16.7 step 5):
   * straight upstream, as `#forward` does once the server transaction is past Accepted. It holds
   * the upstream flow and copies of the received Via values only — not this response context,
   * which can go once its branches are done.
   */
  #lateTwoHundreds(): (retransmission: SipResponse) => void {
    const transport = this.#o.server.transport;
    const vias = this.#o.server.request.headers.getAll('Via').map(ownString);
    return (retransmission) => transport.send(withVias(retransmission, vias));
  }

  #forward(response: SipResponse): void {
    const sent = this.#o.server.respond(response);
    // §16.7 step 5: every 2xx to an INVITE is forwarded, even one arriving after another final answer
    // went upstream (the server transaction is then past Accepted): straight to the transport.
    if (!sent.ok && response.status >= 200 && response.status < 300) this.#o.server.transport.send(response);
  }

  #complete(status: number): void {
    if (this.#completedOnce) return;
    this.#completedOnce = true;
    for (const listener of this.#completedListeners) listener(status);
  }

  #final(branch: Branch, response: SipResponse): void {
    if (branch.isFinal) return;
    branch.isFinal = true;
    branch.timerC?.cancel();
    branch.observer.ended?.(response.status);
    if (this.#finalSent) return;
    this.#finals.push(response);
    this.#checkDone();
  }

  #cancelOthers(except: Branch): void {
    // §16.7 step 10 (2xx) and step 5 (6xx): the other pending branches are cancelled.
    for (const branch of this.#branches) if (branch !== except) this.#cancelBranch(branch);
  }

  #checkDone(): void {
    if (this.#finalSent || this.#branches.some((b) => !b.isFinal)) return;
    if (this.#branches.length === 0) return;
    // §16.7 step 6: with every branch done, the best final response goes upstream.
    const index = bestResponseIndex(this.#finals.map((r) => r.status));
    const best = index === undefined ? undefined : this.#finals[index];
    this.#finalSent = true;
    if (!best) {
      this.#o.server.respond(createResponse(this.#o.server.request, 408));
      this.#complete(408);
      return;
    }
    const status = upstreamStatus(best.status);
    // §16.7 step 7: a 401/407 carries every challenge of every branch.
    const challenges = this.#finals.flatMap((r) =>
      ['WWW-Authenticate', 'Proxy-Authenticate'].flatMap((name) =>
        r === best ? [] : r.headers.getAll(name).map((value) => ({ name, value })),
      ),
    );
    const chosen =
      status !== best.status
        ? createResponse(this.#o.server.request, status)
        : status === 401 || status === 407
          ? upstreamResponse(
              { ...best, headers: challenges.reduce((h, c) => h.append(c.name, c.value), best.headers) },
              this.#o.server.request,
            )
          : upstreamResponse(best, this.#o.server.request);
    this.#o.server.respond(chosen);
    this.#complete(status);
  }
}
