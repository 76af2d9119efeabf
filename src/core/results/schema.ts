// The results file: what a run writes (results.json) and what the report, the CSV export and the
// editor read back. Versioned so that files written by older builds still load (see migrate.ts and
// docs/RESULTS_SCHEMA.md). Pure types: no file access here.
import type { LabelScore, ProbeSettings, QueryRecord, DemoFormat } from "../types";
import type { RunWarnings, ScoreWarning } from "../warnings";
import type { StudyManifest } from "../study/resolve";

/** Bump when the shape changes; add a step to migrate.ts for the previous version. */
export const RESULTS_SCHEMA_VERSION = 3;

export type RunStatus = "running" | "interrupted" | "failed" | "complete";

/** The model as identified from the file itself (GGUF metadata via the engine's info request). */
export interface ModelManifest {
  /** Path as given by the user (absolute). */
  path: string;
  fileName: string;
  sizeBytes: number;
  /** Streamed SHA-256 of the whole file, lower-case hex. */
  sha256: string;
  architecture: string;
  vocabSize: number;
  tokenizerModel?: string;
  trainContextSize?: number;
  quantization?: string;
  /**
   * A model served by vLLM or SGLang (docs/REMOTE.md): the API, the server's host[:port] and the
   * served model name, nothing else of the URL. For these, path is "<api>+http(s)://host#model",
   * sizeBytes 0, and sha256 hashes the model name and its tokenizer (there is no file).
   */
  remote?: { api: "vllm" | "sglang"; host: string; model: string };
}

/**
 * How label scores are computed (docs/ENGINE.md "Scoring modes"): "exact" (the default) keeps the
 * KV cache in F32 and agrees with a from-scratch evaluation to ~1e-5; "fast" uses the F16 KV cache.
 */
export type ScoringMode = "exact" | "fast";

/** The engine configuration that produced the scores. Fields marked v3 are absent in older files. */
export interface EngineManifest {
  name: "node-llama-cpp" | "vllm" | "sglang";
  /** node-llama-cpp version. */
  version: string;
  threads: number;
  /** v3, local engine: why this thread count (the rule that chose it, or the user's setting). */
  threadsReason?: string;
  /** v3, local engine: scoring mode; part of the plan fingerprint, so a resume never mixes modes. */
  mode?: ScoringMode;
  /** v3: llama.cpp KV cache element types (F32 in exact mode, F16 in fast mode). */
  kvCacheType?: { key: string; value: string };
  /** v3 */
  flashAttention?: boolean;
  /** v3: llama.cpp batch size of the largest context the run used. */
  batchSize?: number;
  /** v3: largest context size (tokens) the run used; the engine sizes it to the longest prompt. */
  contextSize?: number;
  /** Remote: requests in flight at most. */
  concurrency?: number;
}

export interface RunManifest {
  tool: { name: "icl-probe"; version: string };
  /** node-llama-cpp, or the server that scored (vLLM, SGLang: version as the server reports it, threads 0). */
  engine: EngineManifest;
  model: ModelManifest;
  /** `shape`: what the parser recognised (v3), e.g. "headerless CSV, 3 columns (...)"; `encoding` when not UTF-8. */
  demoFile: { path: string; sha256: string; format: DemoFormat; shape?: string; encoding?: string; examples: number; classes: string[] };
  /** All settings used (file header merged with overrides), including variants, k values and seeds. */
  settings: ProbeSettings;
  /** Hash of everything that determines the plan and the numbers; resume refuses a mismatch. */
  planFingerprint: string;
  /** ISO-8601 UTC. */
  startedAt: string;
  endedAt?: string;
  status: RunStatus;
  /** Scored queries / planned queries (calibration items not counted). */
  progress: { done: number; total: number };
  machine: { platform: string; arch: string; cpus: number; node: string };
  /** Why the run stopped early, when it did. */
  error?: string;
  /** Cells of the grid that were not run, and why (v3): unbuildable variants, prompts longer than the context. */
  skipped?: SkippedCell[];
  /**
   * The label words natural-g variants chose (v3): per variant and seed, each class's label word
   * and its synonym/antonym/keyword (or chain), with where it came from (WordNet or a word list).
   */
  mappings?: { variant: string; seed: number; rows: { from: string; to: string; chain?: string[]; note?: string }[] }[];
  /** v3, optional: the study this run is (`icl-probe study`, src/core/study): its id, main k, k curve, draws and figures. */
  study?: StudyManifest;
}

/** A variant, or one (variant, k, seed) cell, left out of a run before scoring, with the reason. */
export interface SkippedCell {
  variant: string;
  k?: number;
  seed?: number;
  code: "variant-unbuildable" | "context-overflow" | "labels-share-tokens";
  reason: string;
}

/**
 * Scores of one content-free input ("N/A", "", "[MASK]") with the same demos as the queries of a
 * demo set (contextual calibration, Zhao et al. 2021).
 */
export interface CalibrationRecord {
  variant: string;
  k: number;
  seed: number;
  demoIndices: number[];
  input: string;
  labels: LabelScore[];
  /** What the engine found about this content-free prompt (absent when nothing). */
  warnings?: ScoreWarning[];
}

/** Model-free baselines on exactly the demos the model saw, for one (variant, k, seed). */
export interface BaselineRecord {
  variant: string;
  k: number;
  seed: number;
  /** Queries evaluated. */
  n: number;
  /** Correct predictions of each baseline on those queries (expected counts on ties and at k = 0, so possibly fractional). */
  majorityCorrect: number;
  logregCorrect: number;
}

export interface ResultsFile {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  manifest: RunManifest;
  records: QueryRecord[];
  calibration?: CalibrationRecord[];
  baselines?: BaselineRecord[];
  /** Run-level warnings and the per-code counts of the whole run (src/core/warnings.ts); written by every v3 run. */
  warnings?: RunWarnings;
}

/** Stable identity of a query record within a run (resume skips keys already present). */
export function recordKey(r: { variant: string; k: number; seed: number; queryIndex: number }): string {
  return `${r.variant}\u0001${r.k}\u0001${r.seed}\u0001${r.queryIndex}`;
}

/** Identity of a calibration record: content-free input with a given demo set. */
export function calibrationKey(r: { variant: string; k: number; seed: number; demoIndices: readonly number[]; input: string }): string {
  return `${r.variant}\u0001${r.k}\u0001${r.seed}\u0001${r.demoIndices.join(",")}\u0001${r.input}`;
}
