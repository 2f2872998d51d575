/**
 * RFC 3261 §17.1.1 — INVITE Client Transaction (Calling → Proceeding → Completed → Terminated), with the
 * Accepted state and Timer M of RFC 6026 §8.4 in place of terminating on a 2xx.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1 · https://www.rfc-editor.org/rfc/rfc6026#section-8.4
 */
import { type SipRequest, type SipResponse, topVia } from '../wire/index.js';
import { buildAckForNon2xx } from './ack-for-non-2xx.js';
import { nextTimerA, type TimerValues, timerValues } from './timer-values.js';
import type {
  ClientTransactionUser,
  TransactionEnvironment,
  TransactionFailure,
  TransactionTransport,
} from './transaction-environment.js';
import { TransactionObservers } from './transaction-observers.js';
import { type TimerName, TransactionTimers } from './transaction-timers.js';

export type InviteClientState = 'Calling' | 'Proceeding' | 'Accepted' | 'Completed' | 'Terminated';

export class InviteClientTransaction {
  readonly kind = 'invite-client';
  readonly request: SipRequest;
  readonly transport: TransactionTransport;
  /** The branch of the request's top Via, which names the transaction (§17.1.3). */
  readonly branch: string;
  readonly #values: TimerValues;
  readonly #timers: TransactionTimers;
  readonly #observers = new TransactionObservers<ClientTransactionUser>();
  #state: InviteClientState = 'Calling';
  #isStarted = false;
  #ack: SipRequest | undefined;

  constructor(request: SipRequest, environment: TransactionEnvironment, user?: ClientTransactionUser) {
    this.request = request;
    this.transport = environment.transport;
    this.branch = topVia(request).branch ?? '';
    this.#values = timerValues(environment.transport.isReliable, environment.timers);
    this.#timers = new TransactionTimers(environment.clock);
    if (user) this.#observers.add(user);
  }

  get state(): InviteClientState {
    return this.#state;
  }

  get runningTimers(): TimerName[] {
    return this.#timers.running;
  }

  observe(user: ClientTransactionUser): void {
    this.#observers.add(user);
  }

  /** Enters Calling and sends the INVITE (§17.1.1.2); only the first call does anything. */
  start(): void {
    if (this.#isStarted) return;
    this.#isStarted = true;
    // §17.1.1.2: Timer A (T1) only over unreliable transports; Timer B (64*T1) for any transport.
    if (this.#values.A !== undefined) this.#startTimerA(this.#values.A);
    this.#timers.start('B', this.#values.B, () => this.#timeout());
    this.transport.send(this.request);
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.#state) {
      case 'Calling':
      case 'Proceeding':
        if (status < 200) this.#proceed(response);
        else if (status < 300) this.#accept(response);
        else this.#complete(response);
        return;
      case 'Accepted':
        // RFC 6026 §8.4: every 2xx received in Accepted (retransmissions, other forks) goes to the TU,
        // which ACKs each one itself (§13.2.2.4); anything else is discarded.
        if (status >= 200 && status < 300) this.#observers.notify((u) => u.responseReceived?.(response));
        return;
      case 'Completed':
        // §17.1.1.2: a retransmitted final response is ACKed again and not passed up to the TU.
        if (status >= 300 && this.#ack) this.transport.send(this.#ack);
        return;
      case 'Terminated':
        return;
      default: {
        const never: never = this.#state;
        throw new Error(`unknown state ${String(never)}`);
      }
    }
  }

  /** The transport failed to deliver one of this transaction's messages (§17.1.1.2, §8.1.3.1). */
  transportError(detail: string): void {
    // In Accepted the transaction sends nothing: the ACK for a 2xx belongs to the TU.
    if (this.#state === 'Accepted' || this.#state === 'Terminated') return;
    this.#terminate({ kind: 'transport-error', detail });
  }

  /** Ends the transaction at once (shutdown): timers cancelled, `terminated` reported, no failure. */
  terminate(): void {
    this.#terminate(undefined);
  }

  #startTimerA(intervalMs: number): void {
    this.#timers.start('A', intervalMs, () => {
      if (this.#state !== 'Calling') return;
      // §17.1.1.2: when Timer A fires, retransmit and reset it with twice the previous value.
      this.#startTimerA(nextTimerA(intervalMs));
      this.transport.send(this.request);
    });
  }

  #timeout(): void {
    // §17.1.1.2: Timer B firing in Calling means the transaction timed out; the TU is informed.
    if (this.#state === 'Calling') this.#terminate({ kind: 'timeout', timer: 'B' });
  }

  #proceed(response: SipResponse): void {
    // §17.1.1.2: in Proceeding the request SHOULD NOT be retransmitted any longer; Timer B only bounds
    // Calling (Figure 5), so the TU (or a proxy's Timer C, §16.6) bounds Proceeding.
    this.#state = 'Proceeding';
    this.#timers.cancel('A', 'B');
    this.#observers.notify((u) => u.responseReceived?.(response));
  }

  #accept(response: SipResponse): void {
    // RFC 6026 §8.4: a 2xx in Calling or Proceeding MUST move to Accepted and start Timer M (64*T1),
    // and the response MUST be passed up to the TU; the transaction does not ACK it.
    this.#state = 'Accepted';
    this.#timers.cancel('A', 'B');
    this.#timers.start('M', this.#values.M, () => this.#terminate(undefined));
    this.#observers.notify((u) => u.responseReceived?.(response));
  }

  #complete(response: SipResponse): void {
    // §17.1.1.2: 300-699 moves to Completed, is passed up to the TU and ACKed (§17.1.1.3); Timer D is
    // at least 32 s over unreliable transports and zero over reliable ones (RFC 6026 §8.4 makes it a MUST).
    this.#state = 'Completed';
    this.#timers.cancel('A', 'B');
    const ack = buildAckForNon2xx(this.request, response);
    this.#ack = ack;
    if (this.#values.D > 0) this.#timers.start('D', this.#values.D, () => this.#terminate(undefined));
    this.#observers.notify((u) => u.responseReceived?.(response));
    if (this.#state !== 'Completed') return;
    this.transport.send(ack);
    if (this.#values.D === 0) this.#terminate(undefined);
  }

  #terminate(failure: TransactionFailure | undefined): void {
    if (this.#state === 'Terminated') return;
    // §17.1.1.2: the client transaction MUST be destroyed the instant it enters Terminated.
    this.#state = 'Terminated';
    this.#timers.cancelAll();
    if (failure) this.#observers.notify((u) => u.failed?.(failure));
    this.#observers.notify((u) => u.terminated?.());
  }
}
