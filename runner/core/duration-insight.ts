/**
 * Whether a work item ran unusually long: its duration against the median of the same step's
 * earlier runs (same project, branch, configuration and phase; reused builds left out, since
 * they take no time). Too few earlier runs say nothing.
 */

/** Earlier runs needed before a duration is judged. */
export const minDurationSamples = 3;
/** Slow: longer than this many times the median ... */
export const slowRatio = 1.5;
/** ... and longer than the median by at least this much (short steps jitter). */
export const slowMarginMs = 30_000;

/** The median of durations (undefined when none). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The verdict on one duration given the earlier ones. */
export function durationVerdict(
  durationMs: number | null,
  earlierMs: readonly number[],
): { medianMs: number | null; samples: number; ratio: number | null; slow: boolean } {
  const mid = earlierMs.length >= minDurationSamples ? median(earlierMs) : undefined;
  if (mid === undefined || durationMs === null)
    return { medianMs: mid ?? null, samples: earlierMs.length, ratio: null, slow: false };
  const ratio = mid > 0 ? durationMs / mid : null;
  const slow = ratio !== null && ratio > slowRatio && durationMs - mid >= slowMarginMs;
  return { medianMs: mid, samples: earlierMs.length, ratio, slow };
}
