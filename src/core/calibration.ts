// Contextual calibration (Zhao, Wallace, Feng, Klein, Singh, "Calibrate Before Use: Improving
// Few-Shot Performance of Language Models", ICML 2021). With the same demos, the model scores
// content-free inputs ("N/A", "", "[MASK]"); the mean of their renormalised label probabilities
// p_cf estimates the prompt's bias toward each label. A query's renormalised probabilities p are
// then corrected as  q = normalise(p / p_cf)  and the prediction is argmax q. The paper writes
// q = softmax(W p + b) with W = diag(p_cf)^-1, b = 0; the authors' code takes argmax(W p), and
// normalising instead of a softmax keeps q a distribution with the same argmax.
import type { LabelScore, QueryRecord } from "./types";
import { NO_PREDICTION, uniqueArgmax } from "./labelDecision";
import { defined } from "./defined";

/** The content-free inputs of Zhao et al. (2021). */
export const CONTENT_FREE_INPUTS: readonly string[] = ["N/A", "", "[MASK]"];

/** Scales non-negative weights to sum 1. Throws when they cannot be (all zero, negative, NaN). */
export function normalise(weights: readonly number[]): number[] {
  let s = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`normalise: weights must be finite and >= 0, got ${w}`);
    s += w;
  }
  if (!(s > 0)) throw new RangeError("normalise: all weights are zero");
  return weights.map((w) => w / s);
}

/** Label probabilities renormalised over the candidates from log-probs (softmax, stable). */
export function probsFromLogProbs(logProbs: readonly number[]): number[] {
  if (logProbs.length === 0) throw new RangeError("probsFromLogProbs: no labels");
  const m = Math.max(...logProbs);
  if (!Number.isFinite(m)) throw new RangeError("probsFromLogProbs: no finite log-prob");
  return normalise(logProbs.map((l) => Math.exp(l - m)));
}

/**
 * p_cf: the mean over content-free inputs of their label probabilities, each renormalised over
 * the labels first (so raw or already-normalised rows give the same result). All rows must have
 * the same number of labels.
 */
export function contentFreePrior(contentFreeProbs: readonly (readonly number[])[]): number[] {
  const first = contentFreeProbs[0];
  if (first === undefined) throw new RangeError("contentFreePrior: no content-free scores (score 'N/A', '' and '[MASK]' with the same demos)");
  const L = first.length;
  const pcf = new Array<number>(L).fill(0);
  for (const row of contentFreeProbs) {
    if (row.length !== L) throw new RangeError(`contentFreePrior: rows have ${L} and ${row.length} labels`);
    const p = normalise(row);
    for (let i = 0; i < L; i++) pcf[i]! += p[i]! / contentFreeProbs.length; // p and pcf have L entries
  }
  return pcf;
}

export interface CalibratedPrediction {
  /** Calibrated distribution over the labels. */
  probs: number[];
  /** Index of the calibrated prediction; -1 when several labels tie for the top (labelDecision.ts). */
  predicted: number;
}

/**
 * q = normalise(normalise(p) / p_cf); argmax q. A p_cf entry of 0 (underflow) is floored at
 * 1e-300 so the division stays finite and the label keeps its ordering rather than turning NaN.
 */
export function calibrate(probs: readonly number[], pcf: readonly number[]): CalibratedPrediction {
  if (probs.length !== pcf.length) throw new RangeError(`calibrate: ${probs.length} label probabilities but p_cf has ${pcf.length}`);
  const p = normalise(probs);
  const q = normalise(p.map((x, i) => x / Math.max(defined(pcf[i], "p_cf of a label"), 1e-300)));
  return { probs: q, predicted: uniqueArgmax(q) };
}

/**
 * The `calibrated` field of a QueryRecord from its label scores and the content-free scores of the
 * same demo set (LabelScore.prob, same label order).
 */
export function calibrateLabelScores(labels: readonly LabelScore[], contentFree: readonly (readonly LabelScore[])[]): NonNullable<QueryRecord["calibrated"]> {
  const pcf = contentFreePrior(contentFree.map((row) => row.map((l) => l.prob)));
  const c = calibrate(
    labels.map((l) => l.prob),
    pcf,
  );
  return { predicted: c.predicted < 0 ? NO_PREDICTION : defined(labels[c.predicted], "calibrated prediction").label, probs: c.probs };
}
