// A synthetic results file over many classes (no model): every record scores every label, and
// every third query is confused with a "neighbour" class, so confusions repeat. Used by the
// many-class tests and the many-class benchmark.
import type { ResultsFile } from "../../src/core/results/schema";
import type { QueryRecord } from "../../src/core/types";
import { fixtureResults } from "./resultsFixture";
import { at } from "./at";

export function classLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `word${i}`);
}

/** A run over `n` classes: variants x k x queries records (one seed). */
export function manyClassRun(n: number, variants: string[], ks: number[], queries: number): ResultsFile {
  const labels = classLabels(n);
  const base = fixtureResults();
  const records: QueryRecord[] = [];
  for (const variant of variants)
    for (const k of ks)
      for (let q = 0; q < queries; q++) {
        const gold = at(labels, (q * 37) % n);
        const predicted = q % 3 === 0 ? at(labels, (((q * 37) % n) + 1) % n) : gold;
        const ls = labels.map((label) => ({
          label,
          logProb: label === predicted ? -0.5 : -9 - (label.length % 3),
          meanLogProb: -3,
          firstTokenLogProb: -2,
          tokens: 3,
          prob: label === predicted ? 0.9 : 0.1 / (n - 1),
        }));
        records.push({
          variant,
          k,
          seed: 1,
          queryIndex: q,
          demoIndices: Array.from({ length: k }, (_, i) => i + 100),
          input: `input ${q}`,
          gold,
          labels: ls,
          predicted,
          goldRank: predicted === gold ? 1 : 2,
        });
      }
  return {
    ...base,
    manifest: {
      ...base.manifest,
      settings: { ...base.manifest.settings, variants, k: ks, seeds: [1], queries },
      demoFile: { ...base.manifest.demoFile, classes: labels, examples: n },
      progress: { done: records.length, total: records.length },
    },
    records,
    baselines: [],
    calibration: undefined,
  } as ResultsFile;
}
