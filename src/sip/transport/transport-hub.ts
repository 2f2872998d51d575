/**
 * RFC 3261 §18 — the transport layer's one owner of flows (DESIGN.md "Who owns which state"): the UDP,
 * stream and WebSocket transports feed it what they frame and register their connections with it; the
 * layers above see it as a `SipTransportLayer`.
 * https://www.rfc-editor.org/rfc/rfc3261#section-18
 */
import type { MessageParseResult, SipMessage } from '../wire/index.js';
import { type InboundAction, inboundAction } from './inbound-action.js';
import type {
  ConnectResult,
  Flow,
  FlowLookup,
  FlowTarget,
  SipTransportEvent,
  SipTransportEvents,
  SipTransportLayer,
  TransportName,
} from './sip-transport.js';
import type { TransportMetrics } from './transport-metrics.js';

/** What a transport (UDP socket, TCP or TLS listener) offers the hub besides the flows it registers. */
export interface TransportDriver {
  readonly transport: TransportName;
  /** Flows that are not registered because they are computed from their id (UDP). */
  flowById?(id: string): Flow | undefined;
  connect(target: FlowTarget): Promise<ConnectResult>;
}

export interface TransportHubOptions {
  readonly metrics: TransportMetrics;
  /** Told when a listener throws; the other listeners still run (STYLE habit 9). */
  readonly onListenerError?: (error: unknown, event: SipTransportEvent) => void;
}

type Listeners = { [E in SipTransportEvent]: Set<SipTransportEvents[E]> };

const remoteKey = (transport: TransportName, remote: Flow['remote']): string =>
  `${transport}|${remote.address}|${remote.port}`;

export class TransportHub implements SipTransportLayer {
  readonly #options: TransportHubOptions;
  readonly #flows = new Map<string, Flow>();
  readonly #byRemote = new Map<string, Flow>();
  readonly #drivers = new Map<TransportName, TransportDriver>();
  readonly #listeners: Listeners = {
    messageReceived: new Set(),
    flowClosed: new Set(),
    sendFailed: new Set(),
  };

  readonly flows: FlowLookup;

  constructor(options: TransportHubOptions) {
    this.#options = options;
    const flows = this.#flows;
    this.flows = {
      get: (id) => flows.get(id) ?? this.#driverFlow(id),
      get size() {
        return flows.size;
      },
    };
  }

  get metrics(): TransportMetrics {
    return this.#options.metrics;
  }

  on<E extends SipTransportEvent>(event: E, listener: SipTransportEvents[E]): () => void {
    const set = this.#listeners[event] as Set<SipTransportEvents[E]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  async connect(target: FlowTarget): Promise<ConnectResult> {
    if (target.transport === 'ws' || target.transport === 'wss')
      return {
        ok: false,
        reason: 'unsupported-transport',
        detail: 'WebSocket peers connect to us (RFC 7118)',
      };
    const reusable = this.#byRemote.get(remoteKey(target.transport, target));
    if (reusable?.isOpen) return { ok: true, flow: reusable };
    const driver = this.#drivers.get(target.transport);
    if (!driver) return { ok: false, reason: 'no-listener', detail: `no ${target.transport} transport runs` };
    return driver.connect(target);
  }

  addDriver(driver: TransportDriver): void {
    this.#drivers.set(driver.transport, driver);
  }

  removeDriver(driver: TransportDriver): void {
    if (this.#drivers.get(driver.transport) === driver) this.#drivers.delete(driver.transport);
  }

  /** A connection opened: its flow can be looked up until `closed`. */
  opened(flow: Flow): void {
    this.#flows.set(flow.id, flow);
    this.#byRemote.set(remoteKey(flow.transport, flow.remote), flow);
    this.metrics.connections.inc({ transport: flow.transport });
  }

  closed(flow: Flow): void {
    if (this.#flows.get(flow.id) !== flow) return;
    this.#flows.delete(flow.id);
    const key = remoteKey(flow.transport, flow.remote);
    if (this.#byRemote.get(key) === flow) this.#byRemote.delete(key);
    this.metrics.connections.dec({ transport: flow.transport });
    this.#emit('flowClosed', (listener) => listener(flow));
  }

  /**
   * Applies the inbound policy to one framed message: delivers it, answers it on `flow`, or drops it.
   * The transport acts on the returned action only to decide about the connection (streams close on an
   * unanswerable message).
   */
  accept(result: MessageParseResult, flow: Flow): InboundAction {
    const action = inboundAction(result, flow.remote);
    switch (action.kind) {
      case 'deliver':
        this.#deliver(action.message, flow);
        break;
      case 'refuse':
        this.metrics.refused.inc({ transport: flow.transport, status: String(action.status) });
        flow.send(action.response);
        break;
      case 'drop':
        this.metrics.drop(flow.transport, action.reason);
        break;
      default: {
        const never: never = action;
        return never;
      }
    }
    return action;
  }

  /** Reported after the current call stack: a failing send must not re-enter the caller (a transaction). */
  sendFailed(flow: Flow, detail: string): void {
    this.metrics.sendFailures.inc({ transport: flow.transport });
    queueMicrotask(() => this.#emit('sendFailed', (listener) => listener(flow, detail)));
  }

  #deliver(message: SipMessage, flow: Flow): void {
    this.metrics.received.add(flow.transport);
    this.#emit('messageReceived', (listener) => listener(message, flow));
  }

  #driverFlow(id: string): Flow | undefined {
    for (const driver of this.#drivers.values()) {
      const flow = driver.flowById?.(id);
      if (flow) return flow;
    }
    return undefined;
  }

  #emit<E extends SipTransportEvent>(event: E, call: (listener: SipTransportEvents[E]) => void): void {
    for (const listener of [...(this.#listeners[event] as Set<SipTransportEvents[E]>)]) {
      try {
        call(listener);
      } catch (error) {
        this.#options.onListenerError?.(error, event);
      }
    }
  }
}
