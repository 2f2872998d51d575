/**
 * RFC 3261 §17 — the vocabulary between the transaction layer and its TU: the kinds of transaction, the
 * requests handed up (§17.2.3, §9.2), what became of a received message, and why a send was refused.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
import type { SipRequest } from '../wire/index.js';
import type { InviteClientTransaction } from './invite-client-transaction.js';
import type { InviteServerTransaction } from './invite-server-transaction.js';
import type { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import type { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import type { TransactionTransport } from './transaction-environment.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type Transaction = ClientTransaction | ServerTransaction;

/** What the TU is handed: every request that is not a retransmission, with its server transaction. */
export type IncomingRequest =
  | { readonly kind: 'invite'; readonly request: SipRequest; readonly transaction: InviteServerTransaction }
  | {
      readonly kind: 'cancel';
      readonly request: SipRequest;
      readonly transaction: NonInviteServerTransaction;
      /** §9.2: the INVITE's server transaction, or undefined (the TU answers the CANCEL 481). */
      readonly invite: InviteServerTransaction | undefined;
    }
  | {
      readonly kind: 'non-invite';
      readonly request: SipRequest;
      readonly transaction: NonInviteServerTransaction;
    }
  /** An ACK for a 2xx (§17.2.3, §13.3.1.4): no transaction; the dialog or proxy core takes it statelessly. */
  | { readonly kind: 'ack'; readonly request: SipRequest; readonly source: TransactionTransport };

/** What became of a received message (for the transport's logs and metrics). */
export type ReceiveOutcome =
  /**
   * A response, a retransmitted request or an ACK for a non-2xx went to its transaction (an ACK matching
   * an INVITE transaction in Accepted is handed on to the TU as well, RFC 6026 §8.7).
   */
  | { readonly kind: 'matched'; readonly transaction: Transaction }
  /** A new request: a server transaction was created and the TU told. */
  | { readonly kind: 'created'; readonly transaction: ServerTransaction }
  /**
   * A retransmission of a non-INVITE request whose transaction completed over UDP: its final response
   * went again (§17.2.2, from the layer's record of it). Or a retransmitted response to a non-INVITE
   * client transaction that completed over UDP, absorbed until Timer K (§17.1.2.2).
   */
  | { readonly kind: 'absorbed' }
  /** An ACK that matched no transaction, handed to the TU. */
  | { readonly kind: 'passed-up' }
  /** A response that matched no client transaction. */
  | { readonly kind: 'discarded' }
  /** Over the transaction limit: answered 503 statelessly. */
  | { readonly kind: 'rejected'; readonly status: 503 };

export type SendRefusal =
  /** sendInvite got a non-INVITE, or sendRequest an INVITE or ACK (an ACK is never a transaction). */
  | 'wrong-method'
  | 'no-via'
  /** The top Via carries a branch without the magic cookie: §8.1.1.7 requires it. */
  | 'branch-without-cookie'
  | 'duplicate-branch'
  | 'limit-reached'
  /** §9.1: a CANCEL MUST NOT be sent before a provisional response; send it after the next 1xx. */
  | 'awaiting-provisional'
  /** §9.1: a CANCEL SHOULD NOT be sent once a final response has arrived. */
  | 'final-response-received';

export type SendResult<T extends ClientTransaction> =
  | { readonly ok: true; readonly transaction: T }
  | { readonly ok: false; readonly reason: SendRefusal };
