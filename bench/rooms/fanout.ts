/**
 * The pure parts of the room fan-out benchmark: what a sender puts in a groupchat body (a
 * sequence number and the send time on the generator's monotonic clock, so that a receiver in
 * the same process gets the latency by subtraction), when each sender sends, and the tally of
 * deliveries (every occupant, the sender included, gets each message once: XEP-0045 §7.4).
 */
import { type Summary, summarize } from '../xmpp/stats.js';

const PREFIX = 'fanout ';

export const fanoutBody = (seq: number, sentAt: number): string => `${PREFIX}${seq} ${sentAt.toFixed(3)}`;

/** The sequence number and send time of a bench body, or undefined for any other text. */
export function parseFanoutBody(body: string): { seq: number; sentAt: number } | undefined {
  if (!body.startsWith(PREFIX)) return undefined;
  const [seqText, atText, ...rest] = body.slice(PREFIX.length).split(' ');
  const seq = Number(seqText);
  const sentAt = Number(atText);
  if (rest.length > 0 || !Number.isSafeInteger(seq) || seq < 0 || !Number.isFinite(sentAt)) return undefined;
  return { seq, sentAt };
}

/**
 * When message `seq` goes out, ms after the start, and which sender sends it: `rate` messages a
 * second in total, round-robin over `senders`, evenly spaced.
 */
export function schedule(seq: number, rate: number, senders: number): { atMs: number; sender: number } {
  if (!(rate > 0) || !Number.isSafeInteger(senders) || senders < 1)
    throw new RangeError('rate > 0, senders >= 1');
  return { atMs: (seq * 1000) / rate, sender: seq % senders };
}

/** Deliveries of `sent` messages to `occupants` occupants. */
export class DeliveryTally {
  readonly #received = new Map<number, number>();
  readonly #latencies: number[] = [];
  #duplicates = 0;
  #sent = 0;

  constructor(readonly occupants: number) {}

  sent(): void {
    this.#sent++;
  }

  /** One occupant got message `seq` `latencyMs` after it was sent. */
  received(seq: number, latencyMs: number): void {
    const n = (this.#received.get(seq) ?? 0) + 1;
    this.#received.set(seq, n);
    if (n > this.occupants) this.#duplicates++;
    else this.#latencies.push(latencyMs);
  }

  get expected(): number {
    return this.#sent * this.occupants;
  }

  get delivered(): number {
    return this.#latencies.length;
  }

  get duplicates(): number {
    return this.#duplicates;
  }

  get complete(): boolean {
    return this.delivered >= this.expected;
  }

  latency(): Summary {
    return summarize(this.#latencies);
  }
}
