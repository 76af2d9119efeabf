// Adapter from the verdict module (src/core/verdicts.ts) to the report's cards. Verdicts are
// derived from the records each time (never stored), so a report always reflects the current
// statistics code and the file stays the single source of truth.
import type { ResultsFile } from "../core/results/schema";
import { aggregate } from "../core/metrics";
import { verdicts } from "../core/verdicts";
import type { ReportVerdict } from "./model";

export function reportVerdicts(results: Pick<ResultsFile, "records" | "baselines">): ReportVerdict[] {
  if (results.records.length === 0) return [];
  const metrics = aggregate(results.records, { baselines: results.baselines ?? [] });
  return verdicts(metrics).map((v) => ({
    id: v.id,
    title: v.title,
    status: v.status,
    text: v.text,
    runs: [...new Set(v.runs.map((r) => r.variant))],
    conditions: v.conditions.map((c) => ({ text: c.text, status: c.status, detail: c.detail })),
    ...(v.missing?.length ? { missing: v.missing } : {}),
  }));
}
