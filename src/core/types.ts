// Shared domain types. Everything in src/core is pure: no `vscode`, no `node-llama-cpp`,
// no file-system access (callers read files and pass text), so it runs in tests, the CLI,
// the engine process and the extension alike. What a run stores (settings, records, label
// scores) is defined once, as the results file's schema (results/schema.ts); its types are
// re-exported here for the modules that use them.
import type { DemoFormat, ProbeSettings } from "./results/schema";
export type { DemoFormat, GridBlock, LabelScore, ProbeSettings, QueryRecord, SelectionMode } from "./results/schema";

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
