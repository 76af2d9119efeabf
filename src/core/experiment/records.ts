// Turning engine scores into result records (pure). Predicted label and gold rank follow the
// engine's rules (highest summed log-prob, first on ties; ties count in the gold's favour).
import type { LabelScore, QueryRecord } from "../types";
import type { CalibrationRecord } from "../results/schema";
import type { MaterializedItem, PlanGroup } from "./plan";
import { calibrateLabelScores } from "../calibration";

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

export function toQueryRecord(group: PlanGroup, item: MaterializedItem, labels: LabelScore[], contentFree: readonly (readonly LabelScore[])[]): QueryRecord {
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
  // Contextual calibration (Zhao et al. 2021) with the content-free scores of the same demo set.
  if (contentFree.length > 0) rec.calibrated = calibrateLabelScores(labels, contentFree);
  return rec;
}

export function toCalibrationRecord(group: PlanGroup, item: MaterializedItem, labels: LabelScore[]): CalibrationRecord {
  return { variant: group.variant, k: group.k, seed: group.seed, demoIndices: [...group.demoIndices], input: item.input, labels };
}
