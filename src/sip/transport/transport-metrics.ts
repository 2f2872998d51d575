/** The SIP transport layer's Prometheus metrics: what arrived, what was refused or dropped, open connections. */
import type { Counter, Gauge } from 'prom-client';
import type { Metrics, Tally } from '../../kernel/metrics.js';
import type { TransportName } from './sip-transport.js';

/** Why a received message went nowhere. */
export type DropReason =
  | 'rate-limited'
  | 'malformed'
  | 'too-large'
  | 'version-not-supported'
  /** The connection could not be framed any more (RFC 3261 §18.3): it was closed. */
  | 'framing-error';

export class TransportMetrics {
  readonly received: Tally;
  readonly refused: Counter<'transport' | 'status'>;
  readonly dropped: Counter<'transport' | 'reason'>;
  readonly sendFailures: Counter<'transport'>;
  readonly connections: Gauge<'transport'>;

  constructor(metrics: Metrics) {
    this.received = metrics.tally(
      'herald_sip_messages_received_total',
      'SIP requests and responses parsed and handed up',
      'transport',
    );
    this.refused = metrics.counter(
      'herald_sip_messages_refused_total',
      'malformed or oversized SIP requests answered statelessly (400, 505, 513)',
      ['transport', 'status'],
    );
    this.dropped = metrics.counter(
      'herald_sip_messages_dropped_total',
      'received SIP messages dropped unanswered',
      ['transport', 'reason'],
    );
    this.sendFailures = metrics.counter('herald_sip_send_failures_total', 'SIP messages not delivered', [
      'transport',
    ]);
    this.connections = metrics.gauge('herald_sip_connections', 'open SIP connections', ['transport']);
  }

  drop(transport: TransportName, reason: DropReason): void {
    this.dropped.inc({ transport, reason });
  }
}
