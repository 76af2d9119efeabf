// Per-class tables that stay small when a task has many classes: the full confusion matrix
// grows with the square of the class count (1,727 classes: 3 million cells per variant, a 72 MB
// report Chromium could not render), so the report and the panel show the matrix only up to
// MATRIX_MAX_CLASSES classes and otherwise the most frequent confusions and a capped per-class
// table, with every row in classes.csv / confusions.csv. Everything here is linear in records.
import { NO_PREDICTION } from "../labelDecision";

/** Up to this many classes the full confusion matrix is shown. */
export const MATRIX_MAX_CLASSES = 20;
/** Confusions (gold -> predicted, off the diagonal) listed above that. */
export const TOP_CONFUSIONS = 25;
/** Rows of the per-class table shown (most queries first); the CSV has all. */
export const CLASS_ROWS_SHOWN = 50;

export interface ConfusionPair {
  gold: string;
  predicted: string;
  count: number;
  /** Share of the gold class's queries that got this prediction. */
  share: number;
}

export interface ClassRow {
  label: string;
  /** Queries whose gold is this class. */
  n: number;
  correct: number;
  /** correct / n (NaN without queries). */
  accuracy: number;
  /** Queries predicted as this class. */
  predicted: number;
  /** Queries of this gold class with tied top scores (no prediction). */
  ties: number;
}

export interface ClassTables {
  /** Every class row, in `labels` order (classes met only in the records appended). */
  rows: ClassRow[];
  /** Every off-diagonal (gold, predicted) pair that occurred, most frequent first (ties by gold, then predicted label order). */
  pairs: ConfusionPair[];
}

/** One pass over the records: class rows and the confusion pairs that occurred (sparse). */
export function classTables(records: Iterable<{ gold: string; predicted: string }>, labels: readonly string[]): ClassTables {
  const rows = new Map<string, ClassRow>();
  const row = (l: string): ClassRow => {
    let r = rows.get(l);
    if (!r) rows.set(l, (r = { label: l, n: 0, correct: 0, accuracy: NaN, predicted: 0, ties: 0 }));
    return r;
  };
  for (const l of labels) row(l);
  const pairs = new Map<string, ConfusionPair>();
  for (const rec of records) {
    const g = row(rec.gold);
    g.n++;
    if (rec.predicted === NO_PREDICTION) {
      g.ties++;
      continue;
    }
    row(rec.predicted).predicted++;
    if (rec.predicted === rec.gold) {
      g.correct++;
      continue;
    }
    const key = `${rec.gold}\u0001${rec.predicted}`;
    const p = pairs.get(key);
    if (p) p.count++;
    else pairs.set(key, { gold: rec.gold, predicted: rec.predicted, count: 1, share: 0 });
  }
  for (const r of rows.values()) r.accuracy = r.n ? r.correct / r.n : NaN;
  const order = new Map([...rows.keys()].map((l, i) => [l, i]));
  const list = [...pairs.values()];
  for (const p of list) p.share = p.count / rows.get(p.gold)!.n;
  list.sort((a, b) => b.count - a.count || order.get(a.gold)! - order.get(b.gold)! || order.get(a.predicted)! - order.get(b.predicted)!);
  return { rows: [...rows.values()], pairs: list };
}

/** The rows a capped table shows: most queries first, then class order. */
export function shownClassRows(rows: readonly ClassRow[], max = CLASS_ROWS_SHOWN): ClassRow[] {
  return rows
    .map((r, i) => [r, i] as const)
    .sort((a, b) => b[0].n - a[0].n || a[1] - b[1])
    .slice(0, max)
    .map(([r]) => r);
}
