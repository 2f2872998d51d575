/**
 * Pure bookkeeping of the presence fan-out bench: each change is sent once and must reach every
 * watcher exactly once; its fan-out time is the send → the last watcher's notification. A change
 * is complete when every watcher has it; watchers that see it twice count once.
 */
import { percentile } from '../xmpp/stats.js';

interface Pending {
  readonly sentAt: number;
  readonly seen: Set<number>;
  lastAt: number;
}

export interface FanoutSummary {
  readonly sent: number;
  /** Changes that reached every watcher. */
  readonly completed: number;
  /** Notifications that arrived (each watcher once per change). */
  readonly notifications: number;
  /** Fan-out times of the completed changes, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export class FanoutTracker {
  readonly #watchers: number;
  readonly #pending = new Map<number, Pending>();
  readonly #latencies: number[] = [];
  #sent = 0;
  #notifications = 0;

  readonly #supersedes: boolean;

  /**
   * `watchers`: how many must see each change. `supersedes`: a notification of a change also
   * stands for every earlier one (presence is state: a watcher told of change n+1 has the
   * presentity's current presence even if the notifier coalesced change n into it).
   */
  constructor(watchers: number, options: { supersedes?: boolean } = {}) {
    if (!Number.isInteger(watchers) || watchers < 1) throw new Error(`watchers must be ≥ 1, not ${watchers}`);
    this.#watchers = watchers;
    this.#supersedes = options.supersedes ?? false;
  }

  sent(seq: number, at: number): void {
    this.#pending.set(seq, { sentAt: at, seen: new Set(), lastAt: at });
    this.#sent++;
  }

  /** Watcher `watcher` was told of change `seq` at `at`; unknown or finished changes are ignored. */
  delivered(seq: number, watcher: number, at: number): void {
    if (this.#supersedes)
      for (const earlier of [...this.#pending.keys()]) if (earlier < seq) this.#one(earlier, watcher, at);
    this.#one(seq, watcher, at);
  }

  #one(seq: number, watcher: number, at: number): void {
    const change = this.#pending.get(seq);
    if (!change || change.seen.has(watcher)) return;
    change.seen.add(watcher);
    change.lastAt = Math.max(change.lastAt, at);
    this.#notifications++;
    if (change.seen.size === this.#watchers) {
      this.#latencies.push(change.lastAt - change.sentAt);
      this.#pending.delete(seq);
    }
  }

  /** Changes still waiting for some watcher. */
  get outstanding(): number {
    return this.#pending.size;
  }

  /** For a change still outstanding: how many watchers have it. */
  seenBy(seq: number): number {
    return this.#pending.get(seq)?.seen.size ?? -1;
  }

  summary(): FanoutSummary {
    return {
      sent: this.#sent,
      completed: this.#latencies.length,
      notifications: this.#notifications,
      p50: percentile(this.#latencies, 50),
      p99: percentile(this.#latencies, 99),
      max: this.#latencies.length === 0 ? Number.NaN : this.#latencies.reduce((a, b) => Math.max(a, b), 0),
    };
  }
}

/** Whether a step at some rate sustained it: every change reached every watcher, p99 within the objective. */
export function sustained(summary: FanoutSummary, p99ObjectiveMs: number): boolean {
  return summary.sent > 0 && summary.completed === summary.sent && summary.p99 <= p99ObjectiveMs;
}

/** The change number in a notification carrying marker `fx<seq>` (XMPP <status/> or PIDF <note/>); -1 if none. */
export function changeNumber(text: string): number {
  const match = /fx(\d+)\./.exec(text);
  return match ? Number(match[1]) : -1;
}

/** The status text of change `seq`. */
export const changeText = (seq: number): string => `fx${seq}.`;
