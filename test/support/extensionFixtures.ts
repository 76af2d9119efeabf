// Synthetic query records for the extension/webview unit tests (deterministic, no model).
import type { QueryRecord } from "../../src/core/types";
import { at } from "./at";

/** Deterministic records: `correct(i)` decides whether record i is right. */
export function makeRecords(opts: {
  variants: string[];
  ks: number[];
  seeds: number[];
  queries: number;
  labels: string[];
  correct: (variant: string, k: number, i: number) => boolean;
}): QueryRecord[] {
  const out: QueryRecord[] = [];
  for (const variant of opts.variants)
    for (const k of opts.ks)
      for (const seed of opts.seeds)
        for (let q = 0; q < opts.queries; q++) {
          const gold = at(opts.labels, q % opts.labels.length);
          const ok = opts.correct(variant, k, q + seed * opts.queries);
          const predicted = ok ? gold : at(opts.labels, (q + 1) % opts.labels.length);
          const labels = opts.labels.map((l) => ({
            label: l,
            logProb: l === predicted ? -0.2 : -2,
            meanLogProb: l === predicted ? -0.2 : -2,
            firstTokenLogProb: -1,
            tokens: 1,
            prob: l === predicted ? 0.7 : 0.3 / (opts.labels.length - 1),
          }));
          out.push({ variant, k, seed, queryIndex: q, demoIndices: [], input: `input ${q}`, gold, labels, predicted, goldRank: ok ? 1 : 2 });
        }
  return out;
}
