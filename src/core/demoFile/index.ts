// Demonstration files: parse JSON Lines, JSON arrays, CSV/TSV (with or without a header row) and
// LABEL:text lines into examples, settings and every problem at once, with a column mapping
// ("columns", "labelMap") for data sets whose columns have other names. Pure (callers read the file and pass its text); never throws.
// Format reference: docs/DEMO_FILES.md.
import type { DemoFile, DemoFormat, ProbeSettings } from "../types";
import { resolveLabelMap } from "./columns";
import { decodeDemoBytes, textNotData } from "./decode";
import { readDelimited } from "./delimited";
import { collapseFloods } from "./diagnose";
import { addIssue, emptyHeaderInfo, headerValueRange, isHeaderObject, readHeader } from "./header";
import { readJsonArray } from "./jsonArray";
import { isCommentOrBlank, readJsonl } from "./jsonl";
import { readLabelText } from "./labelText";
import type { ReadContext, ReadResult } from "./reader";
import type { RawRow } from "./rows";
import { DEFAULT_SETTINGS, checkSetting, resolveSettings } from "./settings";
import { FORMAT_NAMES, detectShape } from "./shape";
import { LineIndex, ProblemSink, normalizeText, quote } from "./text";
import { validateRows } from "./validate";

export {
  DEFAULT_SETTINGS,
  DEFAULT_VARIANTS,
  HEADER_KEYS,
  HEADER_MARKER,
  HEADER_VERSION,
  DEMO_FORMATS,
  checkSetting,
  checkTemplate,
  resolveSettings,
  serializeHeader,
  validateSettings,
  type SettingIssue,
} from "./settings";
export { INPUT_KEYS, LABEL_KEYS } from "./rows";
export { UNBALANCED_RATIO } from "./validate";
export { locateJsonError } from "./jsonSyntax";
export { decodeDemoBytes } from "./decode";
export { parseLabelMapText } from "./columns";
export { toIclJsonl } from "./serialize";
export { FORMAT_NAMES, detectShape } from "./shape";
export { printable } from "./text";

/** Format from the file name only: .csv and .tsv by extension, .json a JSON array, everything else JSONL. The parser also looks at the content (detectShape). */
export function detectFormat(path: string): DemoFormat {
  const p = path.toLowerCase();
  if (p.endsWith(".csv")) return "csv";
  if (p.endsWith(".tsv") || p.endsWith(".tab")) return "tsv";
  if (p.endsWith(".json")) return "json";
  return "jsonl";
}

/**
 * Parses a demonstration file. `overrides` (editor settings, CLI flags) win over the header;
 * invalid override values are reported (at the header line, or line 1) and ignored.
 * Never throws: any input, however broken, yields a DemoFile whose `problems` say what is wrong.
 */
export function parseDemoFile(text: string, path: string, overrides?: Partial<ProbeSettings>): DemoFile {
  const p = typeof path === "string" ? path : "";
  try {
    return parse(typeof text === "string" ? text : "", p, overrides);
  } catch (e) {
    // Defence in depth: the fuzz tests assert this branch is never reached.
    const detail = e instanceof Error ? e.message : String(e);
    const format = detectFormat(p);
    return {
      path,
      format,
      shape: FORMAT_NAMES[format],
      header: {},
      settings: resolveSettings({}),
      examples: [],
      classes: [],
      problems: [
        {
          file: path,
          line: 1,
          column: 1,
          severity: "error",
          code: "internal-error",
          message: `ICL Probe could not read this file: ${detail}`,
          hint: "Please report this as a bug, with the file if you can.",
        },
      ],
    };
  }
}

/**
 * Parses a file given as bytes: decodes UTF-8 (with or without a BOM), UTF-16 (BOM or not) and
 * legacy Windows-1252 text, and turns files that are not text data (Parquet, zip, gzip, ...)
 * into one problem. The CLI, the import command and the editor's file reads use this.
 */
export function parseDemoBytes(bytes: Uint8Array, path: string, overrides?: Partial<ProbeSettings>): DemoFile {
  const decoded = decodeDemoBytes(bytes);
  if (decoded.unsupported) return unsupportedFile(path, decoded.unsupported, decoded.encoding);
  const file = parseDemoFile(decoded.text, path, overrides);
  file.encoding = decoded.encoding;
  if (decoded.encoding !== "utf-8") file.shape += `, ${decoded.encoding}`;
  if (decoded.encoding === "windows-1252") {
    file.problems.unshift({
      file: path,
      line: 1,
      column: 1,
      severity: "info",
      code: "not-utf8",
      message: "the file is not valid UTF-8; it was read as Windows-1252",
      hint: "Save it as UTF-8 if accented letters look wrong in the previews.",
    });
  }
  return file;
}

function unsupportedFile(path: string, u: { shape: string; hint: string }, encoding?: string): DemoFile {
  const format = detectFormat(path);
  return {
    path,
    format,
    shape: u.shape,
    ...(encoding ? { encoding } : {}),
    header: {},
    settings: resolveSettings({}),
    examples: [],
    classes: [],
    problems: [{ file: path, line: 1, column: 1, severity: "error", code: "unsupported-shape", message: `this is ${u.shape}, which ICL Probe does not read`, hint: u.hint }],
  };
}

/** The first line that is not blank or a comment, if it is a JSON header object: its line and value. */
function findHeaderLine(index: LineIndex): { line: number; value: Record<string, unknown> } | undefined {
  for (const [i, l] of index.lines.entries()) {
    if (isCommentOrBlank(l)) continue;
    if (!l.trimStart().startsWith("{")) return undefined;
    try {
      const v = JSON.parse(l);
      return isHeaderObject(v) ? { line: i + 1, value: v } : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function parse(raw: string, path: string, overrides?: Partial<ProbeSettings>): DemoFile {
  const index = new LineIndex(normalizeText(raw));
  const notData = textNotData(index.text);
  if (notData) return unsupportedFile(path, notData);
  const sink = new ProblemSink(path, index);
  const info = emptyHeaderInfo();

  // The header comes first: it may say how to read the rest (columns, labelMap, format).
  let header: Partial<ProbeSettings> = {};
  const found = findHeaderLine(index);
  if (found) header = readHeader(found.value, found.line, index, sink, info);

  // Overrides: checked like header values; bad ones are reported and dropped.
  const cleanOverrides: Partial<ProbeSettings> = {};
  const overridden = new Set<keyof ProbeSettings>();
  const at = (): { line: number; column: number; endColumn: number } => {
    const line = info.line ?? 1;
    return { line, column: 1, endColumn: index.lineText(line).length + 1 };
  };
  if (overrides && typeof overrides === "object") {
    for (const key of Object.keys(overrides)) {
      const value = (overrides as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (!Object.prototype.hasOwnProperty.call(DEFAULT_SETTINGS, key)) {
        addIssue(
          sink,
          { severity: "warning", code: "unknown-setting", message: `unknown setting ${JSON.stringify(key)}`, hint: `Known settings: ${Object.keys(DEFAULT_SETTINGS).join(", ")}.` },
          at(),
          "settings override: ",
        );
        continue;
      }
      const k = key as keyof ProbeSettings;
      const checked = checkSetting(k, value);
      for (const issue of checked.issues) addIssue(sink, issue, at(), "settings override: ");
      if (checked.value !== undefined) {
        (cleanOverrides as Record<string, unknown>)[k] = checked.value;
        overridden.add(k);
      }
    }
  }

  let settings = resolveSettings(header, cleanOverrides);
  const format = settings.format ?? detectShape(index, path, info.line);
  const settingsAt = (key: keyof ProbeSettings) => {
    const r = !overridden.has(key) && info.line !== undefined && info.keys.has(key) ? headerValueRange(index, info.line, info.written.get(key) ?? key) : undefined;
    const w = r ?? at();
    return { line: w.line, column: w.column, endLine: w.line, endColumn: w.endColumn };
  };
  const ctx: ReadContext = { index, sink, info, settings, settingsAt };
  let read: ReadResult;
  switch (format) {
    case "csv":
    case "tsv":
      read = readDelimited(ctx, format === "csv" ? "," : "\t");
      break;
    case "json":
      read = readJsonArray(ctx);
      break;
    case "label-text":
      read = readLabelText(ctx);
      break;
    default:
      read = readJsonl(ctx, (value, line) => {
        // A header after the examples still sets the probe settings (reported as not first).
        header = readHeader(value, line, index, sink, info);
      });
  }
  if (info.line !== found?.line) settings = resolveSettings(header, cleanOverrides);

  const mapped = applyLabelMap(read, settings, { sink, at: settingsAt("labelMap") });
  const { examples, classes } = validateRows(mapped.rows, {
    index,
    sink,
    info,
    settings,
    overridden,
    locateLabel: read.locateLabel,
    declared: settings.classes ?? mapped.classes,
    lineFixes: format !== "json",
  });
  collapseFloods({ sink, index, format, rows: mapped.rows, validLines: examples.map((e) => e.line), keys: read.keys, settings });

  // Editors and the CLI list problems in reading order; the sort is stable within a line.
  const problems = sink.problems.slice().sort((a, b) => a.line - b.line || a.column - b.column);
  const file: DemoFile = { path, format, shape: read.shape + mapped.note, fields: read.keys, header, settings, examples, classes, problems };
  if (info.line !== undefined) file.headerLine = info.line;
  return file;
}

/**
 * Raw labels -> class names through "labelMap". A raw label the map does not know is an error at
 * the label; the classes (in map order) count as declared when "labels" is absent.
 */
function applyLabelMap(
  read: ReadResult,
  settings: ProbeSettings,
  ctx: { sink: ProblemSink; at: { line: number; column: number; endLine: number; endColumn: number } },
): { rows: RawRow[]; classes?: string[]; note: string } {
  if (!settings.labelMap) return { rows: read.rows, note: "" };
  const { lookup, classes, base, ambiguous } = resolveLabelMap(
    settings.labelMap,
    read.rows.map((r) => r.label),
  );
  if (ambiguous) {
    ctx.sink.add({
      ...ctx.at,
      severity: "warning",
      code: "label-map-base",
      message: `"labelMap" is a list of ${classes.length} class names, but the labels include neither 0 nor ${classes.length}: it is read as counting from 0`,
      hint: `Write it as an object to be sure, e.g. "labelMap": {"1": ${JSON.stringify(classes[0])}, ...}.`,
    });
  }
  const rows: RawRow[] = [];
  const unknown = new Map<string, number>();
  for (const r of read.rows) {
    const cls = lookup.get(r.label);
    if (cls === undefined) {
      const n = (unknown.get(r.label) ?? 0) + 1;
      unknown.set(r.label, n);
      if (n > 1) continue; // one problem per raw label: its first line
      const range = read.locateLabel(r);
      ctx.sink.add({
        ...(range ? { line: range.line, column: range.column, endLine: range.line, endColumn: range.endColumn } : { line: r.line, column: 1 }),
        severity: "error",
        code: "unmapped-label",
        message: `label ${quote(r.label)} is not in "labelMap" (it maps ${[...lookup.keys()]
          .slice(0, 8)
          .map((k) => quote(k))
          .join(", ")}${lookup.size > 8 ? ", ..." : ""})`,
        hint: `Add ${JSON.stringify(r.label)} to "labelMap", or fix the label.`,
      });
      continue;
    }
    rows.push({ ...r, label: cls, rawLabel: r.label });
  }
  for (const [raw, n] of unknown)
    if (n > 1) {
      const p = ctx.sink.problems.find((x) => x.code === "unmapped-label" && x.message.startsWith(`label ${quote(raw)}`));
      if (p) p.message += ` (${n} lines have it; the first is reported)`;
    }
  const note = `; labels mapped by "labelMap"${base !== undefined ? ` (class names in order, counting from ${base})` : ""}`;
  return { rows, classes, note };
}

/** Problems that a column mapping answers (the editor then offers a quick pick of the columns). */
const MAPPING_CODES = new Set(["columns-needed", "csv-missing-column", "missing-input", "missing-label"]);

/** Whether the file could not be read because its columns/keys were not recognised. */
export function needsColumnMapping(file: DemoFile): boolean {
  return file.problems.some((p) => p.severity === "error" && MAPPING_CODES.has(p.code));
}
