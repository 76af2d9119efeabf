// Writing a parsed file back as a ready *.icl.jsonl (the import command): a comment naming the
// source and its shape, a header line with the probe settings and the classes in order, then one
// {"input", "label"} object per example. The mapping keys (columns, labelMap, headerRow, format)
// are not written: the output already has input/label keys and class names, so it reads the same
// without them.
import type { DemoFile, ProbeSettings } from "../types";
import { DEFAULT_SETTINGS, serializeHeader } from "./settings";

const READ_KEYS: ReadonlySet<keyof ProbeSettings> = new Set<keyof ProbeSettings>(["columns", "labelMap", "headerRow", "format"]);

/** Settings that differ from the defaults (header values and overrides), without the mapping keys. */
export function chosenSettings(settings: ProbeSettings): Partial<ProbeSettings> {
  const out: Partial<ProbeSettings> = {};
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof ProbeSettings)[]) {
    if (READ_KEYS.has(key)) continue;
    const v = settings[key];
    if (v === undefined || JSON.stringify(v) === JSON.stringify(DEFAULT_SETTINGS[key])) continue;
    (out as Record<string, unknown>)[key] = v;
  }
  return out;
}

/**
 * The text of a ready demonstration file for `file` (which should have no errors). `k`, when
 * given, replaces the settings' k (the import command passes the k values that fit).
 */
export function toIclJsonl(file: DemoFile, opts: { source: string; k?: number[] }): string {
  const settings = chosenSettings(file.settings);
  if (opts.k) settings.k = opts.k;
  settings.classes = [...file.classes];
  const lines = [
    `# imported by icl-probe from ${opts.source.replace(/[\r\n]+/g, " ")}: ${file.shape.replace(/[\r\n]+/g, " ")}; ${file.examples.length} examples, ${file.classes.length} classes`,
    serializeHeader(settings),
    ...file.examples.map((e) => JSON.stringify({ input: e.input, label: e.label })),
  ];
  return lines.join("\n") + "\n";
}
