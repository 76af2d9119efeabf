// Synthetic query records with known statistics, for the inference and verdict tests.
import type { QueryRecord } from "../../src/core/types";
import type { BaselineInput } from "../../src/core/metrics";
import { at } from "./at";

const LABELS2 = ["A", "B"];

/**
 * `n` records of one (variant, k, seed) with `correct` right answers, every record its own prompt
 * (distinct input) unless `distinct` < n: then inputs cycle over `distinct` values, so the file
 * "repeats inputs" and identical prompts share one prediction.
 */
export function cell(variant: string, k: number, seed: number, correct: number, n: number, opts: { labels?: string[]; distinct?: number } = {}): QueryRecord[] {
  const labels = opts.labels ?? LABELS2;
  const distinct = opts.distinct ?? n;
  const out: QueryRecord[] = [];
  for (let i = 0; i < n; i++) {
    const p = i % distinct; // prompt id
    const gold = at(labels, p % labels.length);
    // Prompt p is right when p < correct * distinct / n (duplicates agree).
    const ok = distinct === n ? i < correct : p < Math.round((correct * distinct) / n);
    const predicted = ok ? gold : at(labels, (labels.indexOf(gold) + 1) % labels.length);
    out.push({
      variant,
      k,
      seed,
      queryIndex: i,
      demoIndices: [1000 + seed],
      input: `${variant}|${seed}|q${p}`,
      gold,
      predicted,
      goldRank: ok ? 1 : 2,
      labels: labels.map((l) => ({ label: l, logProb: l === predicted ? -0.1 : -2, meanLogProb: 0, firstTokenLogProb: 0, tokens: 1, prob: l === predicted ? 0.9 : 0.1 / (labels.length - 1) })),
    });
  }
  return out;
}

/** One cell per seed with the given per-seed accuracies (n queries each, rounded to whole records). */
export function seeds(variant: string, k: number, accuracies: readonly number[], n = 100, opts: { labels?: string[]; firstSeed?: number } = {}): QueryRecord[] {
  return accuracies.flatMap((a, i) => cell(variant, k, (opts.firstSeed ?? 1) + i, Math.round(a * n), n, opts));
}

/** Logistic-regression baselines per seed with the given accuracies. */
export function logreg(variant: string, k: number, accuracies: readonly number[], n = 100, firstSeed = 1): BaselineInput[] {
  return accuracies.map((a, i) => ({ variant, k, seed: firstSeed + i, n, majorityCorrect: n / 2, logregCorrect: a * n }));
}
