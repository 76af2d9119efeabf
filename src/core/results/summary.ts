// The summary table: one row per variant and k, the numbers the report, the CSV and the CLI
// show. The statistics come from src/core/metrics.ts (aggregate); this file only shapes them into
// rows. Intervals: Wilson over queries for a single seed, percentile bootstrap of the per-seed
// means across seeds otherwise (the rule; seeds are the unit that varies demos and g).
import type { ResultsFile } from "./schema";
import type { Interval } from "../stats";
import { aggregate } from "../metrics";
import { getVariant, parseVariantKey } from "../variants";

export interface Estimate {
  value: number;
  low: number;
  high: number;
  method: Interval["method"];
}

export interface SummaryRow {
  variant: string;
  family: string;
  k: number;
  /** Number of seeds with records. */
  seeds: number;
  /** Number of query records. */
  n: number;
  accuracy: Estimate;
  macroF1: Estimate;
  /** Exact one-sided binomial p-value of accuracy > chance, pooled over seeds. */
  pAboveChance: number;
  /** Accuracy against the second gold (flipped labels: the original label), when the variant keeps one. */
  accuracyAlt?: number;
  perSeedAccuracy: { seed: number; accuracy: number; n: number }[];
  meanGoldRank: number;
  meanGoldLogProb: number;
  /** Accuracy after contextual calibration; undefined when the run had no calibration. */
  calibratedAccuracy?: number;
  /** 1 / number of candidate labels. */
  chance: number;
  majority?: number;
  logreg?: number;
  /** Share of predictions per label (label bias). */
  labelShare: Record<string, number>;
  /** Candidate labels in order. */
  labels: string[];
}

export function variantFamily(key: string): string {
  try {
    return getVariant(parseVariantKey(key).id)?.family ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Rows in the run's variant order, then ascending k. */
export function summarize(results: Pick<ResultsFile, "records" | "baselines" | "manifest">): SummaryRow[] {
  const order = results.manifest.settings.variants;
  const rank = (v: string): number => {
    const i = order.indexOf(v);
    return i < 0 ? order.length : i;
  };
  const groups = aggregate(results.records, { baselines: results.baselines ?? [] });
  groups.sort((a, b) => rank(a.variant) - rank(b.variant) || a.variant.localeCompare(b.variant) || a.k - b.k);
  return groups.map((g) => {
    const multi = g.seeds.length > 1;
    const acc = g.accuracy;
    const f1 = g.macroF1;
    return {
      variant: g.variant,
      family: variantFamily(g.variant),
      k: g.k,
      seeds: g.seeds.length,
      n: g.n,
      accuracy: { value: multi ? acc.seedMean : acc.value, low: acc.interval.lo, high: acc.interval.hi, method: acc.interval.method },
      macroF1: { value: f1.value, low: f1.interval?.lo ?? NaN, high: f1.interval?.hi ?? NaN, method: f1.interval?.method ?? "none" },
      pAboveChance: acc.pAboveChance,
      ...(g.alt ? { accuracyAlt: g.alt.value } : {}),
      perSeedAccuracy: g.perSeed.map((s) => ({ seed: s.seed, accuracy: s.accuracy, n: s.n })),
      meanGoldRank: g.meanGoldRank,
      meanGoldLogProb: g.meanGoldLogProb,
      ...(g.calibrated ? { calibratedAccuracy: g.calibrated.value } : {}),
      chance: g.chance,
      ...(g.baselines && g.baselines.n > 0 ? { majority: g.baselines.majority, logreg: g.baselines.logreg } : {}),
      labelShare: g.predictionShare,
      labels: g.labels,
    };
  });
}
