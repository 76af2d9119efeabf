// CSV export of a results file with papaparse (quoting of commas, quotes and newlines in inputs is
// its job, not ours). Two tables: one row per query x label (long format, ready for pandas/R), and
// a summary per variant and k (see summary.ts). Warnings: per score row the codes that concern its
// label or the whole query, per summary row the number of queries carrying each code.
import Papa from "papaparse";
import type { ResultsFile } from "./schema";
import type { SummaryRow } from "./summary";
import { formatWarningCounts, warningCodes } from "../warnings";
import type { QueryRecord } from "../types";
import { classTables } from "./classTables";

export const SCORE_COLUMNS = [
  "variant",
  "k",
  "seed",
  "query_index",
  "demo_indices",
  "input",
  "gold",
  "gold_alt",
  "label",
  "is_gold",
  "log_prob",
  "mean_log_prob",
  "first_token_log_prob",
  "tokens",
  "prob",
  "score",
  "calibrated_prob",
  "predicted",
  "correct",
  "calibrated_predicted",
  "gold_rank",
  "tied",
  "warnings",
] as const;

/** Codes of the record's warnings that concern `label` (or the whole query), space-separated. */
function rowWarnings(r: QueryRecord, label: string): string {
  return warningCodes((r.warnings ?? []).filter((w) => !w.labels?.length || w.labels.includes(label))).join(" ");
}

/** One row per query x candidate label. Numbers are written with full precision (no rounding). */
export function scoresCsv(results: ResultsFile): string {
  const rows: unknown[][] = [];
  for (const r of results.records) {
    r.labels.forEach((l, j) => {
      rows.push([
        r.variant,
        r.k,
        r.seed,
        r.queryIndex,
        r.demoIndices.join(" "),
        r.input,
        r.gold,
        r.goldAlt ?? "",
        l.label,
        l.label === r.gold ? 1 : 0,
        l.logProb,
        l.meanLogProb,
        l.firstTokenLogProb,
        l.tokens,
        l.prob,
        l.score ?? "",
        r.calibrated ? r.calibrated.probs[j] : "",
        r.predicted,
        r.predicted === r.gold ? 1 : 0,
        r.calibrated?.predicted ?? "",
        r.goldRank,
        // On a tie `predicted` is empty and this lists the tied labels.
        (r.tied ?? []).join("|"),
        rowWarnings(r, l.label),
      ]);
    });
  }
  return Papa.unparse({ fields: [...SCORE_COLUMNS], data: rows }, { newline: "\n" }) + "\n";
}

export const SUMMARY_COLUMNS = [
  "variant",
  "family",
  "k",
  "seeds",
  "n",
  "prompts",
  "accuracy",
  "accuracy_low",
  "accuracy_high",
  "macro_f1",
  "macro_f1_low",
  "macro_f1_high",
  "interval",
  "p_above_chance",
  "min_p",
  "mean_gold_rank",
  "mean_gold_log_prob",
  "calibrated_accuracy",
  "chance",
  "majority",
  "logreg",
  "label_share",
  "warnings",
] as const;

const fmt = (x: number | undefined): string | number => (x === undefined || !Number.isFinite(x) ? "" : x);

export function summaryCsv(rows: SummaryRow[]): string {
  const data = rows.map((s) => [
    s.variant,
    s.family,
    s.k,
    s.seeds,
    s.n,
    s.prompts,
    fmt(s.accuracy.value),
    fmt(s.accuracy.low),
    fmt(s.accuracy.high),
    fmt(s.macroF1.value),
    fmt(s.macroF1.low),
    fmt(s.macroF1.high),
    s.accuracy.method,
    fmt(s.pAboveChance),
    fmt(s.minP),
    fmt(s.meanGoldRank),
    fmt(s.meanGoldLogProb),
    fmt(s.calibratedAccuracy),
    fmt(s.chance),
    fmt(s.majority),
    fmt(s.logreg),
    Object.entries(s.labelShare)
      .map(([l, p]) => `${l}=${p.toFixed(4)}`)
      .join(" "),
    formatWarningCounts(s.warnings ?? {}),
  ]);
  return Papa.unparse({ fields: [...SUMMARY_COLUMNS], data }, { newline: "\n" }) + "\n";
}

/**
 * classes.csv, the "show all" of the report's capped per-class table: one row per variant, k and
 * class (every k, every class), linear in records.
 */
export function classesCsv(results: ResultsFile): string {
  const rows: unknown[][] = [];
  for (const [cell, recs] of cells(results)) {
    const t = classTables(recs, recs[0]?.labels.map((l) => l.label) ?? []);
    for (const r of t.rows) rows.push([cell.variant, cell.k, r.label, r.n, r.correct, Number.isFinite(r.accuracy) ? r.accuracy : "", r.predicted, r.ties]);
  }
  return Papa.unparse({ fields: ["variant", "k", "label", "queries", "correct", "accuracy", "predicted", "ties"], data: rows }, { newline: "\n" }) + "\n";
}

/** confusions.csv: every (gold, predicted) pair that occurred off the diagonal, per variant and k (sparse). */
export function confusionsCsv(results: ResultsFile): string {
  const rows: unknown[][] = [];
  for (const [cell, recs] of cells(results)) {
    for (const p of classTables(recs, recs[0]?.labels.map((l) => l.label) ?? []).pairs) rows.push([cell.variant, cell.k, p.gold, p.predicted, p.count, p.share]);
  }
  return Papa.unparse({ fields: ["variant", "k", "gold", "predicted", "count", "share_of_gold"], data: rows }, { newline: "\n" }) + "\n";
}

/** Records grouped by (variant, k), in file order. */
function cells(results: ResultsFile): Map<{ variant: string; k: number }, ResultsFile["records"]> {
  const byKey = new Map<string, { cell: { variant: string; k: number }; recs: ResultsFile["records"] }>();
  for (const r of results.records) {
    const key = `${r.variant}\u0001${r.k}`;
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { cell: { variant: r.variant, k: r.k }, recs: [] }));
    e.recs.push(r);
  }
  return new Map([...byKey.values()].map((e) => [e.cell, e.recs]));
}
