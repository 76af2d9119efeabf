// Files a finished (or interrupted) run leaves next to results.json: CSVs and the HTML report.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseResults } from "../core/results/load";
import type { ResultsFile } from "../core/results/schema";
import { classesCsv, confusionsCsv, scoresCsv, summaryCsv } from "../core/results/csv";
import { analyseRun, type RunAnalysis } from "../core/analysis";
import { writeFileAtomic } from "./checkpoint";
import { renderReport } from "../report";
import type { Figure } from "../core/figures/types";
import { paperFigureSvg } from "../report/figures";

export interface OutputFiles {
  results: string;
  scoresCsv: string;
  summaryCsv: string;
  report: string;
  /** Every class per variant and k (the report's per-class tables are capped for many classes). */
  classesCsv: string;
  /** Every confusion (gold -> predicted) that occurred, per variant and k. */
  confusionsCsv: string;
}

/** Writes the CSVs and the report from one analysis of the run (computed here unless the caller has it). */
export function writeOutputs(outDir: string, results: ResultsFile, analysis: RunAnalysis = analyseRun(results)): OutputFiles {
  const files: OutputFiles = {
    results: join(outDir, "results.json"),
    scoresCsv: join(outDir, "scores.csv"),
    summaryCsv: join(outDir, "summary.csv"),
    report: join(outDir, "report.html"),
    classesCsv: join(outDir, "classes.csv"),
    confusionsCsv: join(outDir, "confusions.csv"),
  };
  writeFileAtomic(files.scoresCsv, scoresCsv(results));
  writeFileAtomic(files.summaryCsv, summaryCsv(analysis.summary));
  writeFileAtomic(files.classesCsv, classesCsv(results));
  writeFileAtomic(files.confusionsCsv, confusionsCsv(results));
  writeReport(results, files.report, analysis);
  return files;
}

/** Writes the report of a run (its analysis when the caller has it). */
export function writeReport(results: ResultsFile, outPath: string, analysis?: RunAnalysis): void {
  writeFileAtomic(outPath, renderReport(results, analysis));
}

/** icl-probe report: reads (migrates, validates) a results file and writes its report. */
export function writeReportFromFile(resultsPath: string, outPath: string): ResultsFile {
  const results = parseResults(readFileSync(resultsPath, "utf8"), resultsPath);
  writeReport(results, outPath);
  return results;
}

export interface FigureFiles {
  /** figures.json: the figures' data (src/core/figures), as drawn. */
  data: string;
  /** figures/<n>-<id>.svg, one per figure (black on white, for papers). */
  svgs: string[];
}

/** A study's figures next to its results: their data and one SVG each (the panel and the report draw the same). */
export function writeFigures(outDir: string, figures: readonly Figure[]): FigureFiles {
  const data = join(outDir, "figures.json");
  writeFileAtomic(data, JSON.stringify({ figures }, null, 1));
  const svgs = figures.map((f) => {
    const p = join(outDir, "figures", `${f.number}-${f.id}.svg`);
    writeFileAtomic(p, paperFigureSvg(f) + "\n");
    return p;
  });
  return { data, svgs };
}
