/**
 * RFC 3261 §17.2.1 — INVITE Server Transaction (Proceeding → Completed → Confirmed → Terminated), with
 * the Accepted state and Timer L of RFC 6026 §8.7 for 2xx responses, and the 100 (Trying) after 200 ms.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1 · https://www.rfc-editor.org/rfc/rfc6026#section-8.7
 */
import { createResponse, type SipRequest, type SipResponse, topVia } from '../wire/index.js';
import {
  nextTimerG,
  type TimerConfig,
  type TimerValues,
  TRYING_DELAY_MS,
  timerValues,
} from './timer-values.js';
import type {
  RespondResult,
  ServerTransactionUser,
  TransactionEnvironment,
  TransactionFailure,
  TransactionTransport,
} from './transaction-environment.js';
import { TransactionObservers } from './transaction-observers.js';
import { type TimerName, TransactionTimers } from './transaction-timers.js';

export type InviteServerState = 'Proceeding' | 'Accepted' | 'Completed' | 'Confirmed' | 'Terminated';

export class InviteServerTransaction {
  readonly kind = 'invite-server';
  readonly request: SipRequest;
  /** Where responses go: the flow the INVITE arrived on (§18.2.2). */
  readonly transport: TransactionTransport;
  readonly branch: string | undefined;
  readonly #config: TimerConfig | undefined;
  readonly #values: TimerValues;
  readonly #timers: TransactionTimers;
  readonly #observers = new TransactionObservers<ServerTransactionUser>();
  #state: InviteServerState = 'Proceeding';
  #isStarted = false;
  #provisional: SipResponse | undefined;
  #final: SipResponse | undefined;

  constructor(request: SipRequest, environment: TransactionEnvironment, user?: ServerTransactionUser) {
    this.request = request;
    this.transport = environment.transport;
    this.branch = topVia(request).branch;
    this.#config = environment.timers;
    this.#values = timerValues(environment.transport.isReliable, environment.timers);
    this.#timers = new TransactionTimers(environment.clock);
    if (user) this.#observers.add(user);
  }

  get state(): InviteServerState {
    return this.#state;
  }

  get runningTimers(): TimerName[] {
    return this.#timers.running;
  }

  /** The last response sent (provisional or final); its To tag matches RFC 2543 ACKs (§17.2.3). */
  get lastResponse(): SipResponse | undefined {
    return this.#final ?? this.#provisional;
  }

  observe(user: ServerTransactionUser): void {
    this.#observers.add(user);
  }

  /** Enters Proceeding (the TU has the INVITE) and arms the 100 (Trying) of §17.2.1. */
  start(): void {
    if (this.#isStarted) return;
    this.#isStarted = true;
    // §17.2.1: the server transaction MUST generate a 100 (Trying) unless it knows the TU will answer
    // within 200 ms; it cannot know, so it sends one if the TU has not answered by then.
    this.#timers.start('Trying', TRYING_DELAY_MS, () => {
      if (this.#state !== 'Proceeding') return;
      this.#provisional = createResponse(this.request, 100);
      this.transport.send(this.#provisional);
    });
  }

  /** Sends a response from the TU, or says why it cannot be sent in this state. */
  respond(response: SipResponse): RespondResult {
    const status = response.status;
    if (this.#state === 'Proceeding') {
      this.#timers.cancel('Trying');
      if (status < 200) this.#provisional = response;
      else if (status < 300) this.#accept(response);
      else this.#complete(response);
      // §17.2.1: any response from the TU in Proceeding MUST be passed to the transport layer.
      this.transport.send(response);
      if (status >= 200 && status < 300) this.#observers.notify((u) => u.accepted?.(response));
      return { ok: true };
    }
    if (this.#state === 'Accepted' && status >= 200 && status < 300) {
      // RFC 6026 §8.7: a 2xx the TU passes in Accepted (its own retransmissions, §13.3.1.4) MUST be sent.
      this.transport.send(response);
      return { ok: true };
    }
    return { ok: false, reason: 'wrong-state', state: this.#state };
  }

  /** A retransmitted INVITE or an ACK that matched this transaction (§17.2.3). */
  receiveRequest(request: SipRequest): void {
    if (request.method === 'ACK') this.#receiveAck(request);
    else this.#receiveRetransmission();
  }

  /** The transport failed to deliver a response (§17.2.1, RFC 6026 §8.8). */
  transportError(detail: string): void {
    const failure: TransactionFailure = { kind: 'transport-error', detail };
    switch (this.#state) {
      case 'Proceeding':
      case 'Completed':
        this.#terminate(failure);
        return;
      case 'Accepted':
        // RFC 6026 §8.8: the TU SHOULD be informed and the transaction MUST remain in Accepted.
        this.#observers.notify((u) => u.failed?.(failure));
        return;
      case 'Confirmed':
      case 'Terminated':
        return;
      default: {
        const never: never = this.#state;
        throw new Error(`unknown state ${String(never)}`);
      }
    }
  }

  /** Ends the transaction at once (shutdown): timers cancelled, `terminated` reported, no failure. */
  terminate(): void {
    this.#terminate(undefined);
  }

  #receiveAck(ack: SipRequest): void {
    if (this.#state === 'Completed') {
      // §17.2.1: an ACK in Completed MUST move to Confirmed; Timer G stops, Timer I (T4, or zero over
      // reliable transports) absorbs ACK retransmissions. The ACK is not passed to the TU.
      this.#state = 'Confirmed';
      this.#timers.cancel('G', 'H');
      if (this.#values.I === 0) this.#terminate(undefined);
      else {
        this.#timers.start('I', this.#values.I, () => this.#terminate(undefined));
        this.#observers.notify((u) => u.confirmed?.());
      }
    } else if (this.#state === 'Accepted') {
      // RFC 6026 §8.7: an ACK matching a transaction in Accepted is passed to the TU.
      this.#observers.notify((u) => u.ackReceived?.(ack));
    }
  }

  #receiveRetransmission(): void {
    // §17.2.1: in Proceeding the most recent provisional response MUST be retransmitted; in Completed
    // the final one SHOULD be. RFC 6026 §8.7: in Accepted they are absorbed, not passed to the TU.
    if (this.#state === 'Proceeding' && this.#provisional) this.transport.send(this.#provisional);
    else if (this.#state === 'Completed' && this.#final) this.transport.send(this.#final);
  }

  #accept(response: SipResponse): void {
    // RFC 6026 §8.7: a 2xx moves Proceeding to Accepted with Timer L (64*T1); the TU, not the transaction,
    // retransmits the 2xx.
    this.#final = response;
    this.#state = 'Accepted';
    this.#timers.start('L', this.#values.L, () => this.#terminate(undefined));
  }

  #complete(response: SipResponse): void {
    // §17.2.1: 300-699 moves to Completed; Timer G (T1, unreliable only) retransmits the response,
    // Timer H (64*T1, all transports) waits for the ACK.
    this.#final = response;
    this.#state = 'Completed';
    if (this.#values.G !== undefined) this.#startTimerG(response, this.#values.G);
    this.#timers.start('H', this.#values.H, () => {
      // §17.2.1: Timer H firing in Completed means the ACK never came: a transaction failure for the TU.
      if (this.#state === 'Completed') this.#terminate({ kind: 'timeout', timer: 'H' });
    });
  }

  #startTimerG(response: SipResponse, intervalMs: number): void {
    this.#timers.start('G', intervalMs, () => {
      if (this.#state !== 'Completed') return;
      // §17.2.1: when G fires the response is retransmitted and G reset to MIN(2*G, T2).
      this.#startTimerG(response, nextTimerG(intervalMs, this.#config));
      this.transport.send(response);
    });
  }

  #terminate(failure: TransactionFailure | undefined): void {
    if (this.#state === 'Terminated') return;
    // §17.2.1: once in Terminated, the transaction MUST be destroyed immediately.
    this.#state = 'Terminated';
    this.#timers.cancelAll();
    if (failure) this.#observers.notify((u) => u.failed?.(failure));
    this.#observers.notify((u) => u.terminated?.());
  }
}
