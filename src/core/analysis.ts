// One analysis per run: the metrics (aggregate), the summary rows and the verdicts, computed once
// and handed to every output (CLI summary, summary.csv, the HTML report, the results panel and
// the side panel), so that they all show the same numbers and the seed-level tests run once.
import type { QueryRecord } from "./types";
import { aggregate, type BaselineInput, type VariantKMetrics } from "./metrics";
import { summaryRows, type SummaryRow } from "./results/summary";
import { verdicts, type Verdict } from "./verdicts";

export interface RunAnalysis {
  metrics: VariantKMetrics[];
  /** One row per variant and k, in the run's variant order. */
  summary: SummaryRow[];
  verdicts: Verdict[];
}

/** The slice of a results file the analysis reads (a validated ResultsFile, or the editor's lenient ResultsLike). */
export interface AnalysisSource {
  records: readonly QueryRecord[];
  baselines?: unknown;
  /** Read for settings.variants (the row order) only. */
  manifest?: unknown;
}

export function analyseRun(results: AnalysisSource): RunAnalysis {
  const baselines = Array.isArray(results.baselines) ? (results.baselines as BaselineInput[]) : [];
  const order = (results.manifest as { settings?: { variants?: unknown } } | undefined)?.settings?.variants;
  const metrics = aggregate(results.records, { baselines });
  return {
    metrics,
    summary: summaryRows(metrics, Array.isArray(order) ? order.filter((v): v is string => typeof v === "string") : []),
    verdicts: results.records.length ? verdicts(metrics) : [],
  };
}

/** Metrics of one variant and k, if it ran. */
export function metricsAt(a: RunAnalysis, variant: string, k: number): VariantKMetrics | undefined {
  return a.metrics.find((m) => m.variant === variant && m.k === k);
}
