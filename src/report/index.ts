// Node side of the report: find Chart.js in the installed package and render the page (the runner
// writes it: src/runner/outputs.ts).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ResultsFile } from "../core/results/schema";
import { buildReportData } from "./model";
import { renderReportHtml } from "./html";
import { analyseRun, type RunAnalysis } from "../core/analysis";

let chartJs: string | undefined;

/** Chart.js UMD build, read from node_modules at runtime (the package does not export the path, so resolve its main file). */
export function chartJsSource(): string {
  if (chartJs !== undefined) return chartJs;
  const candidates: string[] = [];
  try {
    candidates.push(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"));
  } catch {
    /* not resolvable from here (bundled): try the paths below */
  }
  for (let dir = __dirname, i = 0; i < 6; i++, dir = dirname(dir)) candidates.push(join(dir, "node_modules", "chart.js", "dist", "chart.umd.min.js"));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`Chart.js not found (looked in ${candidates.slice(0, 3).join(", ")}); run npm ci`);
  chartJs = readFileSync(found, "utf8");
  return chartJs;
}

/** The report page; pass the run's analysis when the caller already has it (a run's outputs share one). */
export function renderReport(results: ResultsFile, analysis: RunAnalysis = analyseRun(results)): string {
  return renderReportHtml(buildReportData(results, analysis), chartJsSource());
}
