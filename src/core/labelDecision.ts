// The one rule that turns per-label scores into a prediction, a gold rank and correctness, used
// by the engine (ItemScore), the records (QueryRecord), calibration and the v2 -> v3 migration,
// so that they can never disagree:
//  - predicted = the label with the highest logProb when exactly one label has it;
//  - on a tie for the highest score there is no prediction (NO_PREDICTION, the empty string,
//    which is never a label) and the tied labels are listed: a tie is never resolved by label
//    order, so it counts as wrong even when the gold is among the tied labels;
//  - goldRank = 1 + the number of OTHER labels scoring at least as high as the gold, so
//    goldRank === 1 exactly when the gold is the only maximum, i.e. exactly when predicted === gold.
import type { ScoreWarning } from "./warnings";
import { defined } from "./defined";

/** `predicted` of a query whose top score is shared by several labels (never a valid label). */
export const NO_PREDICTION = "";

export interface LabelDecision {
  /** The unique top label, or NO_PREDICTION on a tie. */
  predicted: string;
  /** Labels sharing the top score, in label order, when there are two or more. */
  tied?: string[];
}

/** Indices of the maximal values (all of them); empty for an empty list. NaN never wins. */
export function topIndices(values: readonly number[]): number[] {
  let best = -Infinity;
  let out: number[] = [];
  values.forEach((v, i) => {
    if (v > best) {
      best = v;
      out = [i];
    } else if (v === best) out.push(i);
  });
  return out;
}

/** Index of the unique maximum, or -1 when several values share it (or the list is empty). */
export function uniqueArgmax(values: readonly number[]): number {
  const top = topIndices(values);
  return top.length === 1 ? defined(top[0], "unique maximum") : -1;
}

export function decideLabels(labels: readonly { label: string; logProb: number }[]): LabelDecision {
  const top = topIndices(labels.map((l) => l.logProb));
  // topIndices gives indices into labels.
  const names = top.map((i) => defined(labels[i], "top-scoring label").label);
  const [only, ...others] = names;
  if (only !== undefined && others.length === 0) return { predicted: only };
  return { predicted: NO_PREDICTION, tied: names };
}

/** 1 + the number of other labels with logProb >= the gold's (labels.length when gold is absent). */
export function goldRankOf(labels: readonly { label: string; logProb: number }[], gold: string): number {
  const g = labels.find((l) => l.label === gold);
  if (!g) return labels.length;
  return 1 + labels.filter((l) => l !== g && !(l.logProb < g.logProb)).length;
}

/** The "label-tie" warning of a decision with tied labels. */
export function tieWarning(tied: readonly string[], logProb: number): ScoreWarning {
  return {
    code: "label-tie",
    message: `labels ${tied.map((l) => JSON.stringify(l)).join(", ")} tie for the highest score (logProb ${logProb.toFixed(4)}): no single prediction, so the query counts as wrong.`,
    labels: [...tied],
  };
}
