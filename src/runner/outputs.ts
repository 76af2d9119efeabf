// Files a finished (or interrupted) run leaves next to results.json: CSVs and the HTML report.
import { join } from "node:path";
import type { ResultsFile } from "../core/results/schema";
import { scoresCsv, summaryCsv } from "../core/results/csv";
import { analyseRun, type RunAnalysis } from "../core/analysis";
import { writeFileAtomic } from "./checkpoint";
import { renderReport } from "../report";

export interface OutputFiles {
  results: string;
  scoresCsv: string;
  summaryCsv: string;
  report: string;
}

/** Writes the CSVs and the report from one analysis of the run (computed here unless the caller has it). */
export function writeOutputs(outDir: string, results: ResultsFile, analysis: RunAnalysis = analyseRun(results)): OutputFiles {
  const files: OutputFiles = {
    results: join(outDir, "results.json"),
    scoresCsv: join(outDir, "scores.csv"),
    summaryCsv: join(outDir, "summary.csv"),
    report: join(outDir, "report.html"),
  };
  writeFileAtomic(files.scoresCsv, scoresCsv(results));
  writeFileAtomic(files.summaryCsv, summaryCsv(analysis.summary));
  writeFileAtomic(files.report, renderReport(results, analysis));
  return files;
}
