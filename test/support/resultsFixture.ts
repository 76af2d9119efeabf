// A small, hand-built results file for model-free tests of the schema, CSV and report code.
// The numbers are arbitrary but consistent (probabilities renormalised, ranks and predictions
// derived from the log-probs) so every derived value can be checked by hand.
import type { ResultsFile } from "../../src/core/results/schema";
import type { LabelScore, QueryRecord } from "../../src/core/types";
import { decideLabels, goldRankOf, tieWarning } from "../../src/core/labelDecision";
import { summarizeWarnings } from "../../src/core/warnings";
import { at } from "./at";

function scores(labels: string[], logProbs: number[]): LabelScore[] {
  const m = Math.max(...logProbs);
  const e = logProbs.map((l) => Math.exp(l - m));
  const s = e.reduce((a, b) => a + b, 0);
  return labels.map((label, i) => {
    const logProb = at(logProbs, i, "log-prob");
    return { label, logProb, meanLogProb: logProb, firstTokenLogProb: logProb, tokens: 1, prob: at(e, i) / s };
  });
}

function rec(variant: string, k: number, seed: number, q: number, gold: string, labels: string[], logProbs: number[], input = `input ${q}, "quoted"`): QueryRecord {
  const ls = scores(labels, logProbs);
  const d = decideLabels(ls);
  const r: QueryRecord = { variant, k, seed, queryIndex: q, demoIndices: k ? [10, 11, 12, 13].slice(0, k) : [], input, gold, labels: ls, predicted: d.predicted, goldRank: goldRankOf(ls, gold) };
  if (d.tied) Object.assign(r, { tied: d.tied, warnings: [tieWarning(d.tied, at(logProbs, labels.indexOf(at(d.tied, 0))))] });
  return r;
}

/**
 * gold: k=0 -> 2/4 correct, k=4 -> 4/4 (seed 1) and 3/4 (seed 2); ra-string: k=0 0/4 (one is a
 * tie: no prediction), k=4 3/4 (one seed each). gold k=4 seed 1 query 3 carries a boundary-merge
 * warning, the tie a label-tie warning.
 */
export function fixtureResults(): ResultsFile {
  const L = ["negative", "positive"];
  const R = ["bamok", "tusef"];
  const records: QueryRecord[] = [
    rec("gold", 0, 1, 0, "negative", L, [-1, -2]),
    rec("gold", 0, 1, 1, "positive", L, [-1, -2]),
    rec("gold", 0, 1, 2, "negative", L, [-3, -2]),
    rec("gold", 0, 1, 3, "positive", L, [-3, -2]),
    rec("gold", 4, 1, 0, "negative", L, [-0.1, -3]),
    rec("gold", 4, 1, 1, "positive", L, [-3, -0.1]),
    rec("gold", 4, 1, 2, "negative", L, [-0.2, -2]),
    {
      ...rec("gold", 4, 1, 3, "positive", L, [-2, -0.3]),
      warnings: [
        {
          code: "boundary-merge",
          message: 'label "positive": joint tokenization changes the prompt\'s last 1 token(s) [7] into [9, 4]; scored from the divergence point.',
          labels: ["positive"],
          tokens: [9, 4],
        },
      ],
    },
    rec("gold", 4, 2, 0, "negative", L, [-0.1, -3]),
    rec("gold", 4, 2, 1, "positive", L, [-3, -0.1]),
    rec("gold", 4, 2, 2, "negative", L, [-2, -0.2]),
    rec("gold", 4, 2, 3, "positive", L, [-2, -0.3], "line one\nline two, with comma"),
    rec("ra-string", 0, 1, 0, "bamok", R, [-5, -4]),
    rec("ra-string", 0, 1, 1, "tusef", R, [-5, -6]),
    rec("ra-string", 0, 1, 2, "bamok", R, [-5, -4]),
    rec("ra-string", 0, 1, 3, "tusef", R, [-4, -4]),
    rec("ra-string", 4, 1, 0, "bamok", R, [-1, -4]),
    rec("ra-string", 4, 1, 1, "tusef", R, [-5, -1]),
    rec("ra-string", 4, 1, 2, "bamok", R, [-1, -2]),
    rec("ra-string", 4, 1, 3, "tusef", R, [-1, -2]),
  ];
  return {
    schemaVersion: 3,
    manifest: {
      tool: { name: "icl-probe", version: "0.1.0" },
      engine: {
        name: "node-llama-cpp",
        version: "3.21.1",
        threads: 2,
        threadsReason: "2 thread(s): the physical core count",
        mode: "exact",
        kvCacheType: { key: "F32", value: "F32" },
        flashAttention: false,
        batchSize: 256,
        contextSize: 256,
      },
      model: { path: "/m/toy.gguf", fileName: "toy.gguf", sizeBytes: 1234, sha256: "a".repeat(64), architecture: "llama", vocabSize: 100 },
      demoFile: { path: "examples/toy.icl.jsonl", sha256: "b".repeat(64), format: "jsonl", examples: 40, classes: L },
      settings: {
        template: "Review: {input}\nSentiment: {label}",
        separator: "\n\n",
        instruction: "",
        verbalizers: {},
        k: [0, 4],
        seeds: [1, 2],
        queries: 4,
        selection: "fixed",
        balance: false,
        calibrate: false,
        variants: ["gold", "ra-string"],
      },
      planFingerprint: "f".repeat(32),
      startedAt: "2026-01-01T00:00:00.000Z",
      endedAt: "2026-01-01T00:01:00.000Z",
      status: "complete",
      progress: { done: records.length, total: 24 },
      machine: { platform: "linux", arch: "x64", cpus: 2, node: "v20.0.0" },
    },
    records,
    baselines: [
      { variant: "gold", k: 4, seed: 1, n: 4, majorityCorrect: 2, logregCorrect: 3 },
      { variant: "gold", k: 4, seed: 2, n: 4, majorityCorrect: 2, logregCorrect: 2 },
      { variant: "ra-string", k: 4, seed: 1, n: 4, majorityCorrect: 2, logregCorrect: 3 },
    ],
    warnings: { run: [], summary: summarizeWarnings(records) },
  };
}
