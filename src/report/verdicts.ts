// Adapter from the verdict module (src/core/verdicts.ts, stats helper) to the report's cards.
import type { ResultsFile } from "../core/results/schema";
import type { ReportVerdict } from "./model";

export function reportVerdicts(_results: ResultsFile): ReportVerdict[] {
  return [];
}
