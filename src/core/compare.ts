// Paired comparisons between runs of one probe, with the same inference as the accuracies
// (src/core/stats/inference.ts): every variant and k of a seed shares the seed's query pool and
// demo sets, so two runs are compared seed by seed (the difference of their per-seed accuracies is
// one unit) with the exact sign-flip test, and the interval inverts that test. Baselines are stored
// per seed (summed over a seed's demo sets), so logistic regression is compared the same way. One
// seed gives no comparison: there is a single unit.
import type { VariantKMetrics } from "./metrics";
import { seedInference, type Tested } from "./stats/inference";

/** A per-seed series: the unit values a comparison pairs. */
export type SeedSeries = ReadonlyMap<number, number>;

export interface Comparison extends Tested {
  /** Seeds both sides have, ascending. */
  seeds: number[];
}

export const accuracyBySeed = (m: Pick<VariantKMetrics, "perSeed">): SeedSeries => new Map(m.perSeed.map((s) => [s.seed, s.accuracy]));

/** Logistic-regression accuracy per seed on exactly the demos the run saw (absent without baselines). */
export function logregBySeed(m: Pick<VariantKMetrics, "baselines">): SeedSeries | undefined {
  const b = m.baselines;
  if (!b || b.n === 0) return undefined;
  return new Map(b.perSeed.filter((s) => s.n > 0).map((s) => [s.seed, s.logreg]));
}

/** Seed-level inference of a series against a value (e.g. logistic regression vs chance); undefined below 2 seeds. */
export function seriesVs(series: SeedSeries, nullValue: number, level = 0.95): (Tested & { seeds: number[] }) | undefined {
  const seeds = [...series.keys()].sort((a, b) => a - b);
  if (seeds.length < 2) return undefined;
  return {
    ...seedInference(
      seeds.map((s) => series.get(s)!),
      nullValue,
      level,
    ),
    seeds,
  };
}

/** a - b over the seeds both have, tested against 0 (pGreater: a > b); undefined below 2 common seeds. */
export function compareSeries(a: SeedSeries, b: SeedSeries, level = 0.95): Comparison | undefined {
  const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);
  if (seeds.length < 2) return undefined;
  return {
    ...seedInference(
      seeds.map((s) => a.get(s)! - b.get(s)!),
      0,
      level,
    ),
    seeds,
  };
}
