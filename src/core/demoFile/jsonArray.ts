// Reader for a JSON array of objects ([{"input": ..., "output": ...}, ...]), the shape many data
// sets and function-vector word-pair tasks ship in. Parsed with jsonc-parser (the parser VS Code
// itself uses), which gives every value's offset, so each example keeps its real line and its
// label can be underlined. A JSON header line ({"icl-probe": 1, ...}) may precede the array.
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { checkRow, isCleanRow, type FieldRange, type RawRow } from "./rows";
import { KeyCollector, expectedText, fieldPlans, pickJsonField, type ReadContext, type ReadResult } from "./reader";
import { keysDescription } from "./jsonl";
import { defined } from "../defined";

const jsonLiteral = (s: string) => JSON.stringify(s);

const PARSE_HINTS: Record<string, string> = {
  CommaExpected: "Separate the objects of the array (and the members of an object) with commas.",
  CloseBracketExpected: "The array is not closed: end the file with ].",
  CloseBraceExpected: "An object is not closed with }.",
  PropertyNameExpected: 'Keys need double quotes: {"input": "...", "output": "..."}.',
  ValueExpected: "A value is missing (or there is a trailing comma).",
  InvalidSymbol: "JSON needs double quotes around strings and keys.",
  UnexpectedEndOfString: "A string is never closed.",
};

/** Deeper than this is no data set (and would exhaust the recursive parser's stack). */
const MAX_DEPTH = 64;

/** Offset where brackets outside strings first nest deeper than `max`, if they do. */
function nestingBeyond(text: string, max: number): number | undefined {
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inStr = false;
    } else if (c === 0x22) inStr = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

export function readJsonArray(ctx: ReadContext): ReadResult {
  const { index, sink, info } = ctx;
  // The header line (if any) is blanked with spaces, so that offsets stay those of the file.
  let text = index.text;
  if (info.line !== undefined) {
    const start = defined(index.starts[info.line - 1], "start of the header line");
    const len = index.lineText(info.line).length;
    text = text.slice(0, start) + " ".repeat(len) + text.slice(start + len);
  }
  const tooDeep = nestingBeyond(text, MAX_DEPTH);
  if (tooDeep !== undefined) {
    const pos = index.position(tooDeep);
    sink.add({
      line: pos.line,
      column: pos.column,
      severity: "error",
      code: "invalid-json",
      message: `the JSON nests deeper than ${MAX_DEPTH} levels here`,
      hint: 'Examples are flat objects: [{"input": "...", "output": "..."}, ...].',
    });
    return { rows: [], locateLabel: () => undefined, shape: "JSON (too deeply nested)", keys: [], attempted: 0 };
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const rows: RawRow[] = [];
  const keys = new KeyCollector();
  let stopAt = Infinity;
  const e = errors[0];
  if (e) {
    const pos = index.position(e.offset);
    const name = printParseErrorCode(e.error);
    sink.add({
      line: pos.line,
      column: pos.column,
      endLine: pos.line,
      severity: "error",
      code: "invalid-json",
      message: `invalid JSON in the array: ${name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}`,
      hint: PARSE_HINTS[name] ?? "Check the JSON syntax here.",
    });
    stopAt = e.offset;
  }
  if (!root || root.type !== "array") {
    if (!errors.length)
      sink.add({
        line: 1,
        column: 1,
        severity: "error",
        code: "not-an-object",
        message: "the file is JSON but not an array of objects",
        hint: 'Write the examples as [{"input": "...", "output": "..."}, ...] or as JSON Lines.',
      });
    return { rows, locateLabel: () => undefined, shape: "JSON (not an array)", keys: [], attempted: 0 };
  }
  const plans = fieldPlans(ctx.settings);
  const expected = expectedText(plans, "key");
  const elements = root.children ?? [];
  let attempted = 0;
  let firstInputKey: string | undefined;
  let firstLabelKey: string | undefined;
  const rangeOf = (node: Node | undefined): FieldRange | undefined => {
    if (!node) return undefined;
    const a = index.position(node.offset);
    const b = index.position(node.offset + node.length);
    return a.line === b.line ? { line: a.line, column: a.column, endColumn: b.column, literal: jsonLiteral } : undefined;
  };
  for (const el of elements) {
    if (el.offset + el.length > stopAt) break;
    attempted++;
    const { line } = index.position(el.offset);
    if (el.type !== "object") {
      const kind = el.type === "array" ? "an array" : el.type === "null" ? "null" : `a ${el.type}`;
      sink.add({
        line,
        column: index.position(el.offset).column,
        endLine: index.position(el.offset + el.length).line,
        endColumn: index.position(el.offset + el.length).column,
        severity: "error",
        code: "not-an-object",
        message: `this array element is ${kind}, not an object`,
        hint: 'Write each example as {"input": "...", "output": "..."}.',
      });
      continue;
    }
    const obj = getNodeValue(el) as Record<string, unknown>;
    const valueNodes = new Map<string, Node>();
    for (const prop of el.children ?? []) {
      const [k, v] = prop.children ?? [];
      if (k && typeof k.value === "string" && v) {
        valueNodes.set(k.value, v);
        keys.add(k.value);
      }
    }
    const inp = pickJsonField(obj, "input", plans.input);
    const lab = pickJsonField(obj, "label", plans.label);
    firstInputKey ??= inp.key;
    firstLabelKey ??= lab.key;
    const labelNode = lab.key !== undefined ? valueNodes.get(lab.key) : undefined;
    const at = labelNode ? { labelStart: labelNode.offset, labelEnd: labelNode.offset + labelNode.length } : {};
    if (isCleanRow(inp.value, lab.value)) {
      rows.push({ line, input: inp.value as string, label: lab.value as string, ...at });
      continue;
    }
    const locate = (field: "input" | "label") => rangeOf(field === "input" ? (inp.key !== undefined ? valueNodes.get(inp.key) : undefined) : labelNode);
    const trimmed = checkRow({ line, input: inp.value, label: lab.value, inputKey: inp.key, labelKey: lab.key, locate, container: "key", expected }, sink);
    if (trimmed !== undefined) rows.push({ line, input: inp.value as string, label: trimmed, ...at });
  }
  const locateLabel = (row: RawRow): FieldRange | undefined => {
    if (row.labelStart === undefined || row.labelEnd === undefined) return undefined;
    const a = index.position(row.labelStart);
    const b = index.position(row.labelEnd);
    return a.line === b.line ? { line: a.line, column: a.column, endColumn: b.column, literal: jsonLiteral } : undefined;
  };
  return { rows, locateLabel, shape: `JSON array of ${elements.length} object${elements.length === 1 ? "" : "s"} (${keysDescription(ctx, firstInputKey, firstLabelKey)})`, keys: keys.keys, attempted };
}
