// Reader for CSV and TSV files with a header row naming the columns (input/label or the same
// aliases as JSONL). Parsing uses papaparse (quoted fields with delimiters, doubled quotes and
// line breaks are handled the way spreadsheets write them). Papaparse reports rows, not lines,
// so each row's start offset (the previous row's end cursor, which papaparse gives in step mode)
// is mapped back to its real line: a quoted multi-line field does not shift later line numbers.
// The first line may be the same JSON header line as in .icl.jsonl files.
import Papa from "papaparse";
import type { ProbeSettings } from "../types";
import { fillTemplate, planField, planRefs, refText, type ColumnRef, type FieldPlan } from "./columns";
import { expectedText, fieldPlans, type ReadContext, type ReadResult } from "./reader";
import { INPUT_KEYS, LABEL_KEYS, checkRow, isCleanRow, type FieldRange, type RawRow } from "./rows";
import { printable, quote } from "./text";
import { defined } from "../defined";

/** Writes a value as a CSV/TSV field, quoting only when needed. */
export function delimitedLiteral(delimiter: string): (s: string) => string {
  return (s) => (s.includes(delimiter) || /["\n\r]/.test(s) || s.trim() !== s ? `"${s.replace(/"/g, '""')}"` : s);
}

/** Start/end offsets (end exclusive) of each field in one raw row, honouring quotes. */
export function fieldSpans(raw: string, delimiter: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const n = raw.length;
  let i = 0;
  for (;;) {
    const start = i;
    if (raw[i] === '"') {
      i++;
      while (i < n) {
        if (raw[i] === '"') {
          if (raw[i + 1] === '"') {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
    }
    while (i < n && !raw.startsWith(delimiter, i)) i++;
    spans.push({ start, end: i });
    if (i >= n) return spans;
    i += delimiter.length;
  }
}

const PAPA_CODES: Record<string, { code: string; hint: string }> = {
  MissingQuotes: { code: "csv-unclosed-quote", hint: 'Close the quoted field with a double quote; write a quote inside a quoted field as two quotes ("").' },
  InvalidQuotes: { code: "csv-malformed-quote", hint: 'A quoted field must end with a quote right before the delimiter or line end; write a quote inside it as two quotes ("").' },
};

const isNumeric = (s: string): boolean => /^\s*-?\d+(\.\d+)?\s*$/.test(s);
const looksLikeName = (s: string): boolean => /^[A-Za-z_][\w ./-]{0,39}$/.test(s.trim());

/**
 * Whether the first row names the columns. Explicit "headerRow" wins; otherwise it does when it
 * holds a usual column name (input, text, sentence, label...) or a column named in "columns", or
 * when a column whose first value is a name holds numbers below it (SST-2: "label" over 0/1), or
 * when every first-row value is a short name while some column below holds long text.
 */
export function detectHeaderRow(sample: string[][], settings: ProbeSettings): { header: boolean; why: string } {
  if (settings.headerRow !== undefined) return { header: settings.headerRow, why: `"headerRow": ${settings.headerRow}` };
  const first = sample[0] ?? [];
  const names = first.map((c) => c.trim().toLowerCase());
  if (names.some((n) => INPUT_KEYS.includes(n) || LABEL_KEYS.includes(n))) return { header: true, why: "the first row names the columns" };
  const named = [settings.columns?.input, settings.columns?.label].flatMap((spec) => (spec === undefined ? [] : planRefs(planField(spec))));
  if (named.some((r) => "name" in r && names.includes(r.name.toLowerCase()))) return { header: true, why: 'the first row has the columns named in "columns"' };
  if (named.length && named.every((r) => "index" in r)) return { header: false, why: '"columns" refers to column numbers' };
  const data = sample.slice(1).filter((r) => r.length === first.length);
  if (data.length === 0) return { header: true, why: "one row only" };
  // data keeps only rows as wide as the first, so r[c] is a cell.
  for (const [c, name] of first.entries()) {
    if (!isNumeric(name) && name.trim() !== "" && data.filter((r) => isNumeric(defined(r[c], "cell of a full-width row"))).length >= 0.8 * data.length)
      return { header: true, why: `column ${c + 1} holds numbers below a name` };
  }
  if (first.every(looksLikeName)) {
    const longBelow = first.some((name, c) => {
      const vals = data.map((r) => r[c] ?? "");
      const mean = vals.reduce((a, v) => a + v.length, 0) / Math.max(1, vals.length);
      return mean > 2 * name.length && vals.some((v) => /\s/.test(v.trim()));
    });
    if (longBelow) return { header: true, why: "the first row holds short names above longer text" };
  }
  return { header: false, why: "the first row looks like data" };
}

/**
 * For a headerless two-column file: which column is the label. The label column has fewer
 * distinct values (classes repeat) and shorter ones; undefined when the two look alike.
 */
export function inferLabelColumn(sample: string[][], width: number): number | undefined {
  if (width !== 2 || sample.length < 2) return undefined;
  const stats = (c: number): { distinct: number; mean: number } => {
    const vals = sample.map((r) => (r[c] ?? "").trim());
    return { distinct: new Set(vals).size, mean: vals.reduce((a, v) => a + v.length, 0) / vals.length };
  };
  const a = stats(0);
  const b = stats(1);
  if (a.distinct < b.distinct && a.mean <= b.mean) return 0;
  if (b.distinct < a.distinct && b.mean <= a.mean) return 1;
  if (a.mean * 3 <= b.mean) return 0;
  if (b.mean * 3 <= a.mean) return 1;
  return undefined;
}

/** Index of a column reference among the names (case-insensitive), or its number; -1 when absent. */
function columnIndex(ref: ColumnRef, names: string[] | undefined, width: number): number {
  if ("index" in ref) return ref.index < width ? ref.index : -1;
  if (!names) return -1;
  return names.indexOf(ref.name.trim().toLowerCase());
}

function findColumn(names: string[], keys: readonly string[]): number {
  for (const k of keys) {
    const idx = names.indexOf(k);
    if (idx >= 0) return idx;
  }
  return -1;
}

type Resolved = { kind: "column"; col: number } | { kind: "template"; plan: Extract<FieldPlan, { kind: "template" }>; cols: number[] };

/**
 * Reads CSV or TSV, with or without a header row. The JSON header line found by parseDemoFile
 * (info.line) comes before the table and is skipped.
 */
export function readDelimited(ctx: ReadContext, delimiter: "," | "\t"): ReadResult {
  const { index, sink, info, settings } = ctx;
  const text = index.text;
  const kind = delimiter === "," ? "CSV" : "TSV";
  const literal = delimitedLiteral(delimiter);
  // The table starts on the line after the header line (starts[info.line]), or at the end when that is the last line.
  const base = info.line !== undefined ? (index.starts[info.line] ?? text.length) : 0;
  const rows: RawRow[] = [];
  const empty = (shape: string): ReadResult => ({ rows, locateLabel: () => undefined, shape, keys: [], attempted: 0 });
  const body = text.slice(base);
  if (body.trim() === "") {
    if (body === "" && info.line === undefined) return empty(kind);
    sink.add({
      line: 1,
      column: 1,
      severity: "error",
      code: "csv-missing-column",
      message: `the ${kind} file has no header row`,
      hint: `Start the file with a row naming the columns, e.g. "input${delimiter === "," ? "," : "\\t"}label".`,
    });
    return empty(kind);
  }

  // Decide on the header row and the columns from the first rows.
  const sample = (Papa.parse<string[]>(body, { delimiter, newline: "\n", quoteChar: '"', skipEmptyLines: true, preview: 40 }).data ?? []).filter((r) => Array.isArray(r));
  const headerRow = detectHeaderRow(sample, settings);
  const width = Math.max(0, ...sample.map((r) => r.length));
  const plans = fieldPlans(settings);
  const firstDataLine = (): number => index.position(base + Math.max(0, body.search(/\S/))).line;

  /** Maps the input and label to columns; reports what is missing once. Undefined: cannot read rows. */
  const resolve = (names: string[] | undefined, line: number): { input: Resolved; label: Resolved } | undefined => {
    const shown = names ? names.map((n) => JSON.stringify(n)).join(", ") : `${width} unnamed columns (1..${width})`;
    const fromPlan = (field: "input" | "label", plan: FieldPlan): Resolved | undefined => {
      const refs = planRefs(plan);
      const cols = refs.map((r) => columnIndex(r, names, width));
      const bad = refs.filter((r) => columnIndex(r, names, width) < 0);
      if (bad.length) {
        sink.add({
          ...ctx.settingsAt("columns"),
          severity: "error",
          code: "csv-missing-column",
          message: `"columns.${field}" names ${bad.map(refText).join(", ")}, which the ${kind} file does not have (it has ${shown})`,
          hint: names
            ? `Use one of the column names of line ${line}, or a column number from 1 to ${width}.`
            : `This file has no header row: refer to columns by number, e.g. "columns": {"input": 2, "label": 1}.`,
        });
        return undefined;
      }
      return plan.kind === "column" ? { kind: "column", col: defined(cols[0], "column of a one-column field") } : { kind: "template", plan, cols };
    };
    let input: Resolved | undefined;
    let label: Resolved | undefined;
    if (plans.input) input = fromPlan("input", plans.input);
    if (plans.label) label = fromPlan("label", plans.label);
    if ((plans.input && !input) || (plans.label && !label)) return undefined;
    if (names) {
      if (!input) {
        const c = findColumn(names, INPUT_KEYS);
        if (c >= 0) input = { kind: "column", col: c };
      }
      if (!label) {
        const c = findColumn(names, LABEL_KEYS);
        if (c >= 0) label = { kind: "column", col: c };
      }
      if (!input && !label) {
        sink.addLine(line, {
          severity: "error",
          code: "csv-missing-column",
          message: `the first ${kind} row has no input or label column (columns: ${shown}; expected one of ${INPUT_KEYS.join(", ")} and one of ${LABEL_KEYS.join(", ")})`,
          hint: `Name the columns with "columns", e.g. a first line {"icl-probe": 1, "columns": {"input": ${JSON.stringify(names[0] ?? "text")}, "label": ${JSON.stringify(names[1] ?? "label")}}}, or --input/--label on the command line; or rename them to "input" and "label".`,
        });
        return undefined;
      }
      for (const [field, r, keys] of [
        ["input", input, INPUT_KEYS],
        ["label", label, LABEL_KEYS],
      ] as const) {
        if (!r)
          sink.addLine(line, {
            severity: "error",
            code: "csv-missing-column",
            message: `the ${kind} header row has no ${field} column (columns: ${shown}; expected one of ${keys.join(", ")})`,
            hint: `Name it with "columns": {"${field}": "<column>"} (or --${field} on the command line), or rename the column to "${field}".`,
          });
      }
      if (!input || !label) return undefined;
      return { input, label };
    }
    // Headerless: a two-column file whose label column stands out is read without asking.
    if (!input && !label) {
      const lc = inferLabelColumn(sample, width);
      if (lc !== undefined) {
        label = { kind: "column", col: lc };
        input = { kind: "column", col: 1 - lc };
      }
    } else if (!input && label?.kind === "column" && width === 2) input = { kind: "column", col: 1 - label.col };
    else if (!label && input?.kind === "column" && width === 2) label = { kind: "column", col: 1 - input.col };
    if (!input || !label) {
      const first = sample[0] ?? [];
      const cells = first.map((c, i) => `${i + 1}: ${quote(c, 24)}`).join(", ");
      const exampleInput = width >= 3 ? "{2}. {3}" : "2";
      sink.addLine(line, {
        severity: "error",
        code: "columns-needed",
        message: `headerless ${kind} with ${width} columns (first row ${cells}): which column${width >= 3 ? "(s)" : ""} hold${width >= 3 ? "" : "s"} the input and which the label?`,
        hint: `Say so in a first line {"icl-probe": 1, "columns": {"input": ${JSON.stringify(exampleInput)}, "label": 1}} (numbers are columns from 1; a template joins several), or run icl-probe import FILE --input '${exampleInput}' --label 1.`,
      });
      return undefined;
    }
    return { input, label };
  };

  const cellsOf = (row: string[], r: Resolved): string | undefined => (r.kind === "column" ? row[r.col] : fillTemplate(r.plan, (ref) => row[columnIndex(ref, names, width)]));
  /** Range of field `col` of the row at [start, end), when the field sits on one line. */
  const locateField = (start: number, end: number, col: number): FieldRange | undefined => {
    const s = fieldSpans(text.slice(start, end), delimiter)[col];
    if (!s) return undefined;
    const a = index.position(start + s.start);
    const b = index.position(start + s.end);
    if (a.line !== b.line) return undefined; // multi-line field: point at the row instead
    return { line: a.line, column: a.column, endColumn: b.column, literal };
  };
  const locateResolved = (start: number, end: number, r: Resolved | undefined): FieldRange | undefined => (r?.kind === "column" ? locateField(start, end, r.col) : undefined);

  let names: string[] | undefined;
  let cols: { input: Resolved; label: Resolved } | undefined;
  let decided = false;
  let stopped = false;
  let attempted = 0;
  const expected = expectedText(plans, "column");
  let rowStart = base;
  if (!headerRow.header) {
    decided = true;
    cols = resolve(undefined, firstDataLine());
    stopped = !cols;
  }

  Papa.parse<string[]>(body, {
    delimiter,
    newline: "\n",
    quoteChar: '"',
    skipEmptyLines: false,
    step: (result) => {
      const start = rowStart;
      const end = base + result.meta.cursor;
      rowStart = end;
      if (stopped) return;
      const row = result.data;
      const { line } = index.position(start);
      const errors = result.errors ?? [];
      if (errors.length) {
        attempted++;
        // Papaparse often reports one broken quote several times (malformed, then unclosed):
        // the first error of a row is the cause, the rest are consequences.
        for (const e of errors.slice(0, 1)) {
          const known = PAPA_CODES[e.code];
          const pos = index.position(base + (typeof e.index === "number" ? e.index : start - base));
          sink.add({
            line: pos.line,
            column: pos.column,
            severity: "error",
            code: known?.code ?? "csv-error",
            message: `${kind}: ${printable(e.message)}`,
            hint: known?.hint ?? "Check the quoting and delimiters of this row.",
          });
        }
        return;
      }
      if (!Array.isArray(row) || (row.length === 1 && defined(row[0], "the row's one cell").trim() === "")) return; // blank line

      if (!decided) {
        decided = true;
        names = row.map((c) => String(c).trim().toLowerCase());
        cols = resolve(names, line);
        if (!cols) {
          stopped = true;
          return;
        }
        const used = new Set<number>([cols.input, cols.label].flatMap((r) => (r.kind === "column" ? [r.col] : r.cols)));
        names.forEach((nm, i) => {
          if (!used.has(i) && nm !== "") {
            sink.addLine(line, {
              severity: "info",
              code: "ignored-column",
              message: `column ${JSON.stringify(nm)} is not used`,
              hint: `Examples are read from the input and label columns; other columns are ignored.`,
            });
          }
        });
        return;
      }
      if (!cols) return;
      attempted++;
      const rawEnd = text.charAt(end - 1) === "\n" ? end - 1 : end;
      const input = cellsOf(row, cols.input);
      const label = cellsOf(row, cols.label);
      if (isCleanRow(input, label)) {
        rows.push({ line, input: input as string, label: label as string, start, end: rawEnd });
        return;
      }
      const locate = (field: "input" | "label") => locateResolved(start, rawEnd, field === "input" ? cols!.input : cols!.label);
      const trimmed = checkRow({ line, input, label, locate, container: "column", expected }, sink);
      if (trimmed !== undefined) rows.push({ line, input: input as string, label: trimmed, start, end: rawEnd });
    },
  });
  const describe = (r: Resolved | undefined): string => {
    if (!r) return "not known";
    if (r.kind === "template") return JSON.stringify(r.plan.spec);
    return names ? JSON.stringify(names[r.col]) : `column ${r.col + 1}`;
  };
  const shape = `${headerRow.header ? `${kind} with a header row` : `headerless ${kind}`}, ${width} column${width === 1 ? "" : "s"} (input ${describe(cols?.input)}, label ${describe(cols?.label)})`;
  return {
    rows,
    locateLabel: (row) => (row.start === undefined || row.end === undefined ? undefined : locateResolved(row.start, row.end, cols?.label)),
    shape,
    keys: names ?? Array.from({ length: width }, (_, i) => String(i + 1)),
    attempted,
  };
}
