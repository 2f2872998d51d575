/**
 * A deterministic synthetic archive for the MAM benchmark: message `i` of `count` goes to or
 * comes from one of `peers` peers in turn, one every `stepMs` from `startAt`, with a body of
 * ordinary words; every `needleEvery`-th body also holds the rare word NEEDLE, which the
 * full-text query looks for. Ids sort like the archive's order (at, id).
 */
export const NEEDLE = 'zebrafinch';
const WORDS = ['meeting', 'tomorrow', 'lunch', 'report', 'call', 'later', 'thanks', 'ok', 'see', 'you'];

export interface ArchivePlan {
  readonly count: number;
  readonly peers: number;
  readonly startAt: number;
  readonly stepMs: number;
  readonly needleEvery: number;
  readonly domain: string;
}

export interface SyntheticMessage {
  readonly id: string;
  readonly peer: string;
  readonly direction: 'in' | 'out';
  readonly at: number;
  readonly body: string;
}

export const messageId = (i: number): string => `bm${String(i).padStart(10, '0')}`;
export const peerOf = (plan: ArchivePlan, p: number): string => `peer${p}@${plan.domain}`;

export function syntheticMessage(plan: ArchivePlan, i: number): SyntheticMessage {
  if (!Number.isSafeInteger(i) || i < 0 || i >= plan.count)
    throw new RangeError(`message ${i} is outside the plan`);
  const words = [0, 1, 2, 3].map((k) => WORDS[(i * 7 + k * 3) % WORDS.length] as string);
  if (i % plan.needleEvery === plan.needleEvery - 1) words.splice(2, 0, NEEDLE);
  return {
    id: messageId(i),
    peer: peerOf(plan, i % plan.peers),
    direction: i % 2 === 0 ? 'out' : 'in',
    at: plan.startAt + i * plan.stepMs,
    body: `${words.join(' ')} #${i}`,
  };
}

/** How many messages of the plan hold the needle. */
export const needleCount = (plan: ArchivePlan): number => Math.floor(plan.count / plan.needleEvery);
