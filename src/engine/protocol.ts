// The typed message protocol between the engine client (extension host / CLI) and the engine
// worker process that runs node-llama-cpp. One module, imported by both sides, so a change to a
// message shape is a compile error on both ends. Messages travel over the Node IPC channel of
// child_process.fork (JSON serialization), so everything here must be plain JSON data.
// See docs/ENGINE.md for the process model and the scoring math.

import type { LabelScore } from "../core/types";
import type { ScoreWarning } from "../core/warnings";
import type { ScoringMode } from "../core/results/schema";

export type { ScoringMode };

export interface LoadOptions {
  /** CPU threads; default: the machine's physical core count, 1 for a small model or when other work holds a core at load (see threads.ts). */
  threads?: number;
  /** Fixed context size in tokens; default: sized to the longest prompt of each score batch, capped by the model. */
  contextSize?: number;
  gpu?: "auto" | "off" | "cuda" | "vulkan" | "metal";
  /**
   * Scoring mode (default "exact"): "exact" keeps the KV cache in F32, so prefix reuse agrees with
   * a from-scratch evaluation to ~1e-5; "fast" uses llama.cpp's default F16 KV cache (half the KV
   * memory; measured up to 3e-2 from exact mode on a Q8_0 model). Both run one sequence with flash
   * attention off and are run-to-run deterministic. See docs/ENGINE.md "Scoring modes".
   */
  mode?: ScoringMode;
  /** Load only the tokenizer (tokenize/vocab work, score does not). Required for vocab-only files. */
  vocabOnly?: boolean;
  /**
   * Skip the pure-JS GGUF pre-check. Only for tests of the crash path: a malformed file then
   * reaches llama.cpp, which may abort the engine process (the client reports "crashed").
   */
  skipPrecheck?: boolean;
}

export interface ModelInfo {
  path: string;
  fileName: string;
  sizeBytes: number;
  architecture: string;
  vocabSize: number;
  trainContextSize: number;
  tokenizerModel: string;
  bos: number | null;
  addsBos: boolean;
  quantization?: string;
  nodeLlamaCppVersion: string;
  threads: number;
  /** Why this thread count (physical cores, small model, contention measured at load, or the caller's choice). */
  threadsReason: string;
  /** True when only the tokenizer was loaded. */
  vocabOnly: boolean;
  layers: number;
  embeddingLength: number;
  heads: number;
  kvHeads: number;
  /** The scoring mode this model was loaded with (LoadOptions.mode). Absent for a remote server, which scores its own way. */
  mode?: ScoringMode;
  /** llama.cpp KV cache element types: F32 in exact mode, F16 in fast mode (local engine only). */
  kvCacheType?: { key: "F32" | "F16"; value: "F32" | "F16" };
  /** Local engine only. */
  flashAttention?: boolean;
  /** Context currently allocated (0 before the first score). */
  contextSize: number;
  /** llama.cpp batch size of the current context (0 before the first score; absent for a remote server). */
  batchSize?: number;
  /** Sequences in the context (0 before the first score): 1 in exact mode; in fast mode the lanes whose queries are decoded together. */
  sequences: number;
  /**
   * Fast mode: the largest |Δ logProb| (nats) from exact mode that the benchmark measured for
   * this mode (docs/ENGINE.md "Scoring modes"); a measured figure, not a guarantee. Absent in
   * exact mode.
   */
  measuredDeviationFromExact?: number;
  /** Estimated KV-cache bytes of the current context (F32 or F16 per the mode). */
  kvCacheBytes: number;
}

/** Where a demonstration sits in a TextScoreItem's prefix (character offsets, end exclusive). */
export interface DemoSpan {
  /** Start of the demo's text in `prefix`. */
  start: number;
  /** End of the demo's text (before the separator to the next example). */
  end: number;
  /** Offset of the demo's label word in `prefix` (the label is preceded by `labelSep` there). */
  labelStart?: number;
  /** The label word as written in this demo. */
  label?: string;
}

/** A query to score given as text: the engine tokenizes `prefix + query` and `+ labelSep + label` jointly. */
export interface TextScoreItem {
  id: string;
  prefix: string;
  query: string;
  labelSep: string;
  labels: string[];
  /** Gold label (one of `labels`): the result then carries its rank. */
  gold?: string;
  /**
   * Optional demo positions: enable the "label tokenized differently in the demos" check and,
   * on context overflow, the report of the largest k that fits.
   */
  demos?: DemoSpan[];
  /**
   * Characters at the end of `prefix` that are the template's constant text before the query's
   * input (the runner moves it there so the group's canonical prefix covers it: items.ts
   * textScoreItem). They belong to no demo: the largest-k report leaves them out of the last
   * demo's length.
   */
  leadLength?: number;
}

/** A query given as token ids (token-level variants). BOS is added by the engine when the model asks. */
export interface TokenScoreItem {
  id: string;
  prefixTokens: number[];
  queryTokens: number[];
  labelTokens: number[][];
  labels: string[];
  gold?: string;
  /** Token count of each demo in prefixTokens, for the largest-k report on context overflow. */
  demoTokenLengths?: number[];
  /**
   * Per label, how many of the prompt's last tokens its joint tokenization replaces (a boundary
   * merge, as TextScoreItem finds by itself): label i is scored as
   * prompt[0 .. |prompt| - labelOverlap[i]) + labelTokens[i], from the divergence point, exactly
   * as the text path does. Absent or 0: the label tokens follow the whole prompt.
   */
  labelOverlap?: number[];
}

export type ScoreItem = TextScoreItem | TokenScoreItem;

export function isTokenItem(item: ScoreItem): item is TokenScoreItem {
  return Array.isArray((item as TokenScoreItem).prefixTokens);
}

export interface ItemScore {
  id: string;
  labels: LabelScore[];
  /** Label token ids as found by joint tokenization (the scored continuation of each label). */
  labelTokenIds: number[][];
  /** Prompt length in tokens (prefix + query, BOS included). */
  promptTokens: number;
  /** Label with the highest logProb; "" when several labels tie for it (src/core/labelDecision.ts). */
  predicted: string;
  /** Labels sharing the highest logProb, when two or more do. */
  tied?: string[];
  /** 1-based rank of `gold` by logProb (equal scores count against the gold), when gold was given. */
  goldRank?: number;
  /** Tokenization and underflow warnings (src/core/warnings.ts codes; ties are in `tied`). */
  warnings: ScoreWarning[];
}

/** Work accounting of one score request, for the benchmark and the logs. */
export interface ScoreStats {
  items: number;
  /** Distinct prefixes (groups evaluated once each). */
  groups: number;
  /** Tokens actually passed to the model. */
  evaluatedTokens: number;
  /**
   * Minimum tokens any exact scorer must evaluate: the distinct token prefixes among all label
   * sequences (each without its last token): each demo prefix once, each query's own tokens
   * once, label tokens shared between labels once.
   */
  minimumTokens: number;
  /**
   * Tokens of the canonical plan on an empty cache (scorer.plannedTokens): each group's prefix
   * once, then every query's own tokens. Evaluated equals it unless a warm cache saved some
   * prefix chunks (then it is lower) or the request was cancelled. Local engine only.
   */
  plannedTokens?: number;
  /** Positions at which the full next-token distribution was read. */
  distributions: number;
  contextSize: number;
  ms: number;
  /** Of `ms`, the time spent tokenizing and preparing the items (local engine; the benchmark reports its share). */
  prepareMs?: number;
}

export interface ScoreResult {
  items: ItemScore[];
  stats: ScoreStats;
}

export type VocabTokenType = "normal" | "control" | "byte" | "unknown" | "user" | "unused";

export interface VocabEntry {
  id: number;
  /** Detokenized text of the token alone (special tokens rendered). */
  text: string;
  /** The raw vocabulary piece, e.g. "▁positive" or "Ġpositive". */
  piece: string;
  type: VocabTokenType;
}

/** Rows of the model's input embedding table (token_embd.weight), dequantized to float32 values. */
export interface EmbeddingRows {
  tensor: string;
  /** The tensor's ggml type as stored in the file, e.g. "Q4_K". */
  type: string;
  /** Embedding length (values per row). */
  dim: number;
  /** Rows in the table (the vocabulary size). */
  vocab: number;
  /** One row per requested token, in request order. */
  rows: number[][];
}

export type EngineRequest =
  | { type: "load"; id: number; modelPath: string; options: LoadOptions }
  | { type: "info"; id: number }
  | { type: "tokenize"; id: number; texts: string[]; addBos?: boolean }
  | { type: "detokenize"; id: number; tokens: number[][] }
  | { type: "vocab"; id: number }
  | { type: "score"; id: number; items: ScoreItem[]; /** Send each ItemScore as an "item" event when scored. */ stream?: boolean }
  /** Input embeddings of the given token ids, read from the model file (g-linear). */
  | { type: "embeddings"; id: number; tokens: number[] }
  | { type: "cancel"; id: number; target: number }
  | { type: "dispose"; id: number };

/** Result type of each request, used by the client to type its promises. */
export interface EngineResults {
  load: ModelInfo;
  info: ModelInfo;
  tokenize: number[][];
  detokenize: string[];
  vocab: VocabEntry[];
  score: ScoreResult;
  embeddings: EmbeddingRows;
  cancel: { cancelled: boolean };
  dispose: { disposed: true };
}

export type EngineErrorCode =
  | "file-missing"
  | "file-is-directory"
  | "not-gguf"
  | "truncated"
  | "corrupt"
  | "vocab-only"
  | "no-model"
  | "load-failed"
  | "invalid-request"
  | "context-overflow"
  | "unsupported"
  | "cancelled"
  | "crashed"
  | "disposed"
  /** Remote backend (src/remote/, docs/REMOTE.md): the server cannot be reached, refused the request, lacks prompt log-probs, or kept failing. */
  | "remote-unreachable"
  | "remote-refused"
  | "remote-unsupported"
  | "remote-failed"
  | "internal";

export interface EngineError {
  code: EngineErrorCode;
  message: string;
  /** What the user can do about it. */
  hint?: string;
}

/** Thrown by the client (and inside the worker) for every engine error. */
export class EngineFailure extends Error {
  readonly code: EngineErrorCode;
  readonly hint?: string;
  constructor(code: EngineErrorCode, message: string, hint?: string) {
    super(message);
    this.name = "EngineFailure";
    this.code = code;
    this.hint = hint;
  }
  toJSON(): EngineError {
    return { code: this.code, message: this.message, hint: this.hint };
  }
  static from(e: EngineError): EngineFailure {
    return new EngineFailure(e.code, e.message, e.hint);
  }
}

export type EngineEvent =
  | { kind: "ready"; pid: number }
  | { kind: "progress"; done: number; total: number }
  /** One scored query, as soon as it is scored (score requests with stream: true). */
  | { kind: "item"; item: ItemScore }
  | { kind: "log"; level: "debug" | "info" | "warn" | "error"; message: string };

export type EngineResponse =
  | { type: "result"; id: number; result: unknown }
  | { type: "error"; id: number; error: EngineError }
  /** Events: id is the request they belong to, 0 for process-wide events (ready, logs). */
  | { type: "event"; id: number; event: EngineEvent };
