// Demonstration files: parse *.icl.jsonl, *.csv and *.tsv text into examples, settings and
// every problem at once. Pure (callers read the file and pass its text); never throws.
// Format reference: docs/DEMO_FILES.md.
import type { DemoFile, DemoFormat, ProbeSettings } from "../types";
import { readDelimited } from "./delimited";
import { addIssue, emptyHeaderInfo } from "./header";
import { readJsonl, type ReadResult } from "./jsonl";
import { DEFAULT_SETTINGS, checkSetting, resolveSettings } from "./settings";
import { LineIndex, ProblemSink, normalizeText } from "./text";
import { validateRows } from "./validate";

export {
  DEFAULT_SETTINGS,
  DEFAULT_VARIANTS,
  HEADER_KEYS,
  HEADER_MARKER,
  HEADER_VERSION,
  KNOWN_VARIANT_IDS,
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

/** Format from the file name: .csv and .tsv by extension, everything else JSONL. */
export function detectFormat(path: string): DemoFormat {
  const p = path.toLowerCase();
  if (p.endsWith(".csv")) return "csv";
  if (p.endsWith(".tsv") || p.endsWith(".tab")) return "tsv";
  return "jsonl";
}

/**
 * Parses a demonstration file. `overrides` (editor settings, CLI flags) win over the header;
 * invalid override values are reported (at the header line, or line 1) and ignored.
 * Never throws: any input, however broken, yields a DemoFile whose `problems` say what is wrong.
 */
export function parseDemoFile(text: string, path: string, overrides?: Partial<ProbeSettings>): DemoFile {
  const format = detectFormat(typeof path === "string" ? path : "");
  try {
    return parse(typeof text === "string" ? text : "", path, format, overrides);
  } catch (e) {
    // Defence in depth: the fuzz tests assert this branch is never reached.
    const detail = e instanceof Error ? e.message : String(e);
    return {
      path,
      format,
      header: {},
      settings: resolveSettings({}),
      examples: [],
      classes: [],
      problems: [{ file: path, line: 1, column: 1, severity: "error", code: "internal-error", message: `ICL Probe could not read this file: ${detail}`, hint: "Please report this as a bug, with the file if you can." }],
    };
  }
}

function parse(raw: string, path: string, format: DemoFormat, overrides?: Partial<ProbeSettings>): DemoFile {
  const index = new LineIndex(normalizeText(raw));
  const sink = new ProblemSink(path, index);
  const info = emptyHeaderInfo();

  const read: ReadResult = format === "jsonl" ? readJsonl(index, sink, info) : readDelimited(index, sink, info, format === "csv" ? "," : "\t");

  // Overrides: checked like header values; bad ones are reported and dropped.
  const cleanOverrides: Partial<ProbeSettings> = {};
  const overridden = new Set<keyof ProbeSettings>();
  if (overrides && typeof overrides === "object") {
    const line = info.line ?? 1;
    const at = { line, column: 1, endColumn: index.lineText(line).length + 1 };
    for (const key of Object.keys(overrides)) {
      const value = (overrides as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (!Object.prototype.hasOwnProperty.call(DEFAULT_SETTINGS, key)) {
        addIssue(sink, { severity: "warning", code: "unknown-setting", message: `unknown setting ${JSON.stringify(key)}`, hint: `Known settings: ${Object.keys(DEFAULT_SETTINGS).join(", ")}.` }, at, "settings override: ");
        continue;
      }
      const k = key as keyof ProbeSettings;
      const checked = checkSetting(k, value);
      for (const issue of checked.issues) addIssue(sink, issue, at, "settings override: ");
      if (checked.value !== undefined) {
        (cleanOverrides as Record<string, unknown>)[k] = checked.value;
        overridden.add(k);
      }
    }
  }

  const settings = resolveSettings(read.header, cleanOverrides);
  const { examples, classes } = validateRows(read.rows, { index, sink, info, settings, overridden, locateLabel: read.locateLabel });

  // Editors and the CLI list problems in reading order; the sort is stable within a line.
  const problems = sink.problems.slice().sort((a, b) => a.line - b.line || a.column - b.column);
  const file: DemoFile = { path, format, header: read.header, settings, examples, classes, problems };
  if (info.line !== undefined) file.headerLine = info.line;
  return file;
}

/** Lines for code lenses: the header's line (if any) and each valid example's line. */
export function exampleLines(file: DemoFile): { headerLine?: number; examples: { index: number; line: number; label: string }[] } {
  return { headerLine: file.headerLine, examples: file.examples.map((e) => ({ index: e.index, line: e.line, label: e.label })) };
}

/** True when the file has no error-severity problem (a probe can run). */
export function isRunnable(file: DemoFile): boolean {
  return !file.problems.some((p) => p.severity === "error");
}
