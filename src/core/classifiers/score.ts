// Model-free baselines computed on exactly the demos (and queries) the model saw for one
// (variant, k, seed), in the variant's label space (for tau_PA the ciphered text):
// chance, majority class of the demos, and the bag-of-n-grams logistic regression (logreg.ts).
import { trainLogReg, type LabeledText, type LogRegOptions } from "./logreg";

export interface BaselineQuery {
  input: string;
  gold: string;
}

/** Expected accuracy of guessing uniformly among the labels: 1 / #labels. */
export function chanceAccuracy(labels: readonly unknown[] | number): number {
  const n = typeof labels === "number" ? labels : labels.length;
  if (!(n >= 1)) throw new RangeError("chanceAccuracy: the label space is empty");
  return 1 / n;
}

/**
 * The most frequent label among the demos' labels. Ties go to the label that comes first in
 * `labelOrder` (the label space), then to the one that appears first among the demos, so the
 * result is deterministic and independent of anything random. undefined for no demos.
 */
export function majorityLabel(demoLabels: readonly string[], labelOrder: readonly string[] = []): string | undefined {
  const counts = new Map<string, number>();
  for (const l of demoLabels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  const rank = (l: string): number => {
    const i = labelOrder.indexOf(l);
    return i < 0 ? labelOrder.length + demoLabels.indexOf(l) : i;
  };
  for (const [l, c] of counts) {
    if (c > bestCount || (c === bestCount && best !== undefined && rank(l) < rank(best))) {
      best = l;
      bestCount = c;
    }
  }
  return best;
}

export interface BaselineScores {
  /** Number of queries. */
  n: number;
  chance: number;
  /** Majority label of the demos (undefined with k = 0). */
  majorityLabel?: string;
  /** Correct answers of each baseline; may be fractional (expected counts, see below). */
  majorityCorrect: number;
  logregCorrect: number;
  majorityAccuracy: number;
  logregAccuracy: number;
}

/**
 * Scores the baselines on the queries of one demo set. With k = 0 there is nothing to learn
 * from: both majority and logistic regression fall back to uniform guessing and are credited
 * the expected count n / #labels (their accuracy equals chance). When logistic regression's
 * top probability is tied between t labels, a query whose gold is among them is credited 1/t
 * (the expected score of breaking the tie at random), so no label is favoured by its position.
 */
export function scoreBaselines(demos: readonly LabeledText[], queries: readonly BaselineQuery[], labels: readonly string[], options?: LogRegOptions): BaselineScores {
  const chance = chanceAccuracy(labels);
  const n = queries.length;
  const maj = majorityLabel(
    demos.map((d) => d.label),
    labels,
  );
  let majorityCorrect = 0;
  let logregCorrect = 0;
  if (demos.length === 0) {
    majorityCorrect = logregCorrect = n * chance;
  } else {
    const model = trainLogReg(demos, labels, options);
    for (const q of queries) {
      if (q.gold === maj) majorityCorrect++;
      const p = model.probabilities(q.input);
      const top = Math.max(...p);
      let ties = 0;
      let goldTop = false;
      for (let i = 0; i < p.length; i++) {
        if (p[i] === top) {
          ties++;
          if (model.labels[i] === q.gold) goldTop = true;
        }
      }
      if (goldTop) logregCorrect += 1 / ties;
    }
  }
  return {
    n,
    chance,
    majorityLabel: maj,
    majorityCorrect,
    logregCorrect,
    majorityAccuracy: n ? majorityCorrect / n : NaN,
    logregAccuracy: n ? logregCorrect / n : NaN,
  };
}
