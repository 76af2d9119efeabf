// Which reader a file gets: from the "format" setting, else from its name and its first lines.
// A .csv/.tsv name is trusted; other names (.jsonl, .json, .txt, none) are checked against the
// content, so a JSON array saved as .jsonl, TREC's `COARSE:fine question` lines or a TSV saved as
// .txt open as they are. A .jsonl file moves to another reader only when its content clearly has
// that shape, so a JSON Lines file with broken lines still gets its per-line problems.
import Papa from "papaparse";
import type { DemoFormat } from "../types";
import { isCommentOrBlank } from "./jsonl";
import { LABEL_TEXT_LINE } from "./labelText";
import type { LineIndex } from "./text";

const SAMPLE = 30;

function byName(path: string): DemoFormat | undefined {
  const p = path.toLowerCase();
  if (p.endsWith(".csv")) return "csv";
  if (p.endsWith(".tsv") || p.endsWith(".tab")) return "tsv";
  if (p.endsWith(".jsonl") || p.endsWith(".ndjson")) return "jsonl";
  if (p.endsWith(".json")) return "json";
  return undefined;
}

/** The reader for a file. `skipLine` is the JSON header line (already read). */
export function detectShape(index: LineIndex, path: string, skipLine: number | undefined): DemoFormat {
  const named = byName(path);
  if (named === "csv" || named === "tsv") return named;
  const lines: string[] = [];
  for (const [i, l] of index.lines.entries()) {
    if (lines.length >= SAMPLE) break;
    if (i + 1 === skipLine) continue;
    if (!isCommentOrBlank(l)) lines.push(l);
  }
  const first = lines[0];
  if (first === undefined) return named === "json" ? "json" : "jsonl";
  if (first.trimStart().startsWith("[")) return "json";
  if (lines.some((l) => l.trimStart().startsWith("{"))) return "jsonl";
  // No line starts an object: LABEL:text, TSV or CSV when every sampled line agrees (for a file
  // named .jsonl/.json, at least three lines must agree before its name is overruled).
  if (named && lines.length < 3) return named;
  if (lines.every((l) => LABEL_TEXT_LINE.test(l)) && !lines.every((l) => l.includes("\t"))) return "label-text";
  const tabs = first.split("\t").length;
  if (tabs >= 2 && lines.every((l) => l.split("\t").length === tabs)) return "tsv";
  const rows = Papa.parse<string[]>(lines.join("\n"), { delimiter: ",", quoteChar: '"' }).data;
  const row0 = rows[0];
  if (row0 && row0.length >= 2 && rows.filter((r) => r.length === row0.length).length >= 0.9 * rows.length) return "csv";
  return named ?? "jsonl";
}

/** Human name of a format, for messages. */
export const FORMAT_NAMES: Record<DemoFormat, string> = {
  jsonl: "JSON Lines",
  json: "a JSON array",
  csv: "CSV",
  tsv: "TSV",
  "label-text": "LABEL:text lines",
};
