// View-model aggregation for the results panel and the side panel. Runs in the extension host:
// a run of 20,000 query records is reduced here to the few hundred numbers that are drawn, and
// only those cross into the webview (issue 5: "aggregation in the extension and only what is
// drawn sent to the webview"). Pure: no vscode, no fs, so it is unit-tested and benchmarked.
import type { QueryRecord } from "../core/types";
import type { ResultsLike } from "./resultsShape";
import { demoFileName, modelName } from "./resultsShape";

/** Wilson score interval (Wilson 1927) for a binomial proportion; z = 1.96 for 95 %. */
export function wilson(correct: number, n: number, z = 1.96): { lo: number; hi: number } {
  if (n <= 0) return { lo: 0, hi: 1 };
  const p = correct / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

export interface AccuracyPoint {
  k: number;
  /** Accuracy pooled over seeds and queries. */
  acc: number;
  lo: number;
  hi: number;
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
  /** Share of the most frequent gold label among the queries. */
  majority: number;
  /** Logistic regression on the same demos, per k, when the results file carries it. */
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
  labels: string[];
  /** matrix[gold][predicted] counts. */
  matrix: number[][];
}

export interface VerdictCard {
  id: string;
  title: string;
  /** e.g. "consistent", "contradicted", "inconclusive", "not-run". */
  status: string;
  text: string;
  numbers: { name: string; value: string }[];
  /** The conditions the verdict's rule checked (pass / fail / untestable) with their figures. */
  conditions?: { text: string; status: string; detail: string }[];
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
}

export interface QueryPage {
  runId: string;
  variant: string;
  k: number;
  offset: number;
  total: number;
  rows: QueryRow[];
}

export interface QueryDetail {
  runId: string;
  key: number;
  row: QueryRow;
  labels: { label: string; prob: number; logProb: number; tokens: number }[];
  goldAlt?: string;
  demoIndices: number[];
  /** The full prompt text when the extension could rebuild it from the demo file. */
  prompt?: string;
  promptNote?: string;
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
  manifest: { name: string; value: string }[];
  complete: boolean;
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

interface Cell {
  n: number;
  correct: number;
  calN: number;
  calCorrect: number;
}

/** Accuracy-vs-k series per variant in one pass over the records. */
export function accuracySeries(records: readonly QueryRecord[]): { series: VariantSeries[]; ks: number[]; variants: string[] } {
  const cells = new Map<string, Map<number, Cell>>();
  const ks = new Set<number>();
  for (const r of records) {
    let byK = cells.get(r.variant);
    if (!byK) cells.set(r.variant, (byK = new Map()));
    let c = byK.get(r.k);
    if (!c) byK.set(r.k, (c = { n: 0, correct: 0, calN: 0, calCorrect: 0 }));
    c.n++;
    if (correctOf(r)) c.correct++;
    if (r.calibrated) {
      c.calN++;
      if (r.calibrated.predicted === r.gold) c.calCorrect++;
    }
    ks.add(r.k);
  }
  const series: VariantSeries[] = [];
  for (const [variant, byK] of cells) {
    const points = [...byK.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([k, c]) => {
        const { lo, hi } = wilson(c.correct, c.n);
        const p: AccuracyPoint = { k, acc: c.correct / c.n, lo, hi, n: c.n };
        if (c.calN > 0) p.calibratedAcc = c.calCorrect / c.calN;
        return p;
      });
    series.push({ variant, points });
  }
  return { series, ks: [...ks].sort((a, b) => a - b), variants: series.map((s) => s.variant) };
}

function labelSpace(records: readonly QueryRecord[], variant: string, k: number): string[] {
  const seen = new Set<string>();
  for (const r of records) {
    if (r.variant !== variant || r.k !== k) continue;
    for (const l of r.labels) seen.add(l.label);
    if (seen.size > 0 && seen.size === r.labels.length) break;
  }
  return [...seen];
}

export function confusion(records: readonly QueryRecord[], variant: string, k: number): ConfusionView {
  const labels = labelSpace(records, variant, k);
  const idx = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (const r of records) {
    if (r.variant !== variant || r.k !== k) continue;
    const g = idx.get(r.gold);
    const p = idx.get(r.predicted);
    if (g !== undefined && p !== undefined) matrix[g][p]++;
  }
  return { variant, k, labels, matrix };
}

export function labelBias(records: readonly QueryRecord[], variant: string, k: number): LabelBars {
  const labels = labelSpace(records, variant, k);
  const idx = new Map(labels.map((l, i) => [l, i]));
  const pred = labels.map(() => 0);
  const gold = labels.map(() => 0);
  let n = 0;
  for (const r of records) {
    if (r.variant !== variant || r.k !== k) continue;
    n++;
    const p = idx.get(r.predicted);
    if (p !== undefined) pred[p]++;
    const g = idx.get(r.gold);
    if (g !== undefined) gold[g]++;
  }
  return { variant, k, labels, shares: pred.map((c) => (n ? c / n : 0)), goldShares: gold.map((c) => (n ? c / n : 0)) };
}

interface BaselineRecordLike {
  variant: string;
  k: number;
  n: number;
  majorityCorrect: number;
  logregCorrect: number;
}

function isBaselineRecord(x: unknown): x is BaselineRecordLike {
  const o = x as BaselineRecordLike;
  return !!o && typeof o.variant === "string" && typeof o.k === "number" && typeof o.n === "number" && typeof o.logregCorrect === "number";
}

/**
 * Chance, majority and logistic-regression lines. The results file's baseline records (one per
 * variant, k and seed, computed on exactly the demos the model saw) are pooled per k for the
 * selected variant, falling back to gold; without them majority comes from the gold labels.
 */
export function baselines(records: readonly QueryRecord[], raw: unknown, variant?: string): BaselineLines {
  const first = records.find((r) => r.variant === (variant ?? "gold")) ?? records[0];
  const chance = first && first.labels.length ? 1 / first.labels.length : 0;
  const recs = Array.isArray(raw) ? raw.filter(isBaselineRecord) : [];
  const pick = recs.some((b) => b.variant === variant) ? variant : recs.some((b) => b.variant === "gold") ? "gold" : recs[0]?.variant;
  const byK = new Map<number, { n: number; maj: number; lr: number }>();
  for (const b of recs) {
    if (b.variant !== pick) continue;
    const c = byK.get(b.k) ?? { n: 0, maj: 0, lr: 0 };
    c.n += b.n;
    c.maj += b.majorityCorrect;
    c.lr += b.logregCorrect;
    byK.set(b.k, c);
  }
  const ks = [...byK.keys()].sort((a, b) => a - b);
  const logreg = ks.filter((k) => byK.get(k)!.n > 0).map((k) => ({ k, acc: byK.get(k)!.lr / byK.get(k)!.n }));
  let majority: number;
  const totN = [...byK.values()].reduce((s, c) => s + c.n, 0);
  if (totN > 0) majority = [...byK.values()].reduce((s, c) => s + c.maj, 0) / totN;
  else {
    // Without baseline records: the accuracy of always answering the most frequent gold label.
    const pool = records.filter((r) => r.variant === (first?.variant ?? ""));
    const counts = new Map<string, number>();
    for (const r of pool) counts.set(r.gold, (counts.get(r.gold) ?? 0) + 1);
    majority = pool.length ? Math.max(0, ...counts.values()) / pool.length : 0;
  }
  return { chance, majority, logreg };
}

function verdictCards(raw: unknown): VerdictCard[] {
  const list = Array.isArray(raw) ? raw : raw && typeof raw === "object" ? Object.values(raw as object) : [];
  const cards: VerdictCard[] = [];
  for (const v of list) {
    if (!v || typeof v !== "object") continue;
    const o = v as Record<string, unknown>;
    const numbers: { name: string; value: string }[] = [];
    const nums = o.numbers ?? o.evidence ?? o.stats;
    if (nums && typeof nums === "object") {
      for (const [name, value] of Array.isArray(nums) ? nums.map((x: { name?: string; value?: unknown }, i) => [x?.name ?? String(i), x?.value ?? x] as const) : Object.entries(nums)) {
        numbers.push({ name: String(name), value: typeof value === "number" ? fmt(value) : typeof value === "string" ? value : JSON.stringify(value) });
      }
    }
    cards.push({
      id: String(o.id ?? o.hypothesis ?? cards.length),
      title: String(o.title ?? o.hypothesis ?? o.id ?? "Verdict"),
      status: String(o.status ?? o.verdict ?? o.outcome ?? "inconclusive"),
      text: String(o.text ?? o.statement ?? o.summary ?? o.message ?? ""),
      numbers: numbers.slice(0, 12),
    });
  }
  return cards;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(Math.abs(x) < 0.01 ? 4 : 3);
}

function manifestRows(m: ResultsLike["manifest"]): { name: string; value: string }[] {
  const rows: { name: string; value: string }[] = [];
  const walk = (prefix: string, v: unknown, depth: number): void => {
    if (rows.length >= 80) return;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && depth < 3) {
      for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x, depth + 1);
    } else if (v !== undefined) {
      const s = typeof v === "string" ? v : typeof v === "number" ? fmt(v) : JSON.stringify(v);
      rows.push({ name: prefix, value: clip(s, 300) });
    }
  };
  walk("", m ?? {}, 0);
  return rows;
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

/** Everything the panel draws for one run (without the query grid, which is paged). */
export function buildRunView(
  runId: string,
  results: ResultsLike,
  selection?: { variant: string; k: number },
  complete = isComplete(results),
  /** Verdicts for results files that carry none (the extension passes computeVerdictCards). */
  computed?: (records: readonly QueryRecord[], baselines: unknown) => VerdictCard[],
): RunView {
  const records = results.records;
  const { series, ks, variants } = accuracySeries(records);
  const sel = selection && variants.includes(selection.variant) ? selection : defaultSelection(series);
  return {
    runId,
    title: runTitle(runId, results),
    file: demoFileName(results.manifest),
    model: modelName(results.manifest),
    records: records.length,
    variants,
    ks,
    series,
    baselines: baselines(records, results.baselines, sel.variant),
    selection: sel,
    confusion: confusion(records, sel.variant, sel.k),
    labelBias: labelBias(records, sel.variant, sel.k),
    verdicts: results.verdicts !== undefined ? verdictCards(results.verdicts) : computed ? computed(records, results.baselines) : [],
    manifest: manifestRows(results.manifest),
    complete,
  };
}

export function summarizeRun(runId: string, results: ResultsLike, complete = isComplete(results)): RunSummary {
  const { series, variants } = accuracySeries(results.records);
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
  };
}

/** One page of the query grid for a variant and k (the grid never receives all 20,000 rows). */
export function queryPage(runId: string, records: readonly QueryRecord[], variant: string, k: number, offset: number, limit: number): QueryPage {
  const rows: QueryRow[] = [];
  let total = 0;
  const lim = Math.max(1, Math.min(500, Math.floor(limit)));
  const off = Math.max(0, Math.floor(offset));
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
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
    labels: r.labels.map((l) => ({ label: l.label, prob: l.prob, logProb: l.logProb, tokens: l.tokens })),
    goldAlt: r.goldAlt,
    demoIndices: r.demoIndices,
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
