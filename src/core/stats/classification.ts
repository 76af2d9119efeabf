// Classification metrics over (gold, predicted) label pairs. A prediction of NO_PREDICTION (a tie
// for the top score, src/core/labelDecision.ts) is no label: it is counted apart, per gold label,
// and is a miss (a false negative of the gold, a false positive of no class).
import { NO_PREDICTION } from "../labelDecision";
import { defined } from "../defined";

export interface ConfusionMatrix {
  /** Row/column labels in order. */
  labels: string[];
  /** counts[i][j] = number of queries with gold labels[i] predicted as labels[j]. */
  counts: number[][];
  /** ties[i] = queries with gold labels[i] and no prediction (tied top scores); absent when none. */
  ties?: number[];
}

/**
 * Confusion matrix. `labels` fixes the order; labels met in the data but not listed are
 * appended in order of first appearance, so nothing is silently dropped.
 */
export function confusionMatrix(gold: readonly string[], predicted: readonly string[], labels: readonly string[] = []): ConfusionMatrix {
  if (gold.length !== predicted.length) throw new RangeError(`confusionMatrix: ${gold.length} gold labels but ${predicted.length} predictions`);
  const order = [...labels];
  const index = new Map<string, number>();
  order.forEach((l, i) => index.set(l, i));
  const ensure = (l: string): number => {
    let i = index.get(l);
    if (i === undefined) {
      i = order.length;
      order.push(l);
      index.set(l, i);
    }
    return i;
  };
  const pairs: [number, number][] = [];
  gold.forEach((g, i) => {
    const p = defined(predicted[i], "prediction of a gold label"); // the lengths are equal (checked above)
    pairs.push([ensure(g), p === NO_PREDICTION ? -1 : ensure(p)]);
  });
  const counts = order.map(() => new Array<number>(order.length).fill(0));
  const ties = new Array<number>(order.length).fill(0);
  // ensure() gave every g and p an index below order.length, the size of counts and ties.
  for (const [g, p] of pairs) {
    if (p < 0) ties[g] = defined(ties[g], "tie count") + 1;
    else {
      const row = defined(counts[g], "confusion row");
      row[p] = defined(row[p], "confusion cell") + 1;
    }
  }
  return { labels: order, counts, ...(ties.some((t) => t > 0) ? { ties } : {}) };
}

/** Share of exact matches; NaN for no data. */
export function accuracy(gold: readonly string[], predicted: readonly string[]): number {
  if (gold.length !== predicted.length) throw new RangeError(`accuracy: ${gold.length} gold labels but ${predicted.length} predictions`);
  if (gold.length === 0) return NaN;
  let c = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) c++;
  return c / gold.length;
}

/**
 * Macro-F1 from a confusion matrix, as sklearn's f1_score(average="macro", zero_division=0)
 * with its default label set: the mean of per-class F1 = 2TP / (2TP + FP + FN) over the classes
 * that occur as gold OR as prediction. Classes with neither support nor predictions are left
 * out (they would be 0/0); a class that is predicted but never gold, or gold but never
 * predicted, has TP = 0 and so F1 = 0 (zero_division=0). NaN when the matrix is empty. Ties
 * (no prediction) are false negatives of their gold class.
 */
export function macroF1FromConfusion(cm: ConfusionMatrix): number {
  const L = cm.labels.length;
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < L; c++) {
    const row = defined(cm.counts[c], "confusion row");
    const tp = defined(row[c], "confusion diagonal");
    let fn = cm.ties?.[c] ?? 0;
    let fp = 0;
    // counts is L x L (one row and one column per label), so j < L indexes both.
    for (let j = 0; j < L; j++) {
      if (j === c) continue;
      fn += row[j]!;
      fp += cm.counts[j]![c]!;
    }
    const denom = 2 * tp + fp + fn;
    if (denom === 0) continue;
    sum += (2 * tp) / denom;
    classes++;
  }
  return classes === 0 ? NaN : sum / classes;
}

/** Macro-F1 of gold vs predicted labels (see macroF1FromConfusion for the conventions). */
export function macroF1(gold: readonly string[], predicted: readonly string[]): number {
  return macroF1FromConfusion(confusionMatrix(gold, predicted));
}

/**
 * Share of predictions per label (label bias): every label in `labels` gets an entry (0 when
 * never predicted); predicted labels outside `labels` are added. Empty input gives all zeros.
 * Ties (NO_PREDICTION) count in the total but for no label, so the shares then sum to less than 1.
 */
export function labelShares(predicted: readonly string[], labels: readonly string[] = []): Record<string, number> {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, 0);
  for (const p of predicted) if (p !== NO_PREDICTION) counts.set(p, (counts.get(p) ?? 0) + 1);
  const out: Record<string, number> = {};
  for (const [l, c] of counts) out[l] = predicted.length === 0 ? 0 : c / predicted.length;
  return out;
}

/**
 * Macro-F1 (same conventions as macroF1FromConfusion) from a flat row-major L x `cols` count
 * table; columns from L on are "no prediction" (ties), false negatives of their row's class.
 */
export function macroF1FromCounts(counts: ArrayLike<number>, L: number, cols = L): number {
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < L; c++) {
    const tp = defined(counts[c * cols + c], "count table diagonal");
    let fn = 0;
    let fp = 0;
    // The table is L x cols and c < L, j < cols: every index is below L * cols.
    for (let j = 0; j < cols; j++) {
      if (j === c) continue;
      fn += counts[c * cols + j]!;
      if (j < L) fp += counts[j * cols + c]!;
    }
    const denom = 2 * tp + fp + fn;
    if (denom === 0) continue;
    sum += (2 * tp) / denom;
    classes++;
  }
  return classes === 0 ? NaN : sum / classes;
}

/**
 * Macro-F1 (same conventions as macroF1FromConfusion) from label indices, in time and memory
 * linear in the queries plus the classes: no L x L matrix, so a 1,727-class task costs what its
 * records cost. A predicted index < 0 is no prediction (a tie): a false negative of the gold.
 */
export function macroF1FromIndices(L: number, gold: ArrayLike<number>, pred: ArrayLike<number>): number {
  const tp = new Float64Array(L);
  const fp = new Float64Array(L);
  const fn = new Float64Array(L);
  // Label indices are below L, the length of tp, fp and fn; i is below both lengths (one per query).
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!;
    const p = pred[i]!;
    if (p === g) tp[g]!++;
    else {
      fn[g]!++;
      if (p >= 0) fp[p]!++;
    }
  }
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < L; c++) {
    const denom = 2 * tp[c]! + fp[c]! + fn[c]!;
    if (denom === 0) continue;
    sum += (2 * tp[c]!) / denom;
    classes++;
  }
  return classes === 0 ? NaN : sum / classes;
}
