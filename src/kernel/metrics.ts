/** Prometheus metrics (prom-client), one registry per Herald instance so tests do not share counters. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'herald_' });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /**
   * A counter with one label for the hottest paths (a SIP datagram received): `add` counts in a
   * plain Map, and the counts are handed to prom-client when the metrics are read. prom-client's
   * own `inc` hashes the label object every time (~1 % of the SIP call bench's busy time).
   */
  tally(name: string, help: string, labelName: string): Tally {
    const pending = new Map<string, number>();
    new Counter({
      name,
      help,
      labelNames: [labelName],
      registers: [this.registry],
      collect() {
        for (const [label, count] of pending) this.inc({ [labelName]: label }, count);
        pending.clear();
      },
    });
    return new Tally(pending);
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets?: number[],
  ): Histogram<L> {
    return new Histogram({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(buckets ? { buckets } : {}),
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Counts by one label value; read through the registry (Metrics.tally). */
export class Tally {
  readonly #pending: Map<string, number>;

  constructor(pending: Map<string, number>) {
    this.#pending = pending;
  }

  add(label: string): void {
    this.#pending.set(label, (this.#pending.get(label) ?? 0) + 1);
  }
}
