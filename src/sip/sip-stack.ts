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
import type { IncomingRequest, ServerTransaction } from './transaction/index.js';
import { TransactionLayer } from './transaction/index.js';
import type { Flow, SipTransportLayer } from './transport/index.js';
import { createResponse, type SipHeader, type SipRequest, type SipResponse } from './wire/index.js';

export interface SipRequestContext {
  readonly request: SipRequest;
  readonly transaction: ServerTransaction;
  /** Answers the request through its server transaction. */
  respond(
    status: number,
    reason?: string,
    headers?: readonly SipHeader[],
    options?: { toTag?: string; body?: Buffer },
  ): void;
}

export type SipRequestHandler = (context: SipRequestContext) => void | Promise<void>;

export class SipStack {
  readonly transactions: TransactionLayer;
  readonly #handlers = new Map<string, { owner: string; handler: SipRequestHandler }>();
  readonly #log: Logger;
  readonly #offs: (() => void)[] = [];

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

  get methods(): string[] {
    return [...this.#handlers.keys()].sort();
  }

  close(): void {
    for (const off of this.#offs.splice(0)) off();
    this.transactions.close();
  }

  async #dispatch(incoming: IncomingRequest): Promise<void> {
    if (incoming.kind === 'ack') return; // ACK for a 2xx: a dialog's business, none here yet
    const { request, transaction } = incoming;
    const respond: SipRequestContext['respond'] = (status, reason, headers = [], options = {}) => {
      const response: SipResponse = createResponse(
        request,
        status,
        reason,
        headers,
        options.toTag ? { toTag: options.toTag } : {},
      );
      transaction.respond(options.body ? { ...response, body: options.body } : response);
    };
    if (incoming.kind === 'cancel') return respond(481, 'Call/Transaction Does Not Exist');
    const entry = this.#handlers.get(request.method);
    if (!entry) return respond(501, 'Not Implemented', [{ name: 'Allow', value: this.methods.join(', ') }]);
    try {
      await entry.handler({ request, transaction, respond });
    } catch (error) {
      this.#log.error({ err: error, method: request.method }, 'SIP request handler failed');
      respond(500, 'Server Internal Error');
    }
  }
}

export const sipStackKey = serviceKey<SipStack>('sip.stack');
