// The typed message protocol between the engine client (extension host / CLI) and the engine
// worker process that runs node-llama-cpp. One module, imported by both sides.
// Draft contract from the skeleton commit; the engine owner may extend it (keep both sides in sync).

import type { LabelScore } from "../core/types";

export interface LoadOptions {
  /** CPU threads; default: the machine's physical core count. */
  threads?: number;
  /** Context size in tokens; default: sized to the longest prompt, capped by the model. */
  contextSize?: number;
  gpu?: "auto" | "off" | "cuda" | "vulkan" | "metal";
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
}

/** A query to score given as text: the engine tokenizes `prefix + query` and `+ labelSep + label` jointly. */
export interface TextScoreItem {
  id: string;
  prefix: string;
  query: string;
  labelSep: string;
  labels: string[];
}

/** A query given as token ids (token-level variants). BOS is added by the engine when the model asks. */
export interface TokenScoreItem {
  id: string;
  prefixTokens: number[];
  queryTokens: number[];
  labelTokens: number[][];
  labels: string[];
}

export type ScoreItem = TextScoreItem | TokenScoreItem;

export interface ItemScore {
  id: string;
  labels: LabelScore[];
  /** Label token ids as found by joint tokenization. */
  labelTokenIds: number[][];
  /** Prompt length in tokens (prefix + query, BOS included). */
  promptTokens: number;
  warnings: string[];
}

export type EngineRequest =
  | { type: "load"; id: number; modelPath: string; options: LoadOptions }
  | { type: "info"; id: number }
  | { type: "tokenize"; id: number; texts: string[] }
  | { type: "score"; id: number; items: ScoreItem[] }
  | { type: "cancel"; id: number; target: number }
  | { type: "dispose"; id: number };

export type EngineErrorCode =
  | "file-missing"
  | "file-is-directory"
  | "not-gguf"
  | "truncated"
  | "corrupt"
  | "vocab-only"
  | "no-model"
  | "context-overflow"
  | "cancelled"
  | "crashed"
  | "internal";

export interface EngineError {
  code: EngineErrorCode;
  message: string;
  /** What the user can do about it. */
  hint?: string;
}

export type EngineEvent =
  | { kind: "progress"; done: number; total: number }
  | { kind: "log"; level: "debug" | "info" | "warn" | "error"; message: string };

export type EngineResponse =
  | { type: "result"; id: number; result: unknown }
  | { type: "error"; id: number; error: EngineError }
  | { type: "event"; id: number; event: EngineEvent };
