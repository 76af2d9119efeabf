// Turning engine scores into result records (pure). Prediction, gold rank and ties follow the one
// rule in ../labelDecision.ts (a tie is no prediction and counts as wrong); the engine's and the
// runner's warnings are kept on the record.
import type { LabelScore, QueryRecord } from "../types";
import type { CalibrationRecord } from "../results/schema";
import type { MaterializedItem, PlanGroup } from "./plan";
import { calibrateLabelScores } from "../calibration";
import { decideLabels, goldRankOf, tieWarning } from "../labelDecision";
import type { ScoreWarning } from "../warnings";

/**
 * A record's warnings: the engine's and the runner's as given, plus a "label-tie" warning when the
 * labels tie (derived here from the same decision as `predicted`, so the two always agree).
 */
function recordWarnings(labels: readonly LabelScore[], tied: readonly string[] | undefined, given: readonly ScoreWarning[]): ScoreWarning[] {
  const out = given.filter((w) => w.code !== "label-tie");
  if (tied) out.push(tieWarning(tied, labels.find((l) => l.label === tied[0])!.logProb));
  return out;
}

export function toQueryRecord(group: PlanGroup, item: MaterializedItem, labels: LabelScore[], contentFree: readonly (readonly LabelScore[])[], warnings: readonly ScoreWarning[] = []): QueryRecord {
  const d = decideLabels(labels);
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
    predicted: d.predicted,
    ...(d.tied ? { tied: d.tied } : {}),
    goldRank: goldRankOf(labels, item.gold),
  };
  // Contextual calibration (Zhao et al. 2021) with the content-free scores of the same demo set.
  if (contentFree.length > 0) rec.calibrated = calibrateLabelScores(labels, contentFree);
  const ws = recordWarnings(labels, d.tied, warnings);
  if (ws.length) rec.warnings = ws;
  return rec;
}

export function toCalibrationRecord(group: PlanGroup, item: MaterializedItem, labels: LabelScore[], warnings: readonly ScoreWarning[] = []): CalibrationRecord {
  const ws = recordWarnings(labels, decideLabels(labels).tied, warnings);
  return { variant: group.variant, k: group.k, seed: group.seed, demoIndices: [...group.demoIndices], input: item.input, labels, ...(ws.length ? { warnings: ws } : {}) };
}
