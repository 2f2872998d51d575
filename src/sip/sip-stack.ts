/**
 * The SIP side's entry point for features (DESIGN.md: `ctx.sip.onRequest('MESSAGE', …)`): the
 * transaction layer over the transports, and one handler per method. A method nobody handles is
 * answered 501 (RFC 3261 §8.2.1); a handler that throws answers 500 and the server goes on.
 */
import type { Clock } from '../kernel/clock.js';
import { HeraldError } from '../kernel/errors.js';
import type { IdSource } from '../kernel/ids.js';
import type { Logger } from '../kernel/log.js';
import { serviceKey } from '../kernel/services.js';
import type {
  IncomingRequest,
  InviteServerTransaction,
  ServerTransaction,
  TransactionTransport,
} from './transaction/index.js';
import { TransactionLayer } from './transaction/index.js';
import type { Flow, SipTransportLayer } from './transport/index.js';
import {
  createResponse,
  type SipHeader,
  type SipRequest,
  stableToTag,
  toHeader,
  withBody,
} from './wire/index.js';

export interface SipRequestContext {
  readonly request: SipRequest;
  readonly transaction: ServerTransaction;
  /**
   * Answers the request through its server transaction. Without `toTag`, every response but a 100
   * gets the request's stableToTag when its To has none (RFC 3261 §8.2.6.2). `stateless`: a final
   * response to a non-INVITE is not kept for retransmissions (§8.2.7; see
   * NonInviteServerTransaction.respond) — for answers the TU would give again, such as challenges.
   */
  respond(
    status: number,
    reason?: string,
    headers?: readonly SipHeader[],
    options?: { toTag?: string; body?: Buffer; stateless?: boolean },
  ): void;
  /**
   * INVITE only: `listener` runs when a CANCEL matches this INVITE's transaction (RFC 3261 §9.2); the
   * stack has then answered the CANCEL 200. Without a listener the stack answers the INVITE 487.
   */
  onCancelled(listener: () => void): void;
}

export type SipRequestHandler = (context: SipRequestContext) => void | Promise<void>;

/** An ACK for a 2xx (no transaction, RFC 3261 §17.2.3) with the flow it came on. */
export type SipAckHandler = (request: SipRequest, source: TransactionTransport) => void;

/**
 * Requests that are not for this server's own handlers but to be routed on (RFC 3261 §16.4: an
 * in-dialog request whose Route names this proxy). Asked before the per-method handlers.
 */
export interface SipRouter {
  claims(request: SipRequest): boolean;
  route: SipRequestHandler;
}

export class SipStack {
  readonly transactions: TransactionLayer;
  readonly #handlers = new Map<string, { owner: string; handler: SipRequestHandler }>();
  readonly #log: Logger;
  readonly #offs: (() => void)[] = [];
  readonly #cancelListeners = new Map<InviteServerTransaction, () => void>();
  #ack: { owner: string; handler: SipAckHandler } | undefined;
  #router: { owner: string; router: SipRouter } | undefined;

  constructor(
    readonly transports: SipTransportLayer,
    options: { clock: Clock; ids: IdSource; log: Logger; maxTransactions?: number },
  ) {
    this.#log = options.log;
    this.transactions = new TransactionLayer({
      clock: options.clock,
      ids: options.ids,
      ...(options.maxTransactions ? { maxTransactions: options.maxTransactions } : {}),
      user: { requestReceived: (incoming) => void this.#dispatch(incoming) },
    });
    this.#offs.push(
      transports.on('messageReceived', (message, flow) => void this.transactions.receive(message, flow)),
      transports.on(
        'flowClosed',
        (flow: Flow) => void this.transactions.transportFailed(flow, 'connection closed'),
      ),
      transports.on(
        'sendFailed',
        (flow: Flow, detail: string) => void this.transactions.transportFailed(flow, detail),
      ),
    );
  }

  /** One owner per method; a second fails at start. */
  onRequest(method: string, handler: SipRequestHandler, owner: string): () => void {
    const existing = this.#handlers.get(method);
    if (existing)
      throw new HeraldError(
        'HERALD_ERR_MODULE',
        `SIP ${method} is handled by ${existing.owner}; ${owner} cannot too`,
        method,
      );
    this.#handlers.set(method, { owner, handler });
    return () => this.#handlers.delete(method);
  }

  /** The one taker of ACKs for 2xx responses (a proxy forwards them, a UA core absorbs them). */
  onAck(handler: SipAckHandler, owner: string): () => void {
    if (this.#ack)
      throw new HeraldError('HERALD_ERR_MODULE', `SIP ACK is handled by ${this.#ack.owner}`, 'ACK');
    this.#ack = { owner, handler };
    return () => {
      this.#ack = undefined;
    };
  }

  /** The one router of requests that pass through (see SipRouter). */
  useRouter(router: SipRouter, owner: string): () => void {
    if (this.#router)
      throw new HeraldError('HERALD_ERR_MODULE', `SIP routing is done by ${this.#router.owner}`, 'router');
    this.#router = { owner, router };
    return () => {
      this.#router = undefined;
    };
  }

  get methods(): string[] {
    return [...this.#handlers.keys()].sort();
  }

  close(): void {
    for (const off of this.#offs.splice(0)) off();
    this.transactions.close();
  }

  async #dispatch(incoming: IncomingRequest): Promise<void> {
    if (incoming.kind === 'ack') {
      try {
        this.#ack?.handler(incoming.request, incoming.source);
      } catch (error) {
        this.#log.error({ err: error }, 'SIP ACK handler failed');
      }
      return;
    }
    const { request, transaction } = incoming;
    const respond: SipRequestContext['respond'] = (status, reason, headers = [], options = {}) => {
      // §8.2.6.2: the UAS MUST add a To tag to any response but 100 when the request had none (the
      // hash is skipped for a request whose To has one: createResponse would keep that one).
      const needsTag = options.toTag === undefined && status !== 100 && toHeader(request).tag === undefined;
      const toTag = needsTag ? stableToTag(request) : options.toTag;
      const created = createResponse(request, status, reason, headers, toTag === undefined ? {} : { toTag });
      const response = options.body ? withBody(created, options.body) : created;
      if (options.stateless === true && transaction.kind === 'non-invite-server')
        transaction.respond(response, { stateless: true });
      else transaction.respond(response);
    };
    if (incoming.kind === 'cancel') return this.#cancel(incoming.invite, respond);
    const onCancelled = (listener: () => void) => {
      if (transaction.kind !== 'invite-server' || transaction.state === 'Terminated') return;
      this.#cancelListeners.set(transaction, listener);
      transaction.observe({ terminated: () => this.#cancelListeners.delete(transaction) });
    };
    const router = this.#router?.router;
    const entry = router?.claims(request) ? { handler: router.route } : this.#handlers.get(request.method);
    if (!entry) return respond(501, 'Not Implemented', [{ name: 'Allow', value: this.methods.join(', ') }]);
    try {
      await entry.handler({ request, transaction, respond, onCancelled });
    } catch (error) {
      this.#log.error({ err: error, method: request.method }, 'SIP request handler failed');
      respond(500, 'Server Internal Error');
    }
  }

  #cancel(invite: InviteServerTransaction | undefined, respond: SipRequestContext['respond']): void {
    // §9.2: no matching transaction → 481; otherwise the CANCEL itself is answered 200 at once.
    if (!invite || invite.state === 'Terminated') {
      respond(481, 'Call/Transaction Does Not Exist');
      return;
    }
    respond(200, 'OK');
    const listener = this.#cancelListeners.get(invite);
    if (listener) {
      this.#cancelListeners.delete(invite);
      listener();
      return;
    }
    // §9.2: a UAS that has not answered the INVITE SHOULD answer it 487 (Request Terminated).
    if (invite.state === 'Proceeding') invite.respond(createResponse(invite.request, 487));
  }
}

export const sipStackKey = serviceKey<SipStack>('sip.stack');
