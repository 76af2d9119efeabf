// One analysis per run: the metrics (aggregate), the summary rows and the verdicts, computed once
// and handed to every output (CLI summary, summary.csv, the HTML report, the results panel and
// the side panel), so that they all show the same numbers and the seed-level tests run once.
import type { QueryRecord } from "./types";
import { aggregate, type BaselineInput, type VariantKMetrics } from "./metrics";
import { summaryRows, type SummaryRow } from "./results/summary";
import { verdicts, type Verdict } from "./verdicts";
import { hypothesisFigures, type Figure } from "./figures";
import { expandVariantKeys } from "./variants";

export interface RunAnalysis {
  metrics: VariantKMetrics[];
  /** One row per variant and k, in the run's variant order. */
  summary: SummaryRow[];
  verdicts: Verdict[];
  /** The paper's six figures (src/core/figures), from these metrics and verdicts. */
  figures: Figure[];
}

/** The slice of a results file the analysis reads (a validated ResultsFile, or the editor's lenient ResultsLike). */
export interface AnalysisSource {
  records: readonly QueryRecord[];
  baselines?: unknown;
  /** Read for settings.variants (the row order) and, for a study run, study (its k and draws). */
  manifest?: unknown;
}

export function analyseRun(results: AnalysisSource): RunAnalysis {
  const baselines = Array.isArray(results.baselines) ? (results.baselines as BaselineInput[]) : [];
  const manifest = results.manifest as { settings?: { variants?: unknown }; study?: StudyLike } | undefined;
  const order = manifest?.settings?.variants;
  const study = studyOf(manifest?.study);
  const metrics = aggregate(results.records, { baselines });
  const vs = results.records.length ? verdicts(metrics, study?.draws ? { correlationDraws: study.draws } : {}) : [];
  return {
    metrics,
    summary: summaryRows(metrics, rowOrder(order)),
    verdicts: vs,
    figures: hypothesisFigures(metrics, vs, study),
  };
}

/** Metrics of one variant and k, if it ran. */
export function metricsAt(a: RunAnalysis, variant: string, k: number): VariantKMetrics | undefined {
  return a.metrics.find((m) => m.variant === variant && m.k === k);
}

interface StudyLike {
  k?: number;
  kCurve?: number[];
  draws?: number;
}

/** The study fields the figures read, from a manifest that may come from an older or hand-edited file. */
function studyOf(s: unknown): StudyLike | undefined {
  if (!s || typeof s !== "object") return undefined;
  const o = s as Record<string, unknown>;
  const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined);
  const ks = Array.isArray(o.kCurve) ? o.kCurve.map(int).filter((v): v is number => v !== undefined) : undefined;
  return { k: int(o.k), kCurve: ks, draws: int(o.draws) };
}

/** The settings' variant order with draw ranges ("ra-token#0..49") expanded, so the draws keep their order. */
function rowOrder(order: unknown): string[] {
  const keys = Array.isArray(order) ? order.filter((v): v is string => typeof v === "string") : [];
  try {
    return expandVariantKeys(keys);
  } catch {
    return keys;
  }
}
