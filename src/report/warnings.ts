// The report's warnings: per code what it means, what to do, how many queries carry it and where,
// a few example queries with their messages, and the run-level warnings (pure; rendered by
// html.ts and embedded in the page's JSON like the rest of the report data).
import type { ResultsFile } from "../core/results/schema";
import { runWarningsOf, warningInfo, type WarningCount, type WarningInfo } from "../core/warnings";

/** Example queries listed per code (the CSV and results.json have all of them). */
export const REPORT_WARNING_EXAMPLES = 5;

export interface ReportWarning extends WarningCount, Pick<WarningInfo, "severity" | "title" | "meaning" | "action"> {
  examples: { variant: string; k: number; seed: number; queryIndex: number; input: string; message: string }[];
  runMessages: string[];
}

export interface ReportWarnings {
  /** Query records carrying at least one warning. */
  queries: number;
  records: number;
  codes: ReportWarning[];
}

export function reportWarnings(results: Pick<ResultsFile, "records" | "calibration" | "warnings">): ReportWarnings {
  const { run, summary } = runWarningsOf(results);
  return {
    queries: results.records.filter((r) => r.warnings?.length).length,
    records: results.records.length,
    codes: summary.map((c) => {
      const { severity, title, meaning, action } = warningInfo(c.code);
      const examples: ReportWarning["examples"] = [];
      for (const r of results.records) {
        if (examples.length >= REPORT_WARNING_EXAMPLES) break;
        const w = r.warnings?.find((x) => x.code === c.code);
        if (w) examples.push({ variant: r.variant, k: r.k, seed: r.seed, queryIndex: r.queryIndex, input: r.input, message: w.message });
      }
      return { ...c, severity, title, meaning, action, examples, runMessages: run.filter((w) => w.code === c.code).map((w) => w.message) };
    }),
  };
}
