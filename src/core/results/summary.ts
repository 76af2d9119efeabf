// The summary table: one row per variant and k, the numbers the report, the CSV and the CLI
// show. The statistics come from src/core/metrics.ts (aggregate); this file only shapes them into
// rows. Accuracy, its interval and its p-value against chance come from one inference
// (docs/STATISTICS.md): over seeds when several ran, over distinct prompts for one seed.
import type { Interval } from "../stats";
import type { VariantKMetrics } from "../metrics";
import { getVariant, parseVariantKey } from "../variants";
import type { WarningCode } from "../warnings";

export interface Estimate {
  value: number;
  /** Interval bounds; NaN when the units cannot support an interval (fewer than 6 seeds at 95%). */
  low: number;
  high: number;
  method: Interval["method"] | "none";
}

export interface SummaryRow {
  variant: string;
  family: string;
  k: number;
  /** Number of seeds with records. */
  seeds: number;
  /** Number of query records. */
  n: number;
  /** Distinct prompts, summed over seeds. */
  prompts: number;
  accuracy: Estimate;
  macroF1: Estimate;
  /** Units behind the accuracy's inference: "seeds" (several) or "prompts" (distinct prompts of one seed). */
  units: "seeds" | "prompts";
  /** One-sided p-value of accuracy > chance, from the same inference as the interval. */
  pAboveChance: number;
  /** Smallest p-value the design can give (2^-seeds, or chance^prompts). */
  minP: number;
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
  /** Queries of this variant and k carrying each warning code (src/core/warnings.ts); absent or empty when none. */
  warnings?: Partial<Record<WarningCode, number>>;
}

export function variantFamily(key: string): string {
  try {
    return getVariant(parseVariantKey(key).id)?.family ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Rows of already aggregated metrics, in `order` (the run's variants; others after, by name), then ascending k. */
export function summaryRows(metrics: readonly VariantKMetrics[], order: readonly string[]): SummaryRow[] {
  const rank = (v: string): number => {
    const i = order.indexOf(v);
    return i < 0 ? order.length : i;
  };
  const groups = [...metrics].sort((a, b) => rank(a.variant) - rank(b.variant) || a.variant.localeCompare(b.variant) || a.k - b.k);
  return groups.map((g) => {
    const acc = g.accuracy;
    const f1 = g.macroF1;
    return {
      variant: g.variant,
      family: variantFamily(g.variant),
      k: g.k,
      seeds: g.seeds.length,
      n: g.n,
      prompts: g.prompts,
      accuracy: { value: acc.value, low: acc.interval?.lo ?? NaN, high: acc.interval?.hi ?? NaN, method: acc.method },
      macroF1: { value: f1.value, low: f1.interval?.lo ?? NaN, high: f1.interval?.hi ?? NaN, method: f1.interval?.method ?? "none" },
      units: acc.method === "sign-flip-seeds" ? "seeds" : "prompts",
      pAboveChance: acc.pAboveChance,
      minP: acc.minP,
      ...(g.alt ? { accuracyAlt: g.alt.value } : {}),
      perSeedAccuracy: g.perSeed.map((s) => ({ seed: s.seed, accuracy: s.accuracy, n: s.n })),
      meanGoldRank: g.meanGoldRank,
      meanGoldLogProb: g.meanGoldLogProb,
      ...(g.calibrated ? { calibratedAccuracy: g.calibrated.value } : {}),
      chance: g.chance,
      ...(g.baselines && g.baselines.n > 0 ? { majority: g.baselines.majority, logreg: g.baselines.logreg } : {}),
      labelShare: g.predictionShare,
      labels: g.labels,
      warnings: g.warnings,
    };
  });
}

/**
 * The p-value cell of a summary row, as the CLI and the report print it: where the design cannot
 * reach p < 0.025 (one-sided, the two-sided 5% level of the intervals) it says so instead of
 * printing a p that could never be small: "n/a: 3 seeds".
 */
export function pAboveChanceText(row: Pick<SummaryRow, "pAboveChance" | "minP" | "units" | "seeds" | "prompts">): string {
  if (!Number.isFinite(row.pAboveChance)) return "–";
  if (row.minP >= 0.025) return row.units === "seeds" ? `n/a: ${row.seeds} seeds` : `n/a: ${row.prompts} prompts`;
  const p = row.pAboveChance;
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}
