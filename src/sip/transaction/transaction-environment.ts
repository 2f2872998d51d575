/**
 * RFC 3261 §17 — what a transaction is given (a transport, a clock, timer values) and what it reports to
 * its transaction user (TU): responses, failures as values, and its end.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
import type { Clock } from '../../kernel/clock.js';
import type { SipMessage, SipRequest, SipResponse } from '../wire/index.js';
import type { TimerConfig } from './timer-values.js';

/**
 * The transport layer as one transaction sees it (RFC 3261 §18): where its messages go. A failure to
 * deliver is reported back through the transaction's `transportError()` (sockets fail asynchronously).
 */
export interface TransactionTransport {
  send(message: SipMessage): void;
  /** TCP, TLS, SCTP, WebSocket: no retransmission timers (§17.1.1.2, §17.1.2.2, §17.2.1). */
  readonly isReliable: boolean;
}

export interface TransactionEnvironment {
  readonly transport: TransactionTransport;
  readonly clock: Clock;
  /** T1, T2, T4; DEFAULT_TIMER_CONFIG when absent. */
  readonly timers?: TimerConfig;
}

/** Why a transaction ended without a final response (client) or without its ACK (server). */
export type TransactionFailure =
  /** Timer B (ICT), F (NICT) or H (IST, no ACK for a non-2xx final response). */
  | { readonly kind: 'timeout'; readonly timer: 'B' | 'F' | 'H' }
  | { readonly kind: 'transport-error'; readonly detail: string };

/** What a client transaction tells its TU. Every callback is optional. */
export interface ClientTransactionUser {
  /** Provisional and final responses; for an INVITE in Accepted, every further 2xx (RFC 6026 §8.4). */
  responseReceived?(response: SipResponse): void;
  /** §8.1.3.1: the TU treats a timeout as a 408 and a transport error as a 503. */
  failed?(failure: TransactionFailure): void;
  /** Once, when the transaction is destroyed (§17.1.1.2: "the instant it enters Terminated"). */
  terminated?(): void;
  /**
   * RFC 6026 §8.4: an INVITE client transaction entered Accepted with `response`, after it went to
   * `responseReceived`. What this returns is given every further 2xx until Timer M, and is all the
   * transaction layer keeps of the transaction (and of this user) meanwhile; undefined keeps the
   * transaction whole, and its further 2xx go to `responseReceived`.
   */
  accepted?(response: SipResponse): ((retransmission: SipResponse) => void) | undefined;
}

/** What a server transaction tells its TU. Every callback is optional. */
export interface ServerTransactionUser {
  /** An ACK that matched an INVITE server transaction in Accepted: the TU's (RFC 6026 §8.7). */
  ackReceived?(ack: SipRequest): void;
  /**
   * Timer H or a transport error; the transaction then terminates, except in Accepted, where a transport
   * error leaves it there (RFC 6026 §8.8).
   */
  failed?(failure: TransactionFailure): void;
  /** A non-INVITE server transaction sent its final response and entered Completed (§17.2.2). */
  completed?(final: SipResponse): void;
  /** An INVITE server transaction sent a 2xx and entered Accepted (RFC 6026 §8.7). */
  accepted?(final: SipResponse): void;
  /**
   * An INVITE server transaction got the ACK for its non-2xx final response and entered Confirmed
   * over an unreliable transport, where Timer I only absorbs ACKs (§17.2.1).
   */
  confirmed?(): void;
  terminated?(): void;
}

/** Why a server transaction refused a response from its TU: values, never exceptions. */
export type RespondRefusal =
  /** No response can be sent in this state (e.g. a second final response, §17.2.2). */
  | 'wrong-state'
  /** RFC 4320 §4.1: no provisional response other than 100 to a non-INVITE request. */
  | 'provisional-not-allowed';

export type RespondResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: RespondRefusal; readonly state: string };
