// Turning engine scores into result records (pure). Predicted label and gold rank follow the
// engine's rules (highest summed log-prob, first on ties; ties count in the gold's favour).
import type { LabelScore, QueryRecord } from "../types";
import type { CalibrationRecord } from "../results/schema";
import type { MaterializedItem, PlanGroup } from "./plan";

/** Index of the highest value, first on ties. */
export function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

export function goldRank(labels: readonly LabelScore[], gold: string): number {
  const g = labels.find((l) => l.label === gold);
  if (!g) return labels.length;
  return 1 + labels.filter((l) => l.logProb > g.logProb).length;
}

/**
 * Contextual calibration (Zhao et al. 2021, "Calibrate Before Use", eq. 2 with W = diag(p_cf)^-1,
 * b = 0): p_cf is the mean of the renormalised label probabilities of the content-free inputs;
 * each query's renormalised probabilities are divided by p_cf and renormalised again.
 * Returns undefined when there is nothing to calibrate with.
 */
export function calibrateProbs(probs: readonly number[], contentFree: readonly (readonly number[])[]): number[] | undefined {
  if (contentFree.length === 0) return undefined;
  const n = probs.length;
  const pcf = new Array<number>(n).fill(0);
  for (const cf of contentFree) {
    if (cf.length !== n) return undefined;
    for (let i = 0; i < n; i++) pcf[i] += cf[i] / contentFree.length;
  }
  // A label the content-free inputs give probability 0 (underflow) would divide by zero; a tiny
  // floor keeps the ordering meaningful instead of producing NaN.
  const w = probs.map((p, i) => p / Math.max(pcf[i], 1e-300));
  const s = w.reduce((a, b) => a + b, 0);
  return s > 0 && Number.isFinite(s) ? w.map((x) => x / s) : undefined;
}

export function toQueryRecord(group: PlanGroup, item: MaterializedItem, labels: LabelScore[], contentFree: readonly (readonly number[])[]): QueryRecord {
  const predicted = labels[argmax(labels.map((l) => l.logProb))].label;
  const rec: QueryRecord = {
    variant: group.variant,
    k: group.k,
    seed: group.seed,
    queryIndex: item.queryIndex,
    demoIndices: [...group.demoIndices],
    input: item.input,
    gold: item.gold,
    ...(item.goldAlt !== undefined ? { goldAlt: item.goldAlt } : {}),
    labels,
    predicted,
    goldRank: goldRank(labels, item.gold),
  };
  const cal = calibrateProbs(
    labels.map((l) => l.prob),
    contentFree,
  );
  if (cal) rec.calibrated = { predicted: labels[argmax(cal)].label, probs: cal };
  return rec;
}

export function toCalibrationRecord(group: PlanGroup, item: MaterializedItem, labels: LabelScore[]): CalibrationRecord {
  return { variant: group.variant, k: group.k, seed: group.seed, demoIndices: [...group.demoIndices], input: item.input, labels };
}
