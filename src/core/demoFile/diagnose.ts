// One diagnosis instead of a flood: when the first lines of a file all fail the same way, the
// file is in a shape or a mapping ICL Probe was not told about, and one located problem that
// names the cause and the fix helps more than one error per line.
import type { DemoFormat, Problem, ProbeSettings } from "../types";
import type { RawRow } from "./rows";
import { FORMAT_NAMES } from "./shape";
import { quote, type LineIndex, type ProblemSink } from "./text";

/** Problems about one example (line): the ones a flood is made of. Header and whole-file problems never collapse. */
const ROW_CODES = new Set([
  "invalid-json",
  "not-an-object",
  "missing-input",
  "missing-label",
  "empty-input",
  "empty-label",
  "non-string-input",
  "non-string-label",
  "unknown-label",
  "unmapped-label",
  "csv-unclosed-quote",
  "csv-malformed-quote",
  "csv-error",
  "not-label-text",
]);

/** The first lines that must all fail the same way before they are reported as one problem. */
export const FLOOD_FIRST = 5;

interface FloodContext {
  sink: ProblemSink;
  index: LineIndex;
  format: DemoFormat;
  rows: RawRow[];
  /** Lines of the examples that passed every check. */
  validLines: number[];
  keys: string[];
  settings: ProbeSettings;
}

/** A mapping snippet from the keys found: the first two keys not already read. */
function columnsSnippet(keys: string[], field?: "input" | "label"): string {
  const [a, b] = keys;
  if (field === "input") return `"columns": {"input": ${JSON.stringify(a ?? "text")}}`;
  if (field === "label") return `"columns": {"label": ${JSON.stringify(b ?? a ?? "label")}}`;
  return `"columns": {"input": ${JSON.stringify(a ?? "text")}, "label": ${JSON.stringify(b ?? "label")}}`;
}

function hintFor(code: string, ctx: FloodContext, sample: Problem): string {
  const keys = ctx.keys
    .slice(0, 12)
    .map((k) => JSON.stringify(k))
    .join(", ");
  const where = ctx.format === "csv" || ctx.format === "tsv" ? "columns" : "keys";
  switch (code) {
    case "missing-input":
    case "missing-label": {
      const field = code === "missing-input" ? "input" : "label";
      return `The ${where} found are ${keys || "none"}. Say which one holds the ${field}: a first line {"icl-probe": 1, ${columnsSnippet(ctx.keys, field)}}, or --${field} <name> on the command line (icl-probe import FILE writes a ready file).`;
    }
    case "invalid-json": {
      try {
        JSON.parse(ctx.index.text);
        return "The whole file is one JSON value spread over several lines (pretty-printed). JSON Lines needs one example per line; a JSON array of objects [{...}, {...}] is read as it is.";
      } catch {
        /* not one JSON value */
      }
      return `${sample.hint} Every line of this ${FORMAT_NAMES[ctx.format]} file fails the same way: is it another shape? ICL Probe also reads a JSON array, CSV/TSV and LABEL:text lines (set "format", or use icl-probe import FILE).`;
    }
    case "unknown-label": {
      const raw = [...new Set(ctx.rows.map((r) => r.label))].slice(0, 6);
      const declared = ctx.settings.classes ?? [];
      if (raw.length && raw.every((l) => /^\d+$/.test(l)) && declared.length) {
        const map = Object.fromEntries(raw.sort().map((r, i) => [r, declared[Number(r) - (raw.includes("0") ? 0 : 1)] ?? declared[i] ?? "..."]));
        return `The labels are class numbers (${raw.join(", ")}), the declared labels names: map them with "labelMap": ${JSON.stringify(map)} (check the order against the data set's documentation).`;
      }
      return `Labels in the file: ${raw.map((l) => quote(l)).join(", ")}. Declare those in "labels", or map them to the declared ones with "labelMap": {"raw": "class"}.`;
    }
    default:
      return sample.hint;
  }
}

/**
 * Replaces a flood of same-code errors by one problem at the first, when the first
 * FLOOD_FIRST errors of the file share the code and come before any valid example (or the file
 * has no valid example at all and at least 3 of them).
 */
export function collapseFloods(ctx: FloodContext): void {
  const problems = ctx.sink.problems;
  const errors = problems.filter((p) => p.severity === "error" && ROW_CODES.has(p.code)).sort((a, b) => a.line - b.line || a.column - b.column);
  const first = errors[0];
  if (first === undefined || errors.length < 3) return;
  const firstRow = ctx.validLines.length ? Math.min(...ctx.validLines.slice(0, 50)) : Infinity;
  const code = first.code;
  const same = errors.filter((p) => p.code === code);
  const head = errors.slice(0, FLOOD_FIRST);
  const floods = same.length >= FLOOD_FIRST ? head.every((p) => p.code === code && p.line < firstRow) : ctx.validLines.length === 0 && same.length === errors.length;
  if (!floods) return;
  // same keeps errors' order and first has its code, so first is also the first of same.
  const n = same.length;
  const total = n + ctx.validLines.length;
  const collapsed: Problem = {
    ...first,
    message: `${first.message}; the same on ${n - 1} more line${n === 2 ? "" : "s"} (${n} of ${total} example${total === 1 ? "" : "s"} fail this way, reported once)`,
    hint: hintFor(code, ctx, first),
  };
  delete collapsed.fix;
  const keep = problems.filter((p) => p.code !== code || p.severity !== "error");
  problems.length = 0;
  problems.push(...keep, collapsed);
}
