/**
 * RFC 3261 §17.1.2 — Non-INVITE Client Transaction (Trying → Proceeding → Completed → Terminated), with
 * Timers E (retransmission), F (timeout) and K (absorbing response retransmissions).
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.2
 */
import { type SipRequest, type SipResponse, topVia } from '../wire/index.js';
import { nextTimerE, type TimerConfig, type TimerValues, timerValues } from './timer-values.js';
import type {
  ClientTransactionUser,
  TransactionEnvironment,
  TransactionFailure,
  TransactionTransport,
} from './transaction-environment.js';
import { TransactionObservers } from './transaction-observers.js';
import { type TimerName, TransactionTimers } from './transaction-timers.js';

export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export class NonInviteClientTransaction {
  readonly kind = 'non-invite-client';
  readonly request: SipRequest;
  readonly transport: TransactionTransport;
  /** The branch of the request's top Via, which names the transaction with the method (§17.1.3). */
  readonly branch: string;
  readonly #config: TimerConfig | undefined;
  readonly #values: TimerValues;
  readonly #timers: TransactionTimers;
  readonly #observers = new TransactionObservers<ClientTransactionUser>();
  #state: NonInviteClientState = 'Trying';
  #isStarted = false;

  constructor(request: SipRequest, environment: TransactionEnvironment, user?: ClientTransactionUser) {
    this.request = request;
    this.transport = environment.transport;
    this.branch = topVia(request).branch ?? '';
    this.#config = environment.timers;
    this.#values = timerValues(environment.transport.isReliable, environment.timers);
    this.#timers = new TransactionTimers(environment.clock);
    if (user) this.#observers.add(user);
  }

  get state(): NonInviteClientState {
    return this.#state;
  }

  get runningTimers(): TimerName[] {
    return this.#timers.running;
  }

  observe(user: ClientTransactionUser): void {
    this.#observers.add(user);
  }

  /** Enters Trying and sends the request (§17.1.2.2); only the first call does anything. */
  start(): void {
    if (this.#isStarted) return;
    this.#isStarted = true;
    // §17.1.2.2: Timer F (64*T1) always; Timer E (T1) only over unreliable transports.
    this.#timers.start('F', this.#values.F, () => this.#timeout());
    if (this.#values.E !== undefined) this.#startTimerE(this.#values.E);
    this.transport.send(this.request);
  }

  receiveResponse(response: SipResponse): void {
    switch (this.#state) {
      case 'Trying':
      case 'Proceeding':
        if (response.status < 200) {
          // §17.1.2.2: a provisional response moves Trying to Proceeding and is passed to the TU; Timer E
          // keeps running and is reset to T2 when it next fires.
          this.#state = 'Proceeding';
          this.#observers.notify((u) => u.responseReceived?.(response));
        } else this.#complete(response);
        return;
      case 'Completed':
      case 'Terminated':
        // §17.1.2.2: Completed buffers (absorbs) response retransmissions until Timer K fires.
        return;
      default: {
        const never: never = this.#state;
        throw new Error(`unknown state ${String(never)}`);
      }
    }
  }

  /** The transport failed to deliver the request (§17.1.2.2, §8.1.3.1). */
  transportError(detail: string): void {
    // In Completed nothing is sent any more, so a late failure is not this transaction's.
    if (this.#state === 'Trying' || this.#state === 'Proceeding') {
      this.#terminate({ kind: 'transport-error', detail });
    }
  }

  /** Ends the transaction at once (shutdown): timers cancelled, `terminated` reported, no failure. */
  terminate(): void {
    this.#terminate(undefined);
  }

  #startTimerE(intervalMs: number): void {
    this.#timers.start('E', intervalMs, () => {
      const state = this.#state;
      if (state !== 'Trying' && state !== 'Proceeding') return;
      // §17.1.2.2: in Trying E becomes MIN(2*E, T2); in Proceeding it is reset to T2.
      this.#startTimerE(nextTimerE(intervalMs, state, this.#config));
      this.transport.send(this.request);
    });
  }

  #timeout(): void {
    // §17.1.2.2: Timer F firing in Trying or Proceeding: the TU is informed of the timeout.
    if (this.#state === 'Trying' || this.#state === 'Proceeding') {
      this.#terminate({ kind: 'timeout', timer: 'F' });
    }
  }

  #complete(response: SipResponse): void {
    // §17.1.2.2: a final response (200-699) moves to Completed and is passed to the TU; Timer K is T4
    // over unreliable transports and zero (Terminated at once) over reliable ones.
    this.#state = 'Completed';
    this.#timers.cancel('E', 'F');
    if (this.#values.K > 0) this.#timers.start('K', this.#values.K, () => this.#terminate(undefined));
    this.#observers.notify((u) => u.responseReceived?.(response));
    if (this.#values.K === 0) this.#terminate(undefined);
  }

  #terminate(failure: TransactionFailure | undefined): void {
    if (this.#state === 'Terminated') return;
    // §17.1.2.2: once in Terminated, the transaction MUST be destroyed immediately.
    this.#state = 'Terminated';
    this.#timers.cancelAll();
    if (failure) this.#observers.notify((u) => u.failed?.(failure));
    this.#observers.notify((u) => u.terminated?.());
  }
}
