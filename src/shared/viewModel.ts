// The view model of the results panel and the side panel: a projection of the run's analysis
// (src/core/analysis.ts: the core's metrics, summary rows and verdicts, computed once per run) onto
// the few hundred numbers that are drawn. Nothing is aggregated here: every accuracy, interval,
// baseline, confusion count, label share and verdict comes from the core, so the panel shows the
// numbers of the CLI, summary.csv and the report. Pure: no vscode, no fs.
import type { QueryRecord } from "../core/types";
import type { RunAnalysis } from "../core/analysis";
import { metricsAt } from "../core/analysis";
import { warningCodes, type ScoreWarning } from "../core/warnings";
import type { ResultsLike } from "./resultsShape";
import type { WarningsView } from "./warningsView";
import { demoFileName, modelName } from "./resultsShape";
import { MATRIX_MAX_CLASSES, TOP_CONFUSIONS } from "../core/results/classTables";
import { formatFigure, toVerdictCard, type VerdictCard } from "./verdictCards";
import type { ToyNotice } from "./toyModels";
import type { Figure } from "../core/figures/types";

export type { VerdictCard };

export interface AccuracyPoint {
  k: number;
  /** The core's accuracy estimate (mean over seeds, or over distinct prompts for one seed). */
  acc: number;
  /** 95% interval of the same inference; absent where the seeds are too few for one. */
  lo?: number;
  hi?: number;
  /** Records behind the point. */
  n: number;
  /** Calibrated accuracy where the records carry calibrated predictions. */
  calibratedAcc?: number;
}

export interface VariantSeries {
  variant: string;
  points: AccuracyPoint[];
}

export interface BaselineLines {
  /** 1 / number of candidate labels. */
  chance: number;
  /** Majority class of the demos, per k, when the results file carries baselines. */
  majority: { k: number; acc: number }[];
  /** Logistic regression on the same demos, per k, when the results file carries baselines. */
  logreg: { k: number; acc: number }[];
}

export interface LabelBars {
  variant: string;
  k: number;
  labels: string[];
  /** Share of predictions per label. */
  shares: number[];
  /** Share of gold per label, for comparison. */
  goldShares: number[];
}

export interface ConfusionView {
  variant: string;
  k: number;
  /** Up to MATRIX_MAX_CLASSES classes: the labels and matrix[gold][predicted] counts; above that both empty. */
  labels: string[];
  matrix: number[][];
  /** Number of classes. */
  classes: number;
  /** Above MATRIX_MAX_CLASSES: the most frequent confusions instead of the L x L matrix (the panel's payload stays small). */
  top?: { gold: string; predicted: string; count: number }[];
}

export interface QueryRow {
  /** Index of the record in the run's records array: the stable key for detail requests. */
  key: number;
  variant: string;
  k: number;
  seed: number;
  queryIndex: number;
  input: string;
  gold: string;
  predicted: string;
  prob: number;
  correct: boolean;
  /** Labels tied for the top score (predicted is then ""). */
  tied?: string[];
  /** Codes of the record's warnings (src/core/warnings.ts). */
  warnings?: string[];
}

export interface QueryPage {
  runId: string;
  variant: string;
  k: number;
  offset: number;
  total: number;
  rows: QueryRow[];
  /** Set when the page lists the queries carrying this warning code (all variants and k). */
  warning?: string;
}

export interface QueryDetail {
  runId: string;
  key: number;
  row: QueryRow;
  /** firstTokenLogit: the raw logit of the label's first token (results v3, local engine; absent otherwise). */
  labels: { label: string; prob: number; logProb: number; tokens: number; firstTokenLogit?: number }[];
  goldAlt?: string;
  demoIndices: number[];
  /** The full prompt text when the extension could rebuild it from the demo file. */
  prompt?: string;
  promptNote?: string;
  /** The record's warnings, in full. */
  warnings?: ScoreWarning[];
}

export interface RunView {
  runId: string;
  title: string;
  file: string;
  model: string;
  records: number;
  variants: string[];
  ks: number[];
  series: VariantSeries[];
  baselines: BaselineLines;
  /** Variant and k the confusion/label-bias/grid views currently show. */
  selection: { variant: string; k: number };
  confusion: ConfusionView;
  labelBias: LabelBars;
  verdicts: VerdictCard[];
  /** The paper's six figures (src/core/figures: the analysis's own), for the Hypotheses view. */
  figures: Figure[];
  /** The study's name when the run is a study ("Li et al. 2024"). */
  study?: string;
  /** The panel opens on the Hypotheses view (a study whose catalog entry lists figures). */
  hypothesesFirst?: boolean;
  manifest: { name: string; value: string }[];
  complete: boolean;
  /** The run's warnings (src/shared/warningsView.ts); set by the panel. */
  warnings?: WarningsView;
  /** Distinct name (src/shared/runNames.ts), how the run stands, and the toy-model notice; set by the panel. */
  name?: string;
  status?: RunStatus;
  toy?: ToyNotice;
}

/** How a run stands: finished, cancelled (interrupted), failed, or still being written. */
export type RunStatus = "complete" | "interrupted" | "failed" | "running";

export function runStatus(results: ResultsLike, live: boolean): RunStatus {
  if (live) return "running";
  const st = results.manifest?.status;
  return st === "interrupted" || st === "failed" || st === "running" ? st : "complete";
}

export interface RunSummary {
  runId: string;
  title: string;
  file: string;
  model: string;
  startedAt?: string;
  records: number;
  variants: string[];
  /** Best accuracy over k per variant, for the history list. */
  best: { variant: string; acc: number }[];
  complete: boolean;
  /** Query records carrying a warning (set by the results store; 0 or absent: none). */
  warnings?: number;
  /** Distinct name, status and toy-model notice (set by the results store). */
  name?: string;
  status?: RunStatus;
  toy?: ToyNotice;
}

const correctOf = (r: QueryRecord): boolean => r.predicted === r.gold;

function probOf(r: QueryRecord, label: string): number {
  for (const l of r.labels) if (l.label === label) return l.prob;
  return 0;
}

/** Truncates long text for grid cells (the detail view shows it whole). */
export function clip(s: string, max = 160): string {
  return s.length <= max ? s : s.slice(0, max - 1) + "…";
}

/** Accuracy-vs-k series per variant from the summary rows, in the run's variant order. */
export function accuracySeries(analysis: RunAnalysis): { series: VariantSeries[]; ks: number[]; variants: string[] } {
  const byVariant = new Map<string, AccuracyPoint[]>();
  for (const r of analysis.summary) {
    const p: AccuracyPoint = { k: r.k, acc: r.accuracy.value, n: r.n };
    if (Number.isFinite(r.accuracy.low) && Number.isFinite(r.accuracy.high)) {
      p.lo = r.accuracy.low;
      p.hi = r.accuracy.high;
    }
    if (r.calibratedAccuracy !== undefined) p.calibratedAcc = r.calibratedAccuracy;
    byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), p]);
  }
  const series = [...byVariant.entries()].map(([variant, points]) => ({ variant, points }));
  const ks = [...new Set(analysis.summary.map((r) => r.k))].sort((a, b) => a - b);
  return { series, ks, variants: series.map((s) => s.variant) };
}

/** Chance, majority and logistic-regression lines of one variant (default gold, else the first), from its summary rows. */
export function baselineLines(analysis: RunAnalysis, variant?: string): BaselineLines {
  const has = (v: string | undefined): v is string => !!v && analysis.summary.some((r) => r.variant === v);
  const v = has(variant) ? variant : has("gold") ? "gold" : analysis.summary[0]?.variant;
  const rows = analysis.summary.filter((r) => r.variant === v);
  const line = (pick: (r: (typeof rows)[number]) => number | undefined) =>
    rows.flatMap((r) => {
      const acc = pick(r);
      return acc !== undefined && Number.isFinite(acc) ? [{ k: r.k, acc }] : [];
    });
  return { chance: rows[0]?.chance ?? 0, majority: line((r) => r.majority), logreg: line((r) => r.logreg) };
}

/** Confusion matrix of one variant and k: the core's counts. */
export function confusionView(analysis: RunAnalysis, variant: string, k: number): ConfusionView {
  const m = metricsAt(analysis, variant, k);
  if (!m) return { variant, k, labels: [], matrix: [], classes: 0 };
  // Many classes: the matrix would grow with their square (3 million cells for 1,727); the most
  // frequent confusions from the core's linear per-class tables instead.
  if (m.labels.length > MATRIX_MAX_CLASSES)
    return { variant, k, labels: [], matrix: [], classes: m.labels.length, top: m.classTables.pairs.slice(0, TOP_CONFUSIONS).map(({ gold, predicted, count }) => ({ gold, predicted, count })) };
  return { variant, k, labels: [...m.confusion.labels], matrix: m.confusion.counts.map((row) => [...row]), classes: m.labels.length };
}

/** Share of predictions per label and, for comparison, of gold labels (the confusion matrix's row sums). */
export function labelBiasView(analysis: RunAnalysis, variant: string, k: number): LabelBars {
  const m = metricsAt(analysis, variant, k);
  if (!m) return { variant, k, labels: [], shares: [], goldShares: [] };
  const labels = [...m.labels];
  return {
    variant,
    k,
    labels,
    shares: labels.map((l) => m.predictionShare[l] ?? 0),
    goldShares: labels.map((l) => (m.classTables.rows.find((r) => r.label === l)?.n ?? 0) / m.n),
  };
}

function manifestRows(m: ResultsLike["manifest"]): { name: string; value: string }[] {
  const rows: { name: string; value: string }[] = [];
  const walk = (prefix: string, v: unknown, depth: number): void => {
    if (rows.length >= 80) return;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && depth < 3) {
      for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x, depth + 1);
    } else if (v !== undefined) {
      const s = typeof v === "string" ? v : typeof v === "number" ? formatFigure(v) : JSON.stringify(v);
      rows.push({ name: prefix, value: clip(s, 300) });
    }
  };
  walk("", m ?? {}, 0);
  return rows;
}

function studyName(m: ResultsLike["manifest"]): { study?: string; hypothesesFirst?: boolean } {
  const st = (m as { study?: { name?: unknown; figures?: unknown } } | undefined)?.study;
  if (!st || typeof st.name !== "string") return {};
  // A study read with figures (Li et al.) opens on them; one read from the charts (Min et al.) does not.
  return { study: st.name, ...(Array.isArray(st.figures) && st.figures.length > 0 ? { hypothesesFirst: true } : {}) };
}

export function defaultSelection(series: readonly VariantSeries[]): { variant: string; k: number } {
  const s = series.find((x) => x.variant === "gold") ?? series[0];
  if (!s) return { variant: "", k: 0 };
  return { variant: s.variant, k: s.points[s.points.length - 1]?.k ?? 0 };
}

/** A run is complete unless its manifest says otherwise (running, interrupted, failed). */
export function isComplete(results: ResultsLike): boolean {
  const st = results.manifest?.status;
  return typeof st === "string" ? st === "complete" : true;
}

export function runTitle(runId: string, results: ResultsLike): string {
  return `${demoFileName(results.manifest)} · ${modelName(results.manifest)} · ${runId}`;
}

/** Everything the panel draws for one run (without the query grid, which is paged), from its analysis. */
export function buildRunView(runId: string, results: ResultsLike, analysis: RunAnalysis, selection?: { variant: string; k: number }, complete = isComplete(results)): RunView {
  const { series, ks, variants } = accuracySeries(analysis);
  const sel = selection && variants.includes(selection.variant) ? selection : defaultSelection(series);
  return {
    runId,
    title: runTitle(runId, results),
    file: demoFileName(results.manifest),
    model: modelName(results.manifest),
    records: results.records.length,
    variants,
    ks,
    series,
    baselines: baselineLines(analysis, sel.variant),
    selection: sel,
    confusion: confusionView(analysis, sel.variant, sel.k),
    labelBias: labelBiasView(analysis, sel.variant, sel.k),
    verdicts: analysis.verdicts.map(toVerdictCard),
    figures: analysis.figures,
    ...studyName(results.manifest),
    manifest: manifestRows(results.manifest),
    complete,
  };
}

export function summarizeRun(runId: string, results: ResultsLike, analysis: RunAnalysis, complete = isComplete(results)): RunSummary {
  const { series, variants } = accuracySeries(analysis);
  return {
    runId,
    title: runTitle(runId, results),
    file: demoFileName(results.manifest),
    model: modelName(results.manifest),
    startedAt: typeof results.manifest?.startedAt === "string" ? results.manifest.startedAt : undefined,
    records: results.records.length,
    variants,
    best: series.map((s) => ({ variant: s.variant, acc: Math.max(0, ...s.points.map((p) => p.acc)) })),
    complete,
  };
}

export function toRow(r: QueryRecord, key: number): QueryRow {
  return {
    key,
    variant: r.variant,
    k: r.k,
    seed: r.seed,
    queryIndex: r.queryIndex,
    input: clip(r.input),
    gold: r.gold,
    predicted: r.predicted,
    prob: probOf(r, r.predicted),
    correct: correctOf(r),
    ...(r.tied ? { tied: r.tied } : {}),
    ...(r.warnings?.length ? { warnings: warningCodes(r.warnings) } : {}),
  };
}

/** One page of the query grid for a variant and k (the grid never receives all 20,000 rows). */
export function queryPage(runId: string, records: readonly QueryRecord[], variant: string, k: number, offset: number, limit: number): QueryPage {
  const rows: QueryRow[] = [];
  let total = 0;
  const lim = Math.max(1, Math.min(500, Math.floor(limit)));
  const off = Math.max(0, Math.floor(offset));
  for (const [i, r] of records.entries()) {
    if (r.variant !== variant || r.k !== k) continue;
    if (total >= off && rows.length < lim) rows.push(toRow(r, i));
    total++;
  }
  return { runId, variant, k, offset: off, total, rows };
}

export function queryDetail(runId: string, records: readonly QueryRecord[], key: number): QueryDetail | undefined {
  const r = records[key];
  if (!r) return undefined;
  return {
    runId,
    key,
    row: { ...toRow(r, key), input: r.input },
    labels: r.labels.map((l) => ({ label: l.label, prob: l.prob, logProb: l.logProb, tokens: l.tokens, ...(l.firstTokenLogit === undefined ? {} : { firstTokenLogit: l.firstTokenLogit }) })),
    goldAlt: r.goldAlt,
    demoIndices: r.demoIndices,
    ...(r.warnings?.length ? { warnings: r.warnings } : {}),
  };
}

/** Per-query lens data for the chosen variant: the latest k's record for each query example. */
export function lensPredictions(records: readonly QueryRecord[], variant: string, k?: number): Map<number, { predicted: string; prob: number; correct: boolean; n: number; nCorrect: number }> {
  const kk = k ?? Math.max(-1, ...records.filter((r) => r.variant === variant).map((r) => r.k));
  const out = new Map<number, { predicted: string; prob: number; correct: boolean; n: number; nCorrect: number }>();
  for (const r of records) {
    if (r.variant !== variant || r.k !== kk) continue;
    const prev = out.get(r.queryIndex);
    const ok = correctOf(r);
    if (!prev) out.set(r.queryIndex, { predicted: r.predicted, prob: probOf(r, r.predicted), correct: ok, n: 1, nCorrect: ok ? 1 : 0 });
    else {
      prev.n++;
      if (ok) prev.nCorrect++;
    }
  }
  return out;
}
