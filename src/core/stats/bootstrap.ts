// Seeded percentile bootstrap.
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { Interval } from "./intervals";

/** Default number of bootstrap resamples: 2000 keeps the Monte-Carlo error of a 95% percentile bound near 0.005 (in units of the statistic's sd). */
export const DEFAULT_RESAMPLES = 2000;

export interface BootstrapOptions {
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** PRNG seed (xoroshiro128plus from pure-rand); same seed, same interval. Default 0. */
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Recorded in the interval (default "bootstrap-seeds"). */
  method?: Interval["method"];
}

/** Percentile of sorted data with linear interpolation (type 7, as numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile bootstrap interval of a statistic over units (e.g. seeds): draw `resamples`
 * samples of the units with replacement (deterministic given `seed`), compute the statistic on
 * each, and take the (1-level)/2 and (1+level)/2 quantiles. `statistic` receives the resampled
 * unit indices. With a single unit the interval collapses to the point estimate.
 */
export function bootstrapInterval(units: number, statistic: (indices: Int32Array) => number, opts: BootstrapOptions = {}): Interval {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? 0.95;
  const method = opts.method ?? "bootstrap-seeds";
  if (!Number.isInteger(units) || units < 1) throw new RangeError(`bootstrapInterval: need at least one unit, got ${units}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`bootstrapInterval: resamples must be a positive integer, got ${resamples}`);
  const rng = xoroshiro128plus(opts.seed ?? 0);
  const stats = new Float64Array(resamples);
  const idx = new Int32Array(units);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < units; i++) idx[i] = uniformInt(rng, 0, units - 1);
    stats[b] = statistic(idx);
  }
  stats.sort();
  return { lo: quantileSorted(stats, (1 - level) / 2), hi: quantileSorted(stats, (1 + level) / 2), level, method };
}

/** Percentile bootstrap interval of the mean of `values` (e.g. per-seed accuracies). */
export function bootstrapMeanInterval(values: readonly number[], opts: BootstrapOptions = {}): Interval {
  if (values.length === 0) throw new RangeError("bootstrapMeanInterval: no values");
  return bootstrapInterval(
    values.length,
    (idx) => {
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += values[idx[i]];
      return s / idx.length;
    },
    opts,
  );
}

/**
 * Percentile bootstrap for statistics of a table of counts (e.g. a confusion matrix): each of the
 * n units falls into one cell (`cells[i]` in [0, cellCount)); a resample redraws n units with
 * replacement and passes the resampled cell counts to `statistic`. This is the fast path for
 * bootstrapping queries (O(n) per resample with no per-unit allocation): indices are drawn as
 * floor(u * n / 2^32) from xoroshiro128plus's 32-bit outputs u, whose bias (at most n / 2^32,
 * below 1e-5 for a million units) is far under the bootstrap's own Monte-Carlo error.
 */
export function bootstrapCountsInterval(
  cells: Int32Array,
  cellCount: number,
  statistic: (counts: Int32Array) => number,
  opts: BootstrapOptions = {},
): Interval {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const level = opts.level ?? 0.95;
  const method = opts.method ?? "bootstrap-queries";
  const n = cells.length;
  if (n < 1) throw new RangeError("bootstrapCountsInterval: no units");
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`bootstrapCountsInterval: resamples must be a positive integer, got ${resamples}`);
  const rng = xoroshiro128plus(opts.seed ?? 0);
  const stats = new Float64Array(resamples);
  const counts = new Int32Array(cellCount);
  const scale = n / 4294967296; // u * scale < n for u < 2^32
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let t = 0; t < n; t++) counts[cells[((rng.next() >>> 0) * scale) | 0]]++;
    stats[b] = statistic(counts);
  }
  stats.sort();
  return { lo: quantileSorted(stats, (1 - level) / 2), hi: quantileSorted(stats, (1 + level) / 2), level, method };
}
