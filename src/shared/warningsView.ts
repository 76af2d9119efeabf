// What the results panel shows of a run's warnings (a badge, a list with counts per code, what each
// means and what to do) and the query-grid page of the queries that carry one code. Pure, like
// viewModel.ts, and built in the extension host; kept in its own module so the panel's warnings
// stay apart from the statistics views.
import type { QueryRecord } from "../core/types";
import type { ResultsLike } from "./resultsShape";
import { runWarningsOf, warningCodes, warningInfo, type RunWarnings, type WarningCount } from "../core/warnings";
import { toRow, type QueryPage } from "./viewModel";

export interface WarningRowView extends Pick<WarningCount, "code" | "queries" | "occurrences" | "calibration" | "run" | "cells"> {
  title: string;
  severity: "warning" | "info";
  meaning: string;
  action: string;
  /** Run-level messages (a variant that fell back), at most a few. */
  runMessages: string[];
}

export interface WarningsView {
  /** Query records carrying at least one warning. */
  queries: number;
  codes: WarningRowView[];
}

const MAX_RUN_MESSAGES = 5;

function stored(results: ResultsLike): RunWarnings | undefined {
  const w = results.warnings as RunWarnings | undefined;
  return w && Array.isArray(w.run) && Array.isArray(w.summary) ? w : undefined;
}

export function warningsView(results: ResultsLike): WarningsView {
  const { run, summary } = runWarningsOf({ records: results.records, calibration: Array.isArray(results.calibration) ? results.calibration : [], warnings: stored(results) });
  return {
    queries: results.records.filter((r) => r.warnings?.length).length,
    codes: summary.map((c) => {
      const i = warningInfo(c.code);
      return {
        code: c.code,
        queries: c.queries,
        occurrences: c.occurrences,
        calibration: c.calibration,
        run: c.run,
        cells: c.cells,
        title: i.title,
        severity: i.severity,
        meaning: i.meaning,
        action: i.action,
        runMessages: run
          .filter((w) => w.code === c.code)
          .slice(0, MAX_RUN_MESSAGES)
          .map((w) => w.message),
      };
    }),
  };
}

/** One page of the queries (all variants and k) whose record carries `code`, in file order. */
export function warningQueryPage(runId: string, records: readonly QueryRecord[], code: string, offset: number, limit: number, selection: { variant: string; k: number }): QueryPage {
  const lim = Math.max(1, Math.min(500, Math.floor(limit)));
  const off = Math.max(0, Math.floor(offset));
  const rows = [];
  let total = 0;
  for (const [i, r] of records.entries()) {
    if (!warningCodes(r.warnings).includes(code as never)) continue;
    if (total >= off && rows.length < lim) rows.push(toRow(r, i));
    total++;
  }
  return { runId, variant: selection.variant, k: selection.k, offset: off, total, rows, warning: code };
}
