// Reader for CSV and TSV files with a header row naming the columns (input/label or the same
// aliases as JSONL). Parsing uses papaparse (quoted fields with delimiters, doubled quotes and
// line breaks are handled the way spreadsheets write them). Papaparse reports rows, not lines,
// so each row's start offset (the previous row's end cursor, which papaparse gives in step mode)
// is mapped back to its real line: a quoted multi-line field does not shift later line numbers.
// The first line may be the same JSON header line as in .icl.jsonl files.
import Papa from "papaparse";
import { type HeaderInfo, isHeaderObject, readHeader } from "./header";
import type { ReadResult } from "./jsonl";
import { INPUT_KEYS, LABEL_KEYS, checkRow, isCleanRow, type FieldRange, type RawRow } from "./rows";
import type { LineIndex, ProblemSink } from "./text";

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

function findColumn(names: string[], keys: readonly string[]): number {
  for (const k of keys) {
    const idx = names.indexOf(k);
    if (idx >= 0) return idx;
  }
  return -1;
}

const PAPA_CODES: Record<string, { code: string; hint: string }> = {
  MissingQuotes: { code: "csv-unclosed-quote", hint: "Close the quoted field with a double quote; write a quote inside a quoted field as two quotes (\"\")." },
  InvalidQuotes: { code: "csv-malformed-quote", hint: "A quoted field must end with a quote right before the delimiter or line end; write a quote inside it as two quotes (\"\")." },
};

export function readDelimited(index: LineIndex, sink: ProblemSink, info: HeaderInfo, delimiter: "," | "\t"): ReadResult {
  const text = index.text;
  const kind = delimiter === "," ? "CSV" : "TSV";
  const literal = delimitedLiteral(delimiter);
  let header = {};
  let base = 0;

  // Optional JSON header on the first non-blank line.
  let first = 0;
  while (first < index.lineCount && index.lines[first].trim() === "") first++;
  if (first < index.lineCount && index.lines[first].trimStart().startsWith("{")) {
    let value: unknown;
    try {
      value = JSON.parse(index.lines[first]);
    } catch {
      value = undefined;
    }
    if (isHeaderObject(value)) {
      header = readHeader(value, first + 1, index, sink, info);
      base = first + 1 < index.lineCount ? index.starts[first + 1] : text.length;
    }
  }

  const rows: RawRow[] = [];
  /** Range of field `col` of the row at [start, end), when the field sits on one line. */
  const locateField = (start: number, end: number, col: number): FieldRange | undefined => {
    const s = fieldSpans(text.slice(start, end), delimiter)[col];
    if (!s) return undefined;
    const a = index.position(start + s.start);
    const b = index.position(start + s.end);
    if (a.line !== b.line) return undefined; // multi-line field: point at the row instead
    return { line: a.line, column: a.column, endColumn: b.column, literal };
  };
  let names: string[] | undefined;
  let inputCol = -1;
  let labelCol = -1;
  let rowStart = base;
  const body = text.slice(base);
  if (body === "") return { header, rows, locateLabel: () => undefined };

  Papa.parse<string[]>(body, {
    delimiter,
    newline: "\n",
    quoteChar: '"',
    skipEmptyLines: false,
    step: (result) => {
      const start = rowStart;
      const end = base + result.meta.cursor;
      rowStart = end;
      const row = result.data;
      const { line } = index.position(start);
      const errors = result.errors ?? [];
      if (errors.length) {
        // Papaparse often reports one broken quote several times (malformed, then unclosed):
        // the first error of a row is the cause, the rest are consequences.
        for (const e of errors.slice(0, 1)) {
          const known = PAPA_CODES[e.code];
          const pos = index.position(base + (typeof e.index === "number" ? e.index : start - base));
          sink.add({ line: pos.line, column: pos.column, severity: "error", code: known?.code ?? "csv-error", message: `${kind}: ${e.message}`, hint: known?.hint ?? "Check the quoting and delimiters of this row." });
        }
        return;
      }
      if (!Array.isArray(row) || (row.length === 1 && row[0].trim() === "")) return; // blank line

      if (names === undefined) {
        names = row.map((c) => String(c).trim().toLowerCase());
        inputCol = findColumn(names, INPUT_KEYS);
        labelCol = findColumn(names, LABEL_KEYS);
        const looksLikeData = inputCol < 0 && labelCol < 0;
        if (looksLikeData) {
          // Most likely the file starts with data: one error, and no notes about "unused" columns.
          sink.addLine(line, {
            severity: "error",
            code: "csv-missing-column",
            message: `the first ${kind} row has no input or label column (expected one of ${INPUT_KEYS.join(", ")} and one of ${LABEL_KEYS.join(", ")})`,
            hint: `The first row must name the columns: add a line "input${delimiter === "," ? "," : "\\t"}label" at the top.`,
          });
          return;
        }
        for (const [field, col, keys] of [["input", inputCol, INPUT_KEYS], ["label", labelCol, LABEL_KEYS]] as const) {
          if (col < 0) {
            sink.addLine(line, { severity: "error", code: "csv-missing-column", message: `the ${kind} header row has no ${field} column (expected one of ${keys.join(", ")})`, hint: `Rename the ${field} column to "${field}".` });
          }
        }
        names.forEach((nm, i) => {
          if (i !== inputCol && i !== labelCol && nm !== "") {
            sink.addLine(line, { severity: "info", code: "ignored-column", message: `column ${JSON.stringify(nm)} is not used`, hint: `Examples are read from the input and label columns; other columns are ignored.` });
          }
        });
        return;
      }
      if (inputCol < 0 || labelCol < 0) return; // already reported on the header row

      const rawEnd = text[end - 1] === "\n" ? end - 1 : end;
      const input = row[inputCol];
      const label = row[labelCol];
      if (isCleanRow(input, label)) {
        rows.push({ line, input, label, start, end: rawEnd });
        return;
      }
      const locate = (field: "input" | "label") => locateField(start, rawEnd, field === "input" ? inputCol : labelCol);
      const trimmed = checkRow({ line, input, label, locate, container: "column" }, sink);
      if (trimmed !== undefined) rows.push({ line, input, label: trimmed, start, end: rawEnd });
    },
  });
  if (names === undefined && rows.length === 0) {
    // Only blank lines after an optional header: no column header row at all.
    sink.add({ line: 1, column: 1, severity: "error", code: "csv-missing-column", message: `the ${kind} file has no header row`, hint: `Start the file with a row naming the columns, e.g. "input${delimiter === "," ? "," : "\\t"}label".` });
  }
  return { header, rows, locateLabel: (row) => (row.start === undefined || row.end === undefined ? undefined : locateField(row.start, row.end, labelCol)) };
}
