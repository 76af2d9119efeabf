// Command-line parsing for icl-probe (node:util parseArgs: no extra dependency). Pure apart from
// the types: returns a parsed command or a UsageError, so it is unit-tested without spawning.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { defined } from "../core/defined";
import type { ProbeSettings, SelectionMode } from "../core/types";
import { parseLabelMapText } from "../core/demoFile/columns";
import type { ScoringMode } from "../core/results/schema";
import { FIGURE_IDS, type FigureId } from "../core/figures/types";
import type { StudyOptions } from "../core/study";

export const EXIT = {
  ok: 0,
  usage: 1,
  badInput: 2,
  model: 3,
  interrupted: 130,
} as const;

export const USAGE = `icl-probe: probe what a local GGUF model (or one served by vLLM or SGLang) learns from
the demonstrations in its prompt.

Usage:
  icl-probe run <demo file> [--model <gguf or server>] [--variants a,b] [--k 0,4,8] [--seeds 1,2,3]
                [--queries N] [--selection fixed|per-query] [--balance] [--calibrate]
                [--fast] [--out <dir>] [--resume] [--json] [--on-overflow stop|skip] [--concurrency N]
                [--timeout SECONDS] [column mapping]
  icl-probe preview <demo file> --variant <id> [--seed N] [--k N] [--query N] [--full]
                [--model <gguf>] [column mapping]
  icl-probe import <data file> [--out <file.icl.jsonl>] [--force] [--labels a,b] [--template T]
                [column mapping]
  icl-probe study <demo file> [--study li2024|min2022] [--model <gguf>] [--seeds 1..10]
                [--queries N] [--k 32] [--k-curve 0,4,8,16,32] [--draws 50] [--figures 1,3]
                [--selection fixed|per-query] [--fast] [--out <dir>] [--resume] [--estimate] [--json]
                [column mapping]
  icl-probe study --list
  icl-probe report <results.json> [--out report.html]
  icl-probe help

run       scores every variant x k x seed on the model (default: the embedded models/icl-toy.gguf)
          and writes <out>/results.json, scores.csv, summary.csv and report.html
          (default --out icl-results/<demo file name>). Ctrl-C stops cleanly; rerun with --resume.
          --model also takes a server: [vllm+|sglang+]http(s)://host:port[/v1][#model], e.g.
          http://127.0.0.1:8000/v1#meta-llama/Llama-2-70b-hf (docs/REMOTE.md). The API key, if the
          server needs one, comes from ICL_PROBE_API_KEY. --concurrency: requests in flight
          (default 32); --timeout: seconds per request attempt (default 120).
          Prompts longer than the model's context stop the run before scoring (exit 2, naming
          the cells and the largest k that fits); --on-overflow skip runs the other cells.
preview   prints the exact prompt text of one query and the variant's mapping table (no model
          run; --model adds the token ids of the prompt's end and of each label; --full prints
          every row of a long mapping)
import    reads a data set as it is (JSON Lines, a JSON array, CSV/TSV with or without a header
          row, LABEL:text lines, UTF-16) and writes a ready *.icl.jsonl with a header line
study     runs a paper's whole plan as one run (default li2024: gold, tau_RA and tau_PA over a k
          curve, natural g, synonym chains, and --draws random g as ra-token/g-token/g-linear at
          the main k), says how many queries and how long (measured on the first demo set),
          and writes the paper's figures (figures/*.svg, figures.json) besides the run's files.
          --figures runs only the blocks of those figures; with --resume on a study run it adds
          them to it. --estimate stops after the first demo set (continue with --resume).
report    writes a self-contained HTML report (charts work offline) from a results file

Scoring is exact by default: F32 KV cache, so every label log-prob is within 1e-4 of a
from-scratch evaluation, and two runs give byte-identical scores. --fast uses the F16 KV cache
and scores 8 queries per batch from a shared demo prefix (log-probs moved by up to 4e-2 on a
quantized model; still deterministic run to run; 4x the KV memory).
Measured: --fast took 1.5x less time than exact mode on a 135M-parameter Q8_0 model and
1.2x on a 152k-vocabulary one, on 2 idle cores (docs/ENGINE.md).

Column mapping (also header keys "columns", "labelMap", "headerRow", "format"):
  --input <col>        the input column or key: a name, a number from 1, or a template
                       joining several, e.g. --input '{title}. {description}' or '{2}. {3}'
  --label <col>        the label column or key (name or number)
  --label-map <map>    raw label -> class, e.g. --label-map 0=negative,1=positive
  --classes <file>     a classes file: one class name per line (line 1 = label 0, or 1 when
                       the labels count from 1)
  --no-header          the CSV/TSV file has no header row
  --format <shape>     jsonl | json | csv | tsv | label-text (default: recognised)

Settings not given on the command line come from the demo file's header line, then the defaults.

Exit codes:
  0    success
  1    usage error (unknown command or option, bad option value)
  2    bad input file (demo file problems are printed as file:line:col; invalid results file),
       a results folder that cannot be written (read-only, disk full), prompts too long for
       the context
  3    model or engine error (missing or malformed GGUF, engine crash, unreachable or unsuitable server)
  130  interrupted (Ctrl-C); what was scored is kept, resume with --resume`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type Command =
  | { cmd: "help" }
  | {
      cmd: "run";
      file: string;
      model?: string;
      overrides: Partial<ProbeSettings>;
      out?: string;
      resume: boolean;
      json: boolean;
      batchSize?: number;
      /** --classes: a file whose lines name the classes (read by main into overrides.labelMap). */
      classesFile?: string;
      /** Remote servers: requests in flight. */
      concurrency?: number;
      /** Remote servers: seconds per request attempt. */
      timeoutSeconds?: number;
      /** --on-overflow: prompts longer than the context stop the run before scoring, or their cells are skipped. */
      onOverflow: "stop" | "skip";
      /** "exact" unless --fast. */
      mode: ScoringMode;
    }
  | { cmd: "preview"; file: string; variant: string; seed?: number; k?: number; query?: number; model?: string; full: boolean; overrides: Partial<ProbeSettings>; classesFile?: string }
  | { cmd: "import"; file: string; out?: string; force: boolean; overrides: Partial<ProbeSettings>; classesFile?: string }
  | { cmd: "report"; file: string; out?: string }
  | { cmd: "studyList" }
  | {
      cmd: "study";
      file: string;
      study: string;
      model?: string;
      options: StudyOptions;
      selection?: SelectionMode;
      out?: string;
      resume: boolean;
      estimate: boolean;
      json: boolean;
      /** "exact" unless --fast, as for run. */
      mode: ScoringMode;
      overrides: Partial<ProbeSettings>;
      classesFile?: string;
    };

/** The column-mapping flags shared by run, preview and import. */
const MAPPING_OPTIONS = {
  input: { type: "string" },
  label: { type: "string" },
  "label-map": { type: "string" },
  classes: { type: "string" },
  "no-header": { type: "boolean" },
  format: { type: "string" },
} as const;

const FORMATS = ["jsonl", "json", "csv", "tsv", "label-text"] as const;

/** --label-map "0=negative,1=positive" -> {"0": "negative", "1": "positive"}. */
export function parseLabelMap(v: string): Record<string, string> {
  const m = parseLabelMapText(v);
  if (typeof m === "string") throw new UsageError(`--label-map: ${m}`);
  return m;
}

/** A column reference from the command line: digits are a column number. */
function columnSpec(name: string, v: string): string | number {
  const t = v.trim();
  if (t === "") throw new UsageError(`--${name} needs a column name, number or template`);
  return /^\d+$/.test(t) ? Number(t) : t;
}

function onOverflow(v: string | boolean | undefined): "stop" | "skip" {
  if (v === undefined) return "stop";
  if (v !== "stop" && v !== "skip") throw new UsageError(`--on-overflow must be "stop" or "skip", got "${String(v)}"`);
  return v;
}

function mappingOverrides(v: Record<string, string | boolean | undefined>): { overrides: Partial<ProbeSettings>; classesFile?: string } {
  const overrides: Partial<ProbeSettings> = {};
  const columns: NonNullable<ProbeSettings["columns"]> = {};
  if (typeof v.input === "string") columns.input = columnSpec("input", v.input);
  if (typeof v.label === "string") columns.label = columnSpec("label", v.label);
  if (Object.keys(columns).length) overrides.columns = columns;
  if (typeof v["label-map"] === "string") {
    if (typeof v.classes === "string") throw new UsageError("--label-map and --classes both give the label map; use one");
    overrides.labelMap = parseLabelMap(v["label-map"]);
  }
  if (v["no-header"]) overrides.headerRow = false;
  if (typeof v.format === "string") {
    if (!(FORMATS as readonly string[]).includes(v.format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${v.format}"`);
    overrides.format = v.format as (typeof FORMATS)[number];
  }
  return { overrides, ...(typeof v.classes === "string" ? { classesFile: v.classes } : {}) };
}

/** A comma-separated list of integers; "a..b" stands for a, a+1, ..., b (e.g. --seeds 1..10). */
function intList(name: string, v: string, min: number): number[] {
  const parts = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new UsageError(`--${name} needs a comma-separated list of integers, e.g. --${name} 0,4,8`);
  const one = (p: string): number => {
    if (!/^-?\d+$/.test(p) || Number(p) < min)
      throw new UsageError(`--${name}: "${p}" is not an integer${min > -Infinity ? ` >= ${min}` : ""} (e.g. --${name} ${name === "seeds" ? "1,2,3 or 1..10" : "0,4,8"})`);
    return Number(p);
  };
  return parts.flatMap((p) => {
    const m = /^(-?\d+)\.\.(-?\d+)$/.exec(p);
    if (!m) return [one(p)];
    const [a, b] = [one(defined(m[1], "range start")), one(defined(m[2], "range end"))];
    if (b < a || b - a >= 10_000) throw new UsageError(`--${name}: the range "${p}" must run upwards over at most 10000 values`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** --figures 1,3 or h2-icl-vs-linear,h3-ra-vs-g: the paper's figure numbers (1-6) or ids. */
function figureList(v: string): FigureId[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((f) => {
      if (/^[1-6]$/.test(f)) return defined(FIGURE_IDS[Number(f) - 1], `figure ${f}`);
      if ((FIGURE_IDS as readonly string[]).includes(f)) return f as FigureId;
      throw new UsageError(`--figures: "${f}" is neither a figure number 1-6 nor one of ${FIGURE_IDS.join(", ")}`);
    });
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < min) throw new UsageError(`--${name}: "${v}" is not an integer >= ${min}`);
  return Number(v);
}

export function parseCommand(argv: string[]): Command {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "help" || cmd === "--help" || cmd === "-h") return { cmd: "help" };
  const parse = (options: NonNullable<ParseArgsConfig["options"]>): { values: Record<string, string | boolean | undefined>; positionals: string[] } => {
    try {
      return parseArgs({ args: rest, options, allowPositionals: true, strict: true }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
    }
  };
  const onePositional = (positionals: string[], what: string): string => {
    const [first, second] = positionals;
    if (first === undefined) throw new UsageError(`${cmd}: missing ${what}`);
    if (second !== undefined) throw new UsageError(`${cmd}: unexpected argument "${second}" (one ${what} at a time)`);
    return first;
  };
  switch (cmd) {
    case "run": {
      const { values: v, positionals } = parse({
        model: { type: "string" },
        variants: { type: "string" },
        k: { type: "string" },
        seeds: { type: "string" },
        queries: { type: "string" },
        selection: { type: "string" },
        balance: { type: "boolean" },
        calibrate: { type: "boolean" },
        out: { type: "string" },
        resume: { type: "boolean" },
        json: { type: "boolean" },
        fast: { type: "boolean" },
        "batch-size": { type: "string" },
        "on-overflow": { type: "string" },
        ...MAPPING_OPTIONS,
        concurrency: { type: "string" },
        timeout: { type: "string" },
      });
      const file = onePositional(positionals, "demo file");
      const mapping = mappingOverrides(v);
      const overrides: Partial<ProbeSettings> = { ...mapping.overrides };
      if (typeof v.variants === "string") {
        const list = v.variants
          .split(",")
          .map((s: string) => s.trim())
          .filter(Boolean);
        if (list.length === 0) throw new UsageError("--variants needs a comma-separated list, e.g. --variants gold,ra-string");
        overrides.variants = list;
      }
      if (typeof v.k === "string") overrides.k = intList("k", v.k, 0);
      if (typeof v.seeds === "string") overrides.seeds = intList("seeds", v.seeds, -Infinity);
      if (typeof v.queries === "string") overrides.queries = int("queries", v.queries, 1);
      if (typeof v.selection === "string") {
        if (v.selection !== "fixed" && v.selection !== "per-query") throw new UsageError(`--selection must be "fixed" or "per-query", got "${v.selection}"`);
        overrides.selection = v.selection as SelectionMode;
      }
      if (v.balance) overrides.balance = true;
      if (v.calibrate) overrides.calibrate = true;
      return {
        cmd: "run",
        file,
        model: v.model as string | undefined,
        overrides,
        out: v.out as string | undefined,
        resume: !!v.resume,
        json: !!v.json,
        batchSize: int("batch-size", v["batch-size"] as string | undefined, 1),
        onOverflow: onOverflow(v["on-overflow"]),
        ...(mapping.classesFile ? { classesFile: mapping.classesFile } : {}),
        ...(v.concurrency !== undefined ? { concurrency: int("concurrency", v.concurrency as string, 1) } : {}),
        ...(v.timeout !== undefined ? { timeoutSeconds: int("timeout", v.timeout as string, 1) } : {}),
        mode: v.fast ? "fast" : "exact",
      };
    }
    case "preview": {
      const { values: v, positionals } = parse({
        variant: { type: "string" },
        seed: { type: "string" },
        k: { type: "string" },
        query: { type: "string" },
        model: { type: "string" },
        full: { type: "boolean" },
        ...MAPPING_OPTIONS,
      });
      const file = onePositional(positionals, "demo file");
      if (typeof v.variant !== "string" || !v.variant) throw new UsageError("preview: --variant <id> is required, e.g. --variant ra-string");
      const seed = v.seed === undefined ? undefined : intList("seed", v.seed as string, -Infinity)[0];
      const mapping = mappingOverrides(v);
      return {
        cmd: "preview",
        file,
        variant: v.variant,
        seed,
        k: int("k", v.k as string | undefined, 0),
        query: int("query", v.query as string | undefined, 0),
        model: v.model as string | undefined,
        full: !!v.full,
        overrides: mapping.overrides,
        ...(mapping.classesFile ? { classesFile: mapping.classesFile } : {}),
      };
    }
    case "import": {
      const { values: v, positionals } = parse({ out: { type: "string" }, force: { type: "boolean" }, labels: { type: "string" }, template: { type: "string" }, ...MAPPING_OPTIONS });
      const file = onePositional(positionals, "data file");
      const mapping = mappingOverrides(v);
      const overrides: Partial<ProbeSettings> = { ...mapping.overrides };
      if (typeof v.labels === "string")
        overrides.classes = v.labels
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean);
      if (typeof v.template === "string") overrides.template = v.template.replace(/\\n/g, "\n");
      return { cmd: "import", file, out: v.out as string | undefined, force: !!v.force, overrides, ...(mapping.classesFile ? { classesFile: mapping.classesFile } : {}) };
    }
    case "study": {
      const { values: v, positionals } = parse({
        study: { type: "string" },
        list: { type: "boolean" },
        model: { type: "string" },
        seeds: { type: "string" },
        queries: { type: "string" },
        k: { type: "string" },
        "k-curve": { type: "string" },
        draws: { type: "string" },
        figures: { type: "string" },
        selection: { type: "string" },
        out: { type: "string" },
        resume: { type: "boolean" },
        estimate: { type: "boolean" },
        json: { type: "boolean" },
        fast: { type: "boolean" },
        ...MAPPING_OPTIONS,
      });
      if (v.list) return { cmd: "studyList" };
      const file = onePositional(positionals, "demo file");
      const mapping = mappingOverrides(v);
      const options: StudyOptions = {};
      if (typeof v.seeds === "string") options.seeds = intList("seeds", v.seeds, -Infinity);
      if (typeof v.queries === "string") options.queries = int("queries", v.queries, 1);
      if (typeof v.k === "string") options.k = int("k", v.k, 0);
      if (typeof v["k-curve"] === "string") options.kCurve = v["k-curve"].trim() === "" ? [] : intList("k-curve", v["k-curve"], 0);
      if (typeof v.draws === "string") options.draws = int("draws", v.draws, 0);
      if (typeof v.figures === "string") options.figures = figureList(v.figures);
      if (typeof v.selection === "string" && v.selection !== "fixed" && v.selection !== "per-query") throw new UsageError(`--selection must be "fixed" or "per-query", got "${v.selection}"`);
      return {
        cmd: "study",
        file,
        study: typeof v.study === "string" ? v.study : "li2024",
        model: v.model as string | undefined,
        options,
        ...(typeof v.selection === "string" ? { selection: v.selection as SelectionMode } : {}),
        out: v.out as string | undefined,
        resume: !!v.resume,
        estimate: !!v.estimate,
        json: !!v.json,
        mode: v.fast ? "fast" : "exact",
        overrides: mapping.overrides,
        ...(mapping.classesFile ? { classesFile: mapping.classesFile } : {}),
      };
    }
    case "report": {
      const { values: v, positionals } = parse({ out: { type: "string" } });
      return { cmd: "report", file: onePositional(positionals, "results file"), out: v.out as string | undefined };
    }
    default:
      throw new UsageError(`unknown command "${cmd}" (expected run, study, preview, import or report)`);
  }
}
