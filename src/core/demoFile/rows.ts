// Field checks shared by the JSONL and CSV/TSV readers: a row is accepted only with a non-empty
// string input and label; everything else becomes a located problem.
import { quote, type ProblemSink } from "./text";

/** Accepted names for the two fields, in priority order (first present wins). */
export const INPUT_KEYS: readonly string[] = ["input", "text", "sentence", "question", "prompt", "x"];
export const LABEL_KEYS: readonly string[] = ["label", "output", "answer", "response", "y"];

/**
 * A row that passed the field checks; the label is trimmed. Rows carry only what is needed to
 * find the label again later (its JSON key, or the CSV row's offsets): a closure per row would
 * dominate the parse time of large files.
 */
export interface RawRow {
  line: number;
  input: string;
  label: string;
  /** JSONL: the key the label was read from. */
  key?: string;
  /** The label as written, when a label map turned it into a class name (`label` is the class). */
  rawLabel?: string;
  /** JSON array: offsets of the label value in the text (its quotes included). */
  labelStart?: number;
  labelEnd?: number;
  /** CSV/TSV: offsets of the row in the normalised text (end exclusive, without the line break). */
  start?: number;
  end?: number;
}

/** Fast acceptance test for the common case, so clean rows skip the detailed checks. */
export function isCleanRow(input: unknown, label: unknown): boolean {
  return typeof input === "string" && typeof label === "string" && label.length > 0 && /\S/.test(input) && !/^\s|\s$/.test(label);
}

export interface FieldRange {
  line: number;
  column: number;
  endColumn: number;
  /** Writes a string as a literal of the file format (JSON string, CSV field). */
  literal: (s: string) => string;
}

export interface RowFields {
  line: number;
  input: unknown;
  label: unknown;
  inputKey?: string;
  labelKey?: string;
  /** Where a field's value sits (undefined: point at the whole line). */
  locate: (field: "input" | "label") => FieldRange | undefined;
  /** How the format names the fields, for messages ("key", "column"). */
  container: "key" | "column";
  /** What was expected per field, for "missing" messages (default: the usual names). */
  expected?: { input?: string; label?: string };
}

/** Checks one row's fields; returns the trimmed label, or undefined when the row has an error. */
export function checkRow(f: RowFields, sink: ProblemSink): string | undefined {
  let ok = true;
  const where = (field: "input" | "label") => {
    const r = f.locate(field);
    return r ? { line: r.line, column: r.column, endLine: r.line, endColumn: r.endColumn } : { line: f.line, column: 1, endLine: f.line };
  };
  for (const field of ["input", "label"] as const) {
    const value = field === "input" ? f.input : f.label;
    const expected = f.expected?.[field];
    const aliases = expected ?? `one of the keys ${(field === "input" ? INPUT_KEYS : LABEL_KEYS).map((k) => `"${k}"`).join(", ")}`;
    if (value === undefined) {
      ok = false;
      sink.add({
        ...where(field),
        ...(f.container === "key" ? { column: 1 } : {}),
        severity: "error",
        code: `missing-${field}`,
        message: f.container === "key" ? `this example has no ${field} (expected ${aliases})` : `this row has no ${field} field${expected ? ` (${expected})` : ""}`,
        hint: f.container === "key" ? `Write the example as {"input": "...", "label": "..."}.` : `Give every row a value in the ${field} column.`,
      });
      continue;
    }
    const key = field === "input" ? f.inputKey : f.labelKey;
    const name = key && key !== field ? `${field} ("${key}")` : field;
    if (typeof value !== "string") {
      ok = false;
      const r = f.locate(field);
      const scalar = typeof value === "number" || typeof value === "boolean";
      sink.add({
        ...where(field),
        severity: "error",
        code: `non-string-${field}`,
        message: `the ${name} must be a string, not ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `the ${typeof value} ${String(value)}`}`,
        hint: scalar ? `Put the value in double quotes: "${String(value)}".` : `Write the ${field} as text in double quotes.`,
        fix: scalar && r ? { line: r.line, column: r.column, endColumn: r.endColumn, replacement: r.literal(String(value)), title: `Write ${String(value)} as a string` } : undefined,
      });
      continue;
    }
    if (value.trim() === "") {
      ok = false;
      sink.add({
        ...where(field),
        severity: "error",
        code: `empty-${field}`,
        message: `the ${name} is empty`,
        hint: field === "input" ? "Write the example text, or delete the line." : "Write the example's class, or delete the line.",
      });
      continue;
    }
    if (field === "label" && value.trim() !== value) {
      const r = f.locate(field);
      sink.add({
        ...where(field),
        severity: "warning",
        code: "label-whitespace",
        message: `the label ${quote(value)} has spaces around it; it is read as ${quote(value.trim())}`,
        hint: "Remove the spaces: the prompt adds the space before a label itself.",
        fix: r ? { line: r.line, column: r.column, endColumn: r.endColumn, replacement: r.literal(value.trim()), title: "Trim the label" } : undefined,
      });
    }
  }
  if (!ok) return undefined;
  return (f.label as string).trim();
}
