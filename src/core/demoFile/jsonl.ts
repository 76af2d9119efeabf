// Reader for *.icl.jsonl: one JSON object per line. Blank lines and comment lines (first
// non-space characters "#" or "//") are skipped; neither can start a JSON object, so allowing
// them never changes the meaning of a valid line.
import { isHeaderObject } from "./header";
import { findMember, locateJsonError } from "./jsonSyntax";
import { INPUT_KEYS, LABEL_KEYS, checkRow, isCleanRow, type FieldRange, type RawRow } from "./rows";
import { asText, type FieldPlan } from "./columns";
import { KeyCollector, expectedText, fieldPlans, firstKey, pickJsonField, type ReadContext, type ReadResult } from "./reader";
import type { LineIndex } from "./text";

export type { ReadResult } from "./reader";

export function isCommentOrBlank(line: string): boolean {
  const t = line.trimStart();
  return t === "" || t.startsWith("#") || t.startsWith("//");
}

const jsonLiteral = (s: string) => JSON.stringify(s);
const hasOwn = Object.prototype.hasOwnProperty;

/** Describes the keys a mapping or the defaults read, for DemoFile.shape. */
export function keysDescription(ctx: ReadContext, inputKey: string | undefined, labelKey: string | undefined): string {
  const c = ctx.settings.columns ?? {};
  const i = c.input !== undefined ? JSON.stringify(String(c.input)) : inputKey ? JSON.stringify(inputKey) : "none found";
  const l = c.label !== undefined ? JSON.stringify(String(c.label)) : labelKey ? JSON.stringify(labelKey) : "none found";
  return `input ${i}, label ${l}`;
}

/**
 * One field of a record: the usual keys without a mapping (no per-row allocation: this is the
 * parse time of large files), else through the mapping (`used` lists the keys it read).
 */
function readField(obj: Record<string, unknown>, field: "input" | "label", plan: FieldPlan | undefined): { key?: string; value: unknown; used?: string[] } {
  if (plan) return pickJsonField(obj, field, plan);
  const key = firstKey(obj, field === "input" ? INPUT_KEYS : LABEL_KEYS);
  return { key, value: key === undefined ? undefined : asText(obj[key]) };
}

/** Range of a JSONL member's value, when the example sits on one line. */
function memberRange(index: LineIndex, line: number, key: string | undefined): FieldRange | undefined {
  const m = key === undefined ? undefined : findMember(index.lineText(line), key);
  return m ? { line, column: m.valueStart + 1, endColumn: m.valueEnd + 1, literal: jsonLiteral } : undefined;
}

/** Reads JSON Lines. The header line found by parseDemoFile (info.line) is skipped here; a later one is reported. */
export function readJsonl(ctx: ReadContext, onLateHeader: (value: Record<string, unknown>, line: number) => void): ReadResult {
  const { index, sink, info } = ctx;
  const rows: RawRow[] = [];
  let contentBefore = false;
  const ignoredKeys = new Set<string>();
  const lines = index.lines;
  const plans = fieldPlans(ctx.settings);
  const expected = expectedText(plans, "key");
  const keys = new KeyCollector();
  let attempted = 0;
  let firstInputKey: string | undefined;
  let firstLabelKey: string | undefined;

  for (const [li, text] of lines.entries()) {
    const line = li + 1;
    if (isCommentOrBlank(text) || line === info.line) continue;

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
        hint:
          looksDelimited && li === 0
            ? 'Each line of an .icl.jsonl file is a JSON object like {"input": "...", "label": "..."}; for comma- or tab-separated data use a .csv or .tsv file.'
            : err
              ? err.hint
              : 'Write the example as {"input": "...", "label": "..."}.',
      });
      contentBefore = true;
      attempted++;
      continue;
    }

    if (isHeaderObject(value)) {
      if (info.line !== undefined) {
        sink.addLine(line, {
          severity: "warning",
          code: "duplicate-header",
          message: `a second header line (the header is on line ${info.line}); this one is ignored`,
          hint: "Merge the settings into the first header line and delete this one.",
        });
        continue;
      }
      if (contentBefore) {
        sink.addLine(line, {
          severity: "warning",
          code: "header-not-first",
          message: "the header is not the first line of the file (its settings still apply)",
          hint: "Move this line to the top of the file, before the examples.",
        });
      }
      onLateHeader(value, line);
      continue;
    }
    contentBefore = true;
    attempted++;

    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
      sink.addLine(line, {
        severity: "error",
        code: "not-an-object",
        message: `this line is ${kind}, not a JSON object`,
        hint:
          Array.isArray(value) && value.length === 2
            ? `Write it as {"input": ${JSON.stringify(String(value[0]))}, "label": ${JSON.stringify(String(value[1]))}}.`
            : 'Write each example as {"input": "...", "label": "..."}.',
      });
      continue;
    }

    const obj = value as Record<string, unknown>;
    // Without a mapping (the common case) no per-row objects are made: this loop is the parse time.
    const inp = readField(obj, "input", plans.input);
    const lab = readField(obj, "label", plans.label);
    const { key: inputKey, value: input, used: usedIn } = inp;
    const { key: labelKey, value: label, used: usedLab } = lab;
    firstInputKey ??= inputKey;
    firstLabelKey ??= labelKey;
    const collect = keys.keys.length < 40 && attempted <= 1000;
    for (const k in obj) {
      if (!hasOwn.call(obj, k)) continue;
      if (collect) keys.add(k);
      const used = usedIn || usedLab ? !!usedIn?.includes(k) || !!usedLab?.includes(k) || (!usedIn && k === inputKey) || (!usedLab && k === labelKey) : k === inputKey || k === labelKey;
      if (!used && !ignoredKeys.has(k)) {
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
          hint:
            plans.input || plans.label
              ? 'Examples are read from the keys named in "columns"; other keys are ignored.'
              : `Examples are read from one of ${INPUT_KEYS.map((x) => `"${x}"`).join(", ")} and one of ${LABEL_KEYS.map((x) => `"${x}"`).join(", ")}; other keys are ignored. To read other keys, map them: "columns": {"input": "...", "label": "..."}.`,
        });
      }
    }
    if (isCleanRow(input, label)) {
      rows.push({ line, input: input as string, label: label as string, key: labelKey });
      continue;
    }
    const locate = (field: "input" | "label"): FieldRange | undefined => memberRange(index, line, field === "input" ? inputKey : labelKey);
    const trimmed = checkRow({ line, input, label, inputKey, labelKey, locate, container: "key", expected }, sink);
    if (trimmed !== undefined) rows.push({ line, input: input as string, label: trimmed, key: labelKey });
  }
  const locateLabel = (row: RawRow): FieldRange | undefined => memberRange(index, row.line, row.key);
  return { rows, locateLabel, shape: `JSON Lines (${keysDescription(ctx, firstInputKey, firstLabelKey)})`, keys: keys.keys, attempted };
}
