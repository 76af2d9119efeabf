// Files a finished (or interrupted) run leaves next to results.json: CSVs and the HTML report.
import { join } from "node:path";
import type { ResultsFile } from "../core/results/schema";
import { scoresCsv, summaryCsv } from "../core/results/csv";
import { summarize } from "../core/results/summary";
import { writeFileAtomic } from "./checkpoint";
import { renderReport } from "../report";

export interface OutputFiles {
  results: string;
  scoresCsv: string;
  summaryCsv: string;
  report: string;
}

export function writeOutputs(outDir: string, results: ResultsFile): OutputFiles {
  const files: OutputFiles = {
    results: join(outDir, "results.json"),
    scoresCsv: join(outDir, "scores.csv"),
    summaryCsv: join(outDir, "summary.csv"),
    report: join(outDir, "report.html"),
  };
  writeFileAtomic(files.scoresCsv, scoresCsv(results));
  writeFileAtomic(files.summaryCsv, summaryCsv(summarize(results)));
  writeFileAtomic(files.report, renderReport(results));
  return files;
}
