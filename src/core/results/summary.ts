// The summary table: one row per variant and k, the numbers the report, the CSV and the verdicts
// show. Intervals: Wilson over queries for a single seed, percentile bootstrap of the per-seed
// means across seeds otherwise (the rule; seeds are the unit that varies demos and g).
import type { QueryRecord } from "../types";
import type { BaselineRecord, ResultsFile } from "./schema";
import { bootstrapInterval, bootstrapMeanInterval, labelShares, macroF1, mean, wilsonInterval, type Interval } from "../stats";
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

const BOOT_SEED = 20240604; // fixed so that the same results file always prints the same interval

function estimate(perSeed: { correct: number; n: number; gold: string[]; pred: string[] }[], stat: "accuracy" | "f1"): Estimate {
  const vals = perSeed.map((s) => (stat === "accuracy" ? s.correct / s.n : macroF1(s.gold, s.pred)));
  const value = mean(vals);
  if (perSeed.length > 1) {
    const iv = bootstrapMeanInterval(vals, { seed: BOOT_SEED, method: "bootstrap-seeds" });
    return { value, low: iv.lo, high: iv.hi, method: iv.method };
  }
  const s = perSeed[0];
  if (stat === "accuracy") {
    const iv = wilsonInterval(s.correct, s.n);
    return { value, low: iv.lo, high: iv.hi, method: iv.method };
  }
  const iv = bootstrapInterval(
    s.n,
    (idx) => {
      const g: string[] = [];
      const p: string[] = [];
      for (const i of idx) {
        g.push(s.gold[i]);
        p.push(s.pred[i]);
      }
      return macroF1(g, p);
    },
    { seed: BOOT_SEED, method: "bootstrap-queries", resamples: 1000 },
  );
  return { value, low: iv.lo, high: iv.hi, method: iv.method };
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
  const cells = new Map<string, QueryRecord[]>();
  for (const r of results.records) {
    const key = `${r.variant}\u0001${r.k}`;
    let list = cells.get(key);
    if (!list) cells.set(key, (list = []));
    list.push(r);
  }
  const order = results.manifest.settings.variants;
  const keys = [...cells.keys()].sort((a, b) => {
    const [va, ka] = a.split("\u0001");
    const [vb, kb] = b.split("\u0001");
    const ia = order.indexOf(va);
    const ib = order.indexOf(vb);
    return ia !== ib ? (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib) || va.localeCompare(vb) : Number(ka) - Number(kb);
  });
  const baselines = new Map<string, BaselineRecord[]>();
  for (const b of results.baselines ?? []) {
    const key = `${b.variant}\u0001${b.k}`;
    baselines.set(key, [...(baselines.get(key) ?? []), b]);
  }
  return keys.map((key) => {
    const recs = cells.get(key)!;
    const { variant, k } = recs[0];
    const bySeed = new Map<number, QueryRecord[]>();
    for (const r of recs) bySeed.set(r.seed, [...(bySeed.get(r.seed) ?? []), r]);
    const perSeed = [...bySeed.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([seed, rs]) => ({
        seed,
        n: rs.length,
        correct: rs.filter((r) => r.predicted === r.gold).length,
        gold: rs.map((r) => r.gold),
        pred: rs.map((r) => r.predicted),
      }));
    const labels = recs[0].labels.map((l) => l.label);
    const alt = recs.filter((r) => r.goldAlt !== undefined);
    const cal = recs.filter((r) => r.calibrated);
    const bl = baselines.get(key) ?? [];
    const bn = bl.reduce((a, b) => a + b.n, 0);
    return {
      variant,
      family: variantFamily(variant),
      k,
      seeds: perSeed.length,
      n: recs.length,
      accuracy: estimate(perSeed, "accuracy"),
      macroF1: estimate(perSeed, "f1"),
      ...(alt.length ? { accuracyAlt: alt.filter((r) => r.predicted === r.goldAlt).length / alt.length } : {}),
      perSeedAccuracy: perSeed.map((s) => ({ seed: s.seed, accuracy: s.correct / s.n, n: s.n })),
      meanGoldRank: mean(recs.map((r) => r.goldRank)),
      meanGoldLogProb: mean(recs.map((r) => r.labels.find((l) => l.label === r.gold)?.logProb ?? NaN).filter(Number.isFinite)),
      ...(cal.length ? { calibratedAccuracy: cal.filter((r) => r.calibrated!.predicted === r.gold).length / cal.length } : {}),
      chance: 1 / labels.length,
      ...(bn > 0 ? { majority: bl.reduce((a, b) => a + b.majorityCorrect, 0) / bn, logreg: bl.reduce((a, b) => a + b.logregCorrect, 0) / bn } : {}),
      labelShare: labelShares(
        recs.map((r) => r.predicted),
        labels,
      ),
      labels,
    };
  });
}
