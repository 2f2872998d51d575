/**
 * Finds the highest offered rate a server sustains within a latency objective: an exponential
 * ramp until a step fails, then bisection (geometric) between the last pass and the first fail.
 * The steps themselves are run by the caller; this is only the policy of which rate comes next.
 */

export interface RateSearchOptions {
  /** First rate tried (per second). */
  readonly start: number;
  /** Ramp factor while steps pass (> 1). */
  readonly factor: number;
  /** Bisection steps after the first failure. */
  readonly refinements: number;
  /** Rates are never tried above this. */
  readonly max: number;
  /** Rates are never tried below this; nothing passing down to it means 0. */
  readonly min: number;
}

export interface StepRecord<T> {
  readonly rate: number;
  readonly passed: boolean;
  readonly detail: T;
}

export interface RateSearchResult<T> {
  /** The highest rate that passed (0 if none did). */
  readonly best: number;
  readonly bestDetail: T | null;
  readonly steps: readonly StepRecord<T>[];
}

export async function searchMaxRate<T>(
  options: RateSearchOptions,
  runStep: (rate: number) => Promise<{ passed: boolean; detail: T }>,
): Promise<RateSearchResult<T>> {
  const steps: StepRecord<T>[] = [];
  // Held in an object: the closure below updates them, which flow analysis does not follow.
  const bracket: { pass: StepRecord<T> | null; fail: number | null } = { pass: null, fail: null };
  const step = async (rate: number) => {
    const outcome = await runStep(Math.round(rate));
    const record = { rate: Math.round(rate), passed: outcome.passed, detail: outcome.detail };
    steps.push(record);
    if (record.passed && (bracket.pass === null || record.rate > bracket.pass.rate)) bracket.pass = record;
    if (!record.passed && (bracket.fail === null || record.rate < bracket.fail)) bracket.fail = record.rate;
    return record.passed;
  };

  let rate = Math.min(options.start, options.max);
  if (await step(rate)) {
    while (rate < options.max && bracket.fail === null) {
      rate = Math.min(rate * options.factor, options.max);
      await step(rate);
    }
  } else {
    while (bracket.pass === null && rate > options.min) {
      rate = Math.max(rate / options.factor, options.min);
      await step(rate);
    }
  }
  for (let i = 0; i < options.refinements; i++) {
    const { pass, fail } = bracket;
    if (pass === null || fail === null) break;
    // Stop when the bracket is already within 3 %: another step would not change the figure.
    if (fail / pass.rate < 1.03) break;
    await step(Math.sqrt(pass.rate * fail));
  }
  const best = bracket.pass;
  return { best: best?.rate ?? 0, bestDetail: best?.detail ?? null, steps };
}

/**
 * Later runs of a scenario against the same target start near the first run's figure, with a
 * finer ramp: fewer steps for the same precision.
 */
export class RateHints {
  readonly #best = new Map<string, number>();

  plan(key: string, base: RateSearchOptions): RateSearchOptions {
    const hint = this.#best.get(key);
    if (hint === undefined || hint <= 0) return base;
    return { ...base, start: Math.max(base.min, hint * 0.8), factor: 1.25, refinements: 2 };
  }

  record(key: string, best: number): void {
    if (best > 0 && !this.#best.has(key)) this.#best.set(key, best);
  }
}
