// Shared domain types. Everything in src/core is pure: no `vscode`, no `node-llama-cpp`,
// no file-system access (callers read files and pass text), so it runs in tests, the CLI,
// the engine process and the extension alike.
import type { ScoreWarning } from "./warnings";

export type Severity = "error" | "warning" | "info";

/** One problem found in a demonstration file. Lines and columns are 1-based. */
export interface Problem {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  severity: Severity;
  /** Stable machine code, e.g. "invalid-json", "missing-label" (quick fixes key on it). */
  code: string;
  message: string;
  /** A plain sentence telling the user what to do. */
  hint: string;
  /** Optional machine-applicable replacement for quick fixes. */
  fix?: { line: number; column: number; endColumn: number; replacement: string; title: string };
}

/** One demonstration example as read from the file. `label` is the class as written. */
export interface Example {
  /** 0-based position among the file's valid examples. */
  index: number;
  /** 1-based line in the source file. */
  line: number;
  input: string;
  label: string;
}

export type SelectionMode = "fixed" | "per-query";

/** Settings of a probe. The file header provides defaults; CLI flags / editor settings override. */
export interface ProbeSettings {
  /** Example template with `{input}` and `{label}`, e.g. "Review: {input}\nSentiment: {label}". */
  template: string;
  /** Text between consecutive examples (and between the last demo and the query). */
  separator: string;
  /** Optional text placed before the first example (may be ""). */
  instruction: string;
  /** Declared classes in order, or undefined to take them from the data (first appearance). */
  classes?: string[];
  /** class -> label word shown in the prompt (identity when absent). */
  verbalizers: Record<string, string>;
  k: number[];
  seeds: number[];
  queries: number;
  selection: SelectionMode;
  balance: boolean;
  calibrate: boolean;
  variants: string[];
  /**
   * User-supplied word lists for the natural-g variants (ra-synonym, ra-antonym, ra-keyword,
   * g-*, ra-chain-m): label word -> candidates, consulted before WordNet.
   */
  wordLists?: { synonyms?: Record<string, string[]>; antonyms?: Record<string, string[]>; keywords?: Record<string, string[]> };
  /**
   * Where the input and the label are read from (docs/DEMO_FILES.md, column mapping): a column
   * or key name, a 1-based column number (headerless files), or a template over several columns
   * such as "{title}. {description}" or "{2}. {3}". Absent: the usual names (input/text/...).
   */
  columns?: { input?: string | number; label?: string | number };
  /**
   * Raw label -> class name ({"0": "negative", "1": "positive"}), or the lines of a classes file
   * (index i names raw label i, or i + 1 when the labels count from 1).
   */
  labelMap?: Record<string, string> | string[];
  /** CSV/TSV: whether the first row names the columns (absent: detected). */
  headerRow?: boolean;
  /** The file's shape when detection should not decide (absent: detected from name and content). */
  format?: DemoFormat;
  /**
   * Results v3, optional: the grid as blocks of variants x k, for a plan whose variants do not all
   * run at every k (a study: tau_RA over a k curve, the correlation draws at one k). Absent: every
   * variant at every k. When present, `variants` and `k` are the union of the blocks' (set by
   * whoever builds the grid, e.g. src/core/study), and the plan runs only the blocks' cells.
   */
  grid?: GridBlock[];
}

/** One block of a grid: these variants (keys or draw ranges such as "ra-token#0..49") at these k. */
export interface GridBlock {
  variants: string[];
  k: number[];
}

/** Shapes the parser reads: JSON Lines, a JSON array of objects, CSV, TSV, `LABEL:text` lines. */
export type DemoFormat = "jsonl" | "json" | "csv" | "tsv" | "label-text";

export interface DemoFile {
  path: string;
  format: DemoFormat;
  /** What was recognised, in words, e.g. "headerless CSV, 3 columns; input {2}. {3}, label column 1". */
  shape: string;
  /** The columns (CSV/TSV: names, or "1".."n" without a header row) or keys (JSON) the file has, for a mapping picker. */
  fields?: string[];
  /** Text encoding, when the parser was given bytes (parseDemoBytes): "utf-8", "utf-16le", ... */
  encoding?: string;
  /** Keys the header line set explicitly (for display and overriding). */
  header: Partial<ProbeSettings>;
  /** 1-based line of the header, when there is one. */
  headerLine?: number;
  /** Header merged over defaults. */
  settings: ProbeSettings;
  examples: Example[];
  /** Classes in order (declared or first appearance). */
  classes: string[];
  problems: Problem[];
}

/** A demonstration or query as rendered in a prompt (after a variant's transformation). */
export interface PromptExample {
  input: string;
  label: string;
  /**
   * Which parts a demonstration shows (format ablations, Min et al. 2022): "label" renders only
   * the template lines carrying {label}, "input" only the lines carrying {input}. Default: both.
   * Ignored for the query.
   */
  show?: "both" | "label" | "input";
}

/** The prompt for one query. The label continuation is kept apart from the text. */
export interface Prompt {
  /** Instruction + rendered demos + separators: shared by every query of the same demo set. */
  prefix: string;
  /** The query rendered up to (not including) the label, with trailing whitespace removed. */
  query: string;
  /** Whitespace between the prompt and a label (moved out of the prompt; usually " "). */
  labelSep: string;
  /** Candidate label words, scored as `labelSep + label` after `prefix + query`. */
  labels: string[];
}

/** What a variant did, for display (mapping tables in previews, the results panel). */
export interface MappingTable {
  kind: "none" | "label" | "word" | "token" | "per-demo";
  rows: { from: string; to: string; chain?: string[]; note?: string }[];
  warnings: string[];
}

export type VariantFamily =
  | "reference" // gold: the file as it is, what every other variant is compared with
  | "inconsistent" // per-demo random labels, x%-correct: not a function of the class
  | "consistent" // bijective remaps: tau_RA, abstract, flipped, unrelated, synonyms...
  | "format" // labels-only, inputs-only, no-label-space
  | "input" // tau_PA: inputs altered
  | "task"; // tau_g: label word -> g(label word)

/** Per-label scores from the engine for one query (see docs/ARCHITECTURE.md, scoring). */
export interface LabelScore {
  label: string;
  /** log p(label tokens | prompt): sum of teacher-forced token log-probs (natural log). */
  logProb: number;
  /** logProb / number of label tokens. */
  meanLogProb: number;
  /** Log-prob of the label's first token. */
  firstTokenLogProb: number;
  /**
   * Results v3, local engine only: the raw (unnormalised) logit of the label's first token, as
   * llama.cpp computed it. firstTokenLogProb is this minus the log-softmax normaliser of that
   * position, which all labels of a query share (unless a boundary merge moves a label's start).
   */
  firstTokenLogit?: number;
  /** Number of label tokens (from joint tokenization). */
  tokens: number;
  /** exp(logProb) renormalised over the candidate labels. */
  prob: number;
  /**
   * Results v3, g-linear only: the candidate's score under a scorer that is not the language
   * model (g-linear: cosine similarity of the predicted and the candidate's input embedding).
   * When present, logProb = meanLogProb = firstTokenLogProb = log(prob) and prob is the softmax
   * of the scores over the candidates: a normalisation for ranks and charts, not a model's
   * probability.
   */
  score?: number;
}

/** One scored query of a run: the unit of the results file. */
export interface QueryRecord {
  variant: string;
  k: number;
  seed: number;
  /** Index (Example.index) of the query example. */
  queryIndex: number;
  /** Indices of the demonstration examples, in prompt order. */
  demoIndices: number[];
  /** The query input as shown to the model (after the variant). */
  input: string;
  /** Gold label word in the variant's label space. */
  gold: string;
  /** Second gold where a variant keeps two (flipped labels: the original label). */
  goldAlt?: string;
  labels: LabelScore[];
  /** The label with the highest logProb; "" (NO_PREDICTION) when several labels tie for it (src/core/labelDecision.ts). */
  predicted: string;
  /** Labels sharing the highest logProb, when two or more do (the query then counts as wrong). */
  tied?: string[];
  /** 1-based rank of the gold label by logProb; other labels scoring the same count against it, so 1 means predicted === gold. */
  goldRank: number;
  /** Contextual calibration (Zhao et al. 2021), when enabled; predicted is "" on a tie. */
  calibrated?: { predicted: string; probs: number[] };
  /** What the engine and the runner found about this query (absent when nothing). */
  warnings?: ScoreWarning[];
}
