/**
 * RFC 3261 §17.2.2 — Non-INVITE Server Transaction (Trying → Proceeding → Completed → Terminated), with
 * Timer J absorbing request retransmissions and the provisional-response rule of RFC 4320 §4.1.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2 · https://www.rfc-editor.org/rfc/rfc4320#section-4.1
 */
import { type SipRequest, type SipResponse, topVia } from '../wire/index.js';
import { type TimerValues, timerValues } from './timer-values.js';
import type {
  RespondResult,
  ServerTransactionUser,
  TransactionEnvironment,
  TransactionFailure,
  TransactionTransport,
} from './transaction-environment.js';
import { TransactionObservers } from './transaction-observers.js';
import { type TimerName, TransactionTimers } from './transaction-timers.js';

export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export class NonInviteServerTransaction {
  readonly kind = 'non-invite-server';
  readonly request: SipRequest;
  /** Where responses go: the flow the request arrived on (§18.2.2). */
  readonly transport: TransactionTransport;
  readonly branch: string | undefined;
  readonly #values: TimerValues;
  readonly #timers: TransactionTimers;
  readonly #observers = new TransactionObservers<ServerTransactionUser>();
  #state: NonInviteServerState = 'Trying';
  #provisional: SipResponse | undefined;
  #final: SipResponse | undefined;

  constructor(request: SipRequest, environment: TransactionEnvironment, user?: ServerTransactionUser) {
    this.request = request;
    this.transport = environment.transport;
    this.branch = topVia(request).branch;
    this.#values = timerValues(environment.transport.isReliable, environment.timers);
    this.#timers = new TransactionTimers(environment.clock);
    if (user) this.#observers.add(user);
  }

  get state(): NonInviteServerState {
    return this.#state;
  }

  get runningTimers(): TimerName[] {
    return this.#timers.running;
  }

  /** The last response sent (provisional or final). */
  get lastResponse(): SipResponse | undefined {
    return this.#final ?? this.#provisional;
  }

  observe(user: ServerTransactionUser): void {
    this.#observers.add(user);
  }

  /**
   * Sends a response from the TU, or says why it cannot be sent. With `stateless`, a final
   * response ends the transaction once sent instead of keeping it for Timer J: §8.2.7's stateless
   * UAS, which answers each retransmission of the request anew (the TU's challenges: nothing is
   * kept per unauthenticated request, as Kamailio's `sl` replies keep nothing).
   */
  respond(response: SipResponse, options?: { readonly stateless?: boolean }): RespondResult {
    if (this.#state !== 'Trying' && this.#state !== 'Proceeding') {
      // §17.2.2: any other final response passed by the TU in Completed MUST be discarded.
      return { ok: false, reason: 'wrong-state', state: this.#state };
    }
    if (response.status < 200) {
      // RFC 4320 §4.1: a SIP element MUST NOT send a provisional response other than 100 to a non-INVITE.
      if (response.status !== 100)
        return { ok: false, reason: 'provisional-not-allowed', state: this.#state };
      // §17.2.2: a provisional response from the TU moves Trying to Proceeding and is sent.
      this.#state = 'Proceeding';
      this.#provisional = response;
      this.transport.send(response);
      return { ok: true };
    }
    // §17.2.2: a final response (200-699) moves to Completed and is sent; Timer J is 64*T1 over
    // unreliable transports and zero over reliable ones (and for a stateless answer, §8.2.7).
    this.#state = 'Completed';
    this.#final = response;
    const timerJ = options?.stateless === true ? 0 : this.#values.J;
    if (timerJ > 0) this.#timers.start('J', timerJ, () => this.#terminate(undefined));
    this.transport.send(response);
    if (timerJ === 0) this.#terminate(undefined);
    else this.#observers.notify((u) => u.completed?.(response));
    return { ok: true };
  }

  /** A retransmission of the request that matched this transaction (§17.2.3). */
  receiveRequest(_request: SipRequest): void {
    // §17.2.2: in Trying retransmissions are discarded; in Proceeding the most recent provisional
    // response MUST be, and in Completed the final response MUST be, passed to the transport again.
    if (this.#state === 'Proceeding' && this.#provisional) this.transport.send(this.#provisional);
    else if (this.#state === 'Completed' && this.#final) this.transport.send(this.#final);
  }

  /** The transport failed to deliver a response (§17.2.2: inform the TU, go to Terminated). */
  transportError(detail: string): void {
    // In Trying nothing has been sent yet, so the failure is not this transaction's.
    if (this.#state === 'Proceeding' || this.#state === 'Completed') {
      this.#terminate({ kind: 'transport-error', detail });
    }
  }

  /** Ends the transaction at once (shutdown): timers cancelled, `terminated` reported, no failure. */
  terminate(): void {
    this.#terminate(undefined);
  }

  #terminate(failure: TransactionFailure | undefined): void {
    if (this.#state === 'Terminated') return;
    // §17.2.2: once in Terminated, the transaction MUST be destroyed immediately.
    this.#state = 'Terminated';
    this.#timers.cancelAll();
    if (failure) this.#observers.notify((u) => u.failed?.(failure));
    this.#observers.notify((u) => u.terminated?.());
  }
}
