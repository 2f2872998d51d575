/**
 * RFC 3261 §17 — the transaction layer: creates client transactions with fresh branches (§8.1.1.7),
 * matches responses to client transactions (§17.1.3) and requests to server transactions (§17.2.3),
 * hands new requests, CANCELs (§9.2) and ACKs for 2xx up to the TU, drops stray responses (RFC 6026's
 * update of §18.1.2), and keeps memory bounded: over its limit, new requests get 503.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17 · https://www.rfc-editor.org/rfc/rfc6026
 */
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import type { IdSource } from '../../kernel/ids.js';
import {
  BRANCH_MAGIC_COOKIE,
  formatVia,
  parseMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  serializeMessageText,
  topVia,
  viaWithParams,
  withHeaders,
} from '../wire/index.js';
import { buildCancel } from './cancel-request.js';
import type {
  ClientTransaction,
  IncomingRequest,
  ReceiveOutcome,
  SendResult,
  ServerTransaction,
  Transaction,
} from './incoming-request.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { overloadResponse } from './overload-response.js';
import { type TimerConfig, timerValues } from './timer-values.js';
import type {
  ClientTransactionUser,
  TransactionEnvironment,
  TransactionTransport,
} from './transaction-environment.js';
import {
  clientKeyOfResponse,
  clientTransactionKey,
  isRfc3261Branch,
  isRfc3261Request,
  legacyToTagMatches,
  serverTransactionKey,
} from './transaction-keys.js';

export interface TransactionLayerUser {
  requestReceived(incoming: IncomingRequest): void;
  /** A response that matched no client transaction; UAs and stateful proxies drop it (RFC 6026). */
  responseDiscarded?(response: SipResponse): void;
}

export interface TransactionLayerOptions {
  readonly clock: Clock;
  /** Source of the random part of new branches (§8.1.1.7: unique across space and time). */
  readonly ids: IdSource;
  readonly user: TransactionLayerUser;
  readonly timers?: TimerConfig;
  /** Live client plus server transactions; beyond it new requests get 503. Default 100 000. */
  readonly maxTransactions?: number;
  /**
   * Completed UDP non-INVITE server transactions remembered for Timer J (their final responses);
   * beyond it the oldest are forgotten early. Default 200 000.
   */
  readonly maxCompleted?: number;
}

/**
 * What is left of a non-INVITE server transaction that completed over UDP (§17.2.2): its final
 * response, resent to every retransmission of the request until Timer J. The request, the
 * transaction object and its timers are gone, and the response is kept as its bytes (one
 * latin1 string, ~400 bytes: the parsed response took ~900 and its header values, slices of the
 * request, kept the whole request alive) — parsed again only for a retransmission. At 3,000
 * REGISTERs/s Timer J keeps ~200,000 of them.
 */
interface CompletedServerTransaction extends ExpiringRecord {
  readonly bytes: string;
  readonly transport: TransactionTransport;
}

/** A record of a finished transaction, kept until its timer (J, K, L or M) would have ended it. */
interface ExpiringRecord {
  readonly expiresAt: number;
}

/** An INVITE client transaction in Accepted (RFC 6026 §8.4): where its further 2xx go. */
interface AcceptedClientTransaction extends ExpiringRecord {
  readonly forward: (retransmission: SipResponse) => void;
}

/** Forgets the expired records at the front of `records` (kept in the order they expire). */
function forgetExpired(records: Map<string, ExpiringRecord>, now: number): void {
  for (const [key, record] of records) {
    if (record.expiresAt > now) break;
    records.delete(key);
  }
}

// A finished UDP non-INVITE transaction stays 32 s (Timer J, §17.2.2): 100 000 sustain ~3,000
// transactions/s (10 000 capped the server at ~300/s: the SIP bench, docs/performance.md).
export const DEFAULT_MAX_TRANSACTIONS = 100_000;
export const DEFAULT_MAX_COMPLETED = 200_000;
/** How often completed transactions past their Timer J are forgotten. */
const COMPLETED_SWEEP_MS = 1000;

export class TransactionLayer {
  readonly #options: TransactionLayerOptions;
  readonly #max: number;
  readonly #clients = new Map<string, ClientTransaction>();
  readonly #servers = new Map<string, ServerTransaction>();
  /** In the order they completed, which is the order their Timer J ends (J is one constant). */
  readonly #completed = new Map<string, CompletedServerTransaction>();
  #sweep: TimerHandle | undefined;
  /** Timer J over UDP (64*T1), how long a completed transaction is remembered. */
  readonly #timerJ: number;
  /**
   * Completed UDP non-INVITE client transactions, by key, until their Timer K (T4, §17.1.2.2):
   * only when it ends, since absorbing a retransmitted final response needs nothing else. The
   * transaction itself — its request, timers and the TU's callbacks — is gone at once; kept the
   * 5 s of Timer K, each one outlived a dozen scavenges and went to the old generation
   * (docs/performance.md, "SIP").
   */
  readonly #completedClients = new Map<string, ExpiringRecord>();
  /** Timer K over UDP (T4). */
  readonly #timerK: number;
  /**
   * INVITE transactions in RFC 6026's Accepted state (a 2xx was sent or received), until Timers L
   * and M (64*T1, every transport): a server one only absorbs retransmitted INVITEs (its ACK goes
   * to the TU statelessly, as when nothing matches), a client one only hands further 2xx to what
   * its TU left for them. Kept whole, each call's pair held its requests, responses and the
   * proxy's response context for 32 s: ~9 KB a call, 400 MB at 1,400 calls/s
   * (docs/performance.md, "SIP").
   */
  readonly #acceptedServers = new Map<string, ExpiringRecord>();
  readonly #acceptedClients = new Map<string, AcceptedClientTransaction>();
  /**
   * INVITE server transactions in Confirmed over UDP (the ACK for their non-2xx came: a challenge,
   * a busy), until Timer I (T4, §17.2.1): they only absorb retransmitted ACKs (and INVITEs, which
   * Confirmed ignores), so the key is all that is kept. Whole, every challenged call's INVITE, with
   * its body and 407, outlived a dozen scavenges (docs/performance.md, "SIP").
   */
  readonly #confirmedServers = new Map<string, ExpiringRecord>();
  /** Timers L and M (the same value). */
  readonly #timerAccepted: number;
  /** Timer I over UDP (T4). */
  readonly #timerI: number;

  constructor(options: TransactionLayerOptions) {
    this.#options = options;
    this.#max = options.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS;
    const udp = timerValues(false, options.timers);
    this.#timerJ = udp.J;
    this.#timerK = udp.K;
    this.#timerAccepted = Math.max(udp.L, udp.M);
    this.#timerI = udp.I;
  }

  /** Live transactions, client and server. */
  get size(): number {
    return this.#clients.size + this.#servers.size;
  }

  /** Completed UDP non-INVITE server transactions still absorbing retransmissions (Timer J). */
  get completedSize(): number {
    return this.#completed.size;
  }

  /** Completed UDP non-INVITE client transactions still absorbing responses (Timer K). */
  get completedClientSize(): number {
    return this.#completedClients.size;
  }

  /** A new RFC 3261 branch: the magic cookie and a fresh id (§8.1.1.7). */
  newBranch(): string {
    return `${BRANCH_MAGIC_COOKIE}${this.#options.ids.next()}`;
  }

  /**
   * Starts an INVITE client transaction. The request's top Via gets a fresh branch unless it already has
   * an RFC 3261 one (a proxy's computed branch); `transaction.request` is what was sent.
   */
  sendInvite(
    invite: SipRequest,
    transport: TransactionTransport,
    user?: ClientTransactionUser,
  ): SendResult<InviteClientTransaction> {
    if (invite.method !== 'INVITE') return { ok: false, reason: 'wrong-method' };
    return this.#startClient(
      invite,
      (r) => new InviteClientTransaction(r, this.#environment(transport)),
      user,
    );
  }

  /** Starts a non-INVITE client transaction (any method but INVITE and ACK), as sendInvite does. */
  sendRequest(
    request: SipRequest,
    transport: TransactionTransport,
    user?: ClientTransactionUser,
  ): SendResult<NonInviteClientTransaction> {
    if (request.method === 'INVITE' || request.method === 'ACK') return { ok: false, reason: 'wrong-method' };
    return this.#startClient(
      request,
      (r) => new NonInviteClientTransaction(r, this.#environment(transport)),
      user,
    );
  }

  /** §9.1: cancels a pending INVITE with a CANCEL in its own transaction, to the INVITE's destination. */
  sendCancel(
    invite: InviteClientTransaction,
    user?: ClientTransactionUser,
  ): SendResult<NonInviteClientTransaction> {
    if (invite.state === 'Calling') return { ok: false, reason: 'awaiting-provisional' };
    if (invite.state !== 'Proceeding') return { ok: false, reason: 'final-response-received' };
    return this.sendRequest(buildCancel(invite.request), invite.transport, user);
  }

  /** Hands a parsed message from the transport to the layer; `source` is where responses to it go. */
  receive(message: SipMessage, source: TransactionTransport): ReceiveOutcome {
    return message.kind === 'response'
      ? this.#receiveResponse(message)
      : this.#receiveRequest(message, source);
  }

  /** A flow failed (a TCP connection closed, an ICMP error): every transaction using it is told. */
  transportFailed(transport: TransactionTransport, detail: string): number {
    const affected = [...this.#clients.values(), ...this.#servers.values()].filter(
      (t) => t.transport === transport,
    );
    for (const transaction of affected) transaction.transportError(detail);
    return affected.length;
  }

  /** Shutdown: every transaction is terminated (timers cancelled) and forgotten. */
  close(): void {
    for (const transaction of [...this.#clients.values(), ...this.#servers.values()]) transaction.terminate();
    this.#completed.clear();
    this.#completedClients.clear();
    this.#acceptedServers.clear();
    this.#acceptedClients.clear();
    this.#confirmedServers.clear();
    this.#sweep?.cancel();
    this.#sweep = undefined;
  }

  #environment(transport: TransactionTransport): TransactionEnvironment {
    const { clock, timers } = this.#options;
    return timers ? { transport, clock, timers } : { transport, clock };
  }

  #startClient<T extends ClientTransaction>(
    request: SipRequest,
    create: (request: SipRequest) => T,
    user: ClientTransactionUser | undefined,
  ): SendResult<T> {
    if (request.headers.values('Via').length === 0) return { ok: false, reason: 'no-via' };
    const existing = topVia(request).branch;
    if (existing !== undefined && !isRfc3261Branch(existing))
      return { ok: false, reason: 'branch-without-cookie' };
    if (this.size >= this.#max) return { ok: false, reason: 'limit-reached' };
    const branch = existing ?? this.newBranch();
    const key = clientTransactionKey(branch, request.method);
    if (this.#clients.has(key)) return { ok: false, reason: 'duplicate-branch' };
    const transaction = create(existing === undefined ? withBranch(request, branch) : request);
    this.#track(this.#clients, key, transaction);
    if (user) transaction.observe(user);
    // After the TU's: it hears the final response before the transaction is retired.
    const accepted = user?.accepted;
    if (transaction.kind === 'invite-client' && accepted)
      transaction.observe({
        responseReceived: (response) => {
          if (response.status < 200 || response.status >= 300 || transaction.state !== 'Accepted') return;
          const forward = accepted.call(user, response);
          if (forward) this.#retireAcceptedClient(key, transaction as InviteClientTransaction, forward);
        },
      });
    if (transaction.kind === 'non-invite-client' && !transaction.transport.isReliable)
      transaction.observe({
        responseReceived: (response) => {
          if (response.status >= 200) this.#retireClient(key, transaction);
        },
      });
    transaction.start();
    return { ok: true, transaction };
  }

  #receiveResponse(response: SipResponse): ReceiveOutcome {
    const key = clientKeyOfResponse(response);
    const transaction = key === undefined ? undefined : this.#clients.get(key);
    if (!transaction) {
      // §17.1.2.2: in Completed, retransmissions of the final response are absorbed (Timer K).
      if (key !== undefined && this.#completedClients.has(key)) return { kind: 'absorbed' };
      const accepted = key === undefined ? undefined : this.#acceptedClients.get(key);
      if (accepted) {
        // RFC 6026 §8.4: in Accepted every further 2xx goes to the TU; anything else is absorbed.
        if (response.status >= 200 && response.status < 300) accepted.forward(response);
        return { kind: 'absorbed' };
      }
      // RFC 6026 (updating §18.1.2): a response matching no client transaction is silently discarded by
      // anything but a stateless proxy, which the TU may be (hence the callback).
      this.#options.user.responseDiscarded?.(response);
      return { kind: 'discarded' };
    }
    transaction.receiveResponse(response);
    return { kind: 'matched', transaction };
  }

  #receiveRequest(request: SipRequest, source: TransactionTransport): ReceiveOutcome {
    const user = this.#options.user;
    // One key for every look-up below (§17.2.3 matching; an ACK's key names the INVITE's).
    const key = serverTransactionKey(request);
    const completed = request.method === 'ACK' ? undefined : this.#completed.get(key);
    if (completed) {
      // §17.2.2: in Completed, a retransmission gets the final response again.
      const final = parseMessage(Buffer.from(completed.bytes, 'latin1'), { transport: 'datagram' });
      if (final.ok) completed.transport.send(final.message);
      return { kind: 'absorbed' };
    }
    // RFC 6026 §8.7: a retransmitted INVITE whose transaction is in Accepted is absorbed.
    if (request.method === 'INVITE' && this.#acceptedServers.has(key)) return { kind: 'absorbed' };
    // §17.2.1: in Confirmed, ACKs (and the INVITE's retransmissions) are absorbed until Timer I.
    if ((request.method === 'ACK' || request.method === 'INVITE') && this.#confirmedServers.has(key))
      return { kind: 'absorbed' };
    const existing = this.#findServer(request, key);
    if (existing) {
      // §17.2.3: a retransmission (or the ACK for a non-2xx) goes to its transaction, not to the TU.
      existing.receiveRequest(request);
      return { kind: 'matched', transaction: existing };
    }
    if (request.method === 'ACK') {
      // §17.2.3: an ACK matching no server transaction is the ACK for a 2xx: the TU's, statelessly.
      user.requestReceived({ kind: 'ack', request, source });
      return { kind: 'passed-up' };
    }
    if (this.size >= this.#max) {
      source.send(overloadResponse(request));
      return { kind: 'rejected', status: 503 };
    }
    if (request.method === 'INVITE') {
      const transaction = new InviteServerTransaction(request, this.#environment(source));
      this.#track(this.#servers, key, transaction);
      transaction.observe({
        ackReceived: (ack) => user.requestReceived({ kind: 'ack', request: ack, source }),
      });
      // Only RFC 3261 requests: an RFC 2543 one is matched on its To tag too (#findServer).
      if (isRfc3261Request(request))
        transaction.observe({
          accepted: () => this.#retireAcceptedServer(key, transaction),
          confirmed: () => this.#retireConfirmedServer(key, transaction),
        });
      transaction.start();
      user.requestReceived({ kind: 'invite', request, transaction });
      return { kind: 'created', transaction };
    }
    const transaction = new NonInviteServerTransaction(request, this.#environment(source));
    this.#track(this.#servers, key, transaction);
    // Only RFC 3261 requests: an RFC 2543 one is matched on its To tag too (#findServer).
    if (!source.isReliable && isRfc3261Request(request))
      transaction.observe({ completed: (final) => this.#retire(key, transaction, final) });
    if (request.method === 'CANCEL') {
      // §9.2: the CANCEL is matched to the INVITE's transaction by §17.2.3 with the method not considered.
      const target = this.#findServer(request, serverTransactionKey(request, 'INVITE'));
      const invite = target?.kind === 'invite-server' ? target : undefined;
      user.requestReceived({ kind: 'cancel', request, transaction, invite });
    } else user.requestReceived({ kind: 'non-invite', request, transaction });
    return { kind: 'created', transaction };
  }

  /** The server transaction under `key` (the request's, or its INVITE's for a CANCEL). */
  #findServer(request: SipRequest, key: string): ServerTransaction | undefined {
    const transaction = this.#servers.get(key);
    if (!transaction || isRfc3261Request(request)) return transaction;
    // COMPAT(RFC 2543): the To tag is part of the match (§17.2.3).
    return legacyToTagMatches(request, transaction.request, transaction.lastResponse)
      ? transaction
      : undefined;
  }

  /** Keeps only the final response of a transaction in Completed, until its Timer J (§17.2.2). */
  #retire(key: string, transaction: NonInviteServerTransaction, final: SipResponse): void {
    transaction.terminate();
    this.#remember(this.#completed, key, {
      bytes: serializeMessageText(final),
      transport: transaction.transport,
      expiresAt: this.#options.clock.now() + this.#timerJ,
    });
  }

  /** Keeps only the key of a client transaction in Completed, until its Timer K (§17.1.2.2). */
  #retireClient(key: string, transaction: NonInviteClientTransaction): void {
    transaction.terminate();
    this.#remember(this.#completedClients, key, { expiresAt: this.#options.clock.now() + this.#timerK });
  }

  /** Keeps only the key of an INVITE server transaction in Accepted, until Timer L (RFC 6026 §8.7). */
  #retireAcceptedServer(key: string, transaction: InviteServerTransaction): void {
    transaction.terminate();
    this.#remember(this.#acceptedServers, key, {
      expiresAt: this.#options.clock.now() + this.#timerAccepted,
    });
  }

  /** Keeps only the key of an INVITE server transaction in Confirmed, until Timer I (§17.2.1). */
  #retireConfirmedServer(key: string, transaction: InviteServerTransaction): void {
    transaction.terminate();
    this.#remember(this.#confirmedServers, key, { expiresAt: this.#options.clock.now() + this.#timerI });
  }

  /** Keeps only where further 2xx go of an INVITE client transaction in Accepted, until Timer M. */
  #retireAcceptedClient(
    key: string,
    transaction: InviteClientTransaction,
    forward: (retransmission: SipResponse) => void,
  ): void {
    transaction.terminate();
    this.#remember(this.#acceptedClients, key, {
      expiresAt: this.#options.clock.now() + this.#timerAccepted,
      forward,
    });
  }

  /** `value` as the newest of `records`, the oldest forgotten beyond maxCompleted; the sweep runs. */
  #remember<T extends ExpiringRecord>(records: Map<string, T>, key: string, value: T): void {
    records.delete(key);
    records.set(key, value);
    const max = this.#options.maxCompleted ?? DEFAULT_MAX_COMPLETED;
    // Only when over: a Map iterator starts at the table's first slot and walks the holes the
    // sweep left there, so one per request would cost O(table) each.
    if (records.size > max)
      for (const oldest of records.keys()) {
        if (records.size <= max) break;
        records.delete(oldest);
      }
    this.#sweep ??= this.#options.clock.setInterval(() => this.#forgetCompleted(), COMPLETED_SWEEP_MS);
  }

  #forgetCompleted(): void {
    const now = this.#options.clock.now();
    const all = [
      this.#completed,
      this.#completedClients,
      this.#acceptedServers,
      this.#acceptedClients,
      this.#confirmedServers,
    ];
    for (const records of all) forgetExpired(records, now);
    if (all.every((records) => records.size === 0)) {
      this.#sweep?.cancel();
      this.#sweep = undefined;
    }
  }

  #track<T extends Transaction>(map: Map<string, T>, key: string, transaction: T): void {
    map.set(key, transaction);
    // §17.1.1.2, §17.2.1: a transaction is destroyed the instant it enters Terminated.
    transaction.observe({
      terminated: () => {
        if (map.get(key) === transaction) map.delete(key);
      },
    });
  }
}

/** The request with `branch` added to its top Via. */
function withBranch(request: SipRequest, branch: string): SipRequest {
  const via = topVia(request);
  const value = formatVia(viaWithParams(via, [...via.params, { name: 'branch', value: branch }]));
  return withHeaders(request, request.headers.removeFirstValue('Via').prepend('Via', value));
}
