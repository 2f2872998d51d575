/**
 * The SIP transaction layer (RFC 3261 §17, updated by RFC 6026 and RFC 4320): the four transaction state
 * machines, their timers from an injected clock, and the layer that creates and matches them.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
export { buildAckForNon2xx } from './ack-for-non-2xx.js';
export { buildCancel } from './cancel-request.js';
export type {
  ClientTransaction,
  IncomingRequest,
  ReceiveOutcome,
  SendRefusal,
  SendResult,
  ServerTransaction,
  Transaction,
} from './incoming-request.js';
export { type InviteClientState, InviteClientTransaction } from './invite-client-transaction.js';
export { type InviteServerState, InviteServerTransaction } from './invite-server-transaction.js';
export { type NonInviteClientState, NonInviteClientTransaction } from './non-invite-client-transaction.js';
export { type NonInviteServerState, NonInviteServerTransaction } from './non-invite-server-transaction.js';
export { overloadResponse } from './overload-response.js';
export {
  DEFAULT_TIMER_CONFIG,
  nextTimerA,
  nextTimerE,
  nextTimerG,
  type TimerConfig,
  type TimerValues,
  TRYING_DELAY_MS,
  timerValues,
} from './timer-values.js';
export type {
  ClientTransactionUser,
  RespondRefusal,
  RespondResult,
  ServerTransactionUser,
  TransactionEnvironment,
  TransactionFailure,
  TransactionTransport,
} from './transaction-environment.js';
export {
  clientKeyOfResponse,
  clientTransactionKey,
  isRfc3261Branch,
  serverTransactionKey,
} from './transaction-keys.js';
export {
  DEFAULT_MAX_TRANSACTIONS,
  TransactionLayer,
  type TransactionLayerOptions,
  type TransactionLayerUser,
} from './transaction-layer.js';
export type { TimerName } from './transaction-timers.js';
