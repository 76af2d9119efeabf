// Reader for *.icl.jsonl: one JSON object per line. Blank lines and comment lines (first
// non-space characters "#" or "//") are skipped; neither can start a JSON object, so allowing
// them never changes the meaning of a valid line.
import type { ProbeSettings } from "../types";
import { type HeaderInfo, isHeaderObject, readHeader } from "./header";
import { findMember, locateJsonError } from "./jsonSyntax";
import { INPUT_KEYS, LABEL_KEYS, checkRow, isCleanRow, type FieldRange, type RawRow } from "./rows";
import type { LineIndex, ProblemSink } from "./text";

export interface ReadResult {
  header: Partial<ProbeSettings>;
  rows: RawRow[];
  /** Where a row's label sits (for problems and quick fixes about the label). */
  locateLabel: (row: RawRow) => FieldRange | undefined;
}

export function isCommentOrBlank(line: string): boolean {
  const t = line.trimStart();
  return t === "" || t.startsWith("#") || t.startsWith("//");
}

const jsonLiteral = (s: string) => JSON.stringify(s);
const hasOwn = Object.prototype.hasOwnProperty;

/** The first of `keys` that `obj` has as an own property. */
function firstKey(obj: object, keys: readonly string[]): string | undefined {
  for (let i = 0; i < keys.length; i++) if (hasOwn.call(obj, keys[i])) return keys[i];
  return undefined;
}

export function readJsonl(index: LineIndex, sink: ProblemSink, info: HeaderInfo): ReadResult {
  const rows: RawRow[] = [];
  let header: Partial<ProbeSettings> = {};
  let contentBefore = false;
  const ignoredKeys = new Set<string>();
  const lines = index.lines;

  for (let li = 0; li < lines.length; li++) {
    const text = lines[li];
    const line = li + 1;
    if (isCommentOrBlank(text)) continue;

    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const err = locateJsonError(text);
      const looksDelimited = !text.trimStart().startsWith("{") && /[,\t]/.test(text);
      sink.add({
        line,
        column: err ? err.offset + 1 : 1,
        endLine: line, // to the end of the line: everything after the first bad character is suspect
        severity: "error",
        code: "invalid-json",
        message: `invalid JSON: ${err ? err.message : e instanceof Error ? e.message : String(e)}`,
        hint: looksDelimited && li === 0
          ? "Each line of an .icl.jsonl file is a JSON object like {\"input\": \"...\", \"label\": \"...\"}; for comma- or tab-separated data use a .csv or .tsv file."
          : err ? err.hint : "Write the example as {\"input\": \"...\", \"label\": \"...\"}.",
      });
      contentBefore = true;
      continue;
    }

    if (isHeaderObject(value)) {
      if (info.line !== undefined) {
        sink.addLine(line, { severity: "warning", code: "duplicate-header", message: `a second header line (the header is on line ${info.line}); this one is ignored`, hint: "Merge the settings into the first header line and delete this one." });
        continue;
      }
      if (contentBefore) {
        sink.addLine(line, { severity: "warning", code: "header-not-first", message: "the header is not the first line of the file (its settings still apply)", hint: "Move this line to the top of the file, before the examples." });
      }
      header = readHeader(value, line, index, sink, info);
      continue;
    }
    contentBefore = true;

    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
      sink.addLine(line, {
        severity: "error",
        code: "not-an-object",
        message: `this line is ${kind}, not a JSON object`,
        hint: Array.isArray(value) && value.length === 2 ? `Write it as {"input": ${JSON.stringify(String(value[0]))}, "label": ${JSON.stringify(String(value[1]))}}.` : 'Write each example as {"input": "...", "label": "..."}.',
      });
      continue;
    }

    const obj = value as Record<string, unknown>;
    const inputKey = firstKey(obj, INPUT_KEYS);
    const labelKey = firstKey(obj, LABEL_KEYS);
    for (const k in obj) {
      if (k !== inputKey && k !== labelKey && !ignoredKeys.has(k) && hasOwn.call(obj, k)) {
        ignoredKeys.add(k);
        const m = findMember(text, k);
        sink.add({
          line,
          column: m ? m.keyStart + 1 : 1,
          endLine: line,
          endColumn: m ? m.keyEnd + 1 : undefined,
          severity: "info",
          code: "ignored-key",
          message: `key ${JSON.stringify(k)} is not used (first seen here; not reported again)`,
          hint: `Examples are read from one of ${INPUT_KEYS.map((x) => `"${x}"`).join(", ")} and one of ${LABEL_KEYS.map((x) => `"${x}"`).join(", ")}; other keys are ignored.`,
        });
      }
    }
    const input = inputKey === undefined ? undefined : obj[inputKey];
    const label = labelKey === undefined ? undefined : obj[labelKey];
    if (isCleanRow(input, label)) {
      rows.push({ line, input: input as string, label: label as string, key: labelKey });
      continue;
    }
    const locate = (field: "input" | "label"): FieldRange | undefined => {
      const key = field === "input" ? inputKey : labelKey;
      const m = key === undefined ? undefined : findMember(text, key);
      return m ? { line, column: m.valueStart + 1, endColumn: m.valueEnd + 1, literal: jsonLiteral } : undefined;
    };
    const trimmed = checkRow({ line, input, label, inputKey, labelKey, locate, container: "key" }, sink);
    if (trimmed !== undefined) rows.push({ line, input: input as string, label: trimmed, key: labelKey });
  }
  const locateLabel = (row: RawRow): FieldRange | undefined => {
    const m = row.key === undefined ? undefined : findMember(index.lineText(row.line), row.key);
    return m ? { line: row.line, column: m.valueStart + 1, endColumn: m.valueEnd + 1, literal: jsonLiteral } : undefined;
  };
  return { header, rows, locateLabel };
}
