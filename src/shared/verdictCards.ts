// Hypothesis verdict cards for the results panel, computed in the extension from the records
// with the stats helper's metrics and verdict rules (src/core/metrics.ts, verdicts.ts), so the
// panel states the same verdicts as the report and the CLI. A results file may also carry
// verdicts of its own; buildRunView uses those when present.
import { aggregate, type BaselineInput } from "../core/metrics";
import { verdicts } from "../core/verdicts";
import type { QueryRecord } from "../core/types";
import type { VerdictCard } from "./viewModel";

function fmt(v: number | string): string {
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 0.01 ? 4 : 3);
}

export function computeVerdictCards(records: readonly QueryRecord[], baselines?: unknown): VerdictCard[] {
  if (records.length === 0) return [];
  const bl = Array.isArray(baselines) ? (baselines as BaselineInput[]) : undefined;
  const metrics = aggregate(records, { baselines: bl });
  return verdicts(metrics).map((v) => ({
    id: v.id,
    title: v.title,
    status: v.status,
    text: v.text + (v.missing?.length ? ` (not run: ${v.missing.join(", ")})` : ""),
    numbers: Object.entries(v.numbers).slice(0, 12).map(([name, value]) => ({ name, value: fmt(value) })),
    conditions: v.conditions.map((c) => ({ text: c.text, status: c.status, detail: c.detail })),
  }));
}
