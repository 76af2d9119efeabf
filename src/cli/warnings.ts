// The warnings block of `icl-probe run`'s summary: per code, how many queries carry it and where,
// one example message, and what to do (the table in src/core/warnings.ts), so a user sees on the
// terminal that the numbers above need a second look before opening the report.
import type { ResultsFile } from "../core/results/schema";
import { runWarningsOf, warningInfo, type WarningCount } from "../core/warnings";

const MAX_CELLS = 4;
const MAX_RUN = 5;

function where(c: WarningCount): string {
  const cells = c.cells.slice(0, MAX_CELLS).map((x) => `${x.variant} k=${x.k}: ${x.queries}`);
  if (c.cells.length > MAX_CELLS) cells.push(`${c.cells.length - MAX_CELLS} more`);
  return cells.join(", ");
}

/** Lines to print after the summary table; empty when the run has no warnings. */
export function warningLines(results: Pick<ResultsFile, "records" | "calibration" | "warnings">): string[] {
  const { run, summary } = runWarningsOf(results);
  if (summary.length === 0) return [];
  const withAny = results.records.filter((r) => r.warnings?.length).length;
  const out = [`warnings: ${withAny} of ${results.records.length} queries carry warnings${run.length ? `, ${run.length} about the run` : ""} (all of them in results.json and report.html)`];
  for (const c of summary) {
    const info = warningInfo(c.code);
    const counts = [
      c.queries ? `${c.queries} quer${c.queries === 1 ? "y" : "ies"}${c.cells.length ? ` (${where(c)})` : ""}` : "",
      c.calibration ? `${c.calibration} calibration` : "",
      c.run ? `${c.run} run-level` : "",
    ]
      .filter(Boolean)
      .join(", ");
    out.push(`  ${c.code} [${info.severity}]: ${info.title}; ${counts}`);
    const example = results.records.find((r) => r.warnings?.some((w) => w.code === c.code))?.warnings?.find((w) => w.code === c.code);
    if (example) out.push(`    e.g. ${example.message}`);
    for (const w of run.filter((x) => x.code === c.code).slice(0, MAX_RUN)) out.push(`    ${w.message}`);
    out.push(`    what to do: ${info.action}`);
  }
  return out;
}
