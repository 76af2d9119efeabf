// Probe settings: defaults, the header keys that set them, per-key validation (shared by the
// file header, editor settings and CLI overrides), the merge order defaults <- header <-
// overrides, and serialisation back into a header line.
import type { DemoFormat, ProbeSettings, Severity } from "../types";
import { closest, quote } from "./text";
import { VARIANT_IDS } from "../variants";
import { isVariantKey, variantIdOf } from "../variants/keys";

/** The header's marker key: a JSON line with this key declares the probe. Value: format version. */
export const HEADER_MARKER = "icl-probe";
export const HEADER_VERSION = 1;

/**
 * Default variants: the gold reference, one per-demo inconsistent variant (Min et al. 2022), one
 * consistent permutation (Wei et al. 2023), one abstract remap (Pan et al. 2023), and the
 * paper's two probes tau_RA and tau_PA (Li et al. 2024). Cheap enough for a first run, and
 * together they separate task recognition from task learning.
 */
export const DEFAULT_VARIANTS: readonly string[] = ["gold", "random-labels", "flipped", "abstract-letters", "ra-string", "pa-word"];

/**
 * Defaults. The template follows the paper's code ("Review: {x}\nSentiment: {label}", Li et al.
 * 2024); examples are separated by a blank line ("\n\n") so that multi-line templates stay
 * readable and the boundary between demonstrations is unambiguous for the model.
 */
export const DEFAULT_SETTINGS: ProbeSettings = Object.freeze({
  template: "Review: {input}\nSentiment: {label}",
  separator: "\n\n",
  instruction: "",
  classes: undefined,
  // Frozen all the way down: a caller mutating the defaults would silently change every later
  // parse. resolveSettings hands out copies.
  verbalizers: Object.freeze({}),
  k: Object.freeze([0, 4, 8, 16]),
  seeds: Object.freeze([1, 2, 3]),
  queries: 64,
  selection: "fixed",
  balance: false,
  calibrate: false,
  variants: Object.freeze([...DEFAULT_VARIANTS]),
  wordLists: undefined,
  columns: undefined,
  labelMap: undefined,
  headerRow: undefined,
  format: undefined,
}) as unknown as ProbeSettings;

/** Settings that stay absent when unset (so settings written before they existed compare and hash the same). */
const OPTIONAL_KEYS: ReadonlySet<keyof ProbeSettings> = new Set<keyof ProbeSettings>(["wordLists", "columns", "labelMap", "headerRow", "format"]);

/** The shapes a "format" setting may name. */
export const DEMO_FORMATS: readonly DemoFormat[] = ["jsonl", "json", "csv", "tsv", "label-text"];

/** Header key (as written in the file) -> settings key. "classes" is accepted as an alias of "labels". */
export const HEADER_KEYS: Readonly<Record<string, keyof ProbeSettings>> = Object.freeze({
  template: "template",
  separator: "separator",
  instruction: "instruction",
  labels: "classes",
  classes: "classes",
  verbalizers: "verbalizers",
  k: "k",
  seeds: "seeds",
  queries: "queries",
  selection: "selection",
  balance: "balance",
  calibrate: "calibrate",
  variants: "variants",
  wordLists: "wordLists",
  columns: "columns",
  labelMap: "labelMap",
  headerRow: "headerRow",
  format: "format",
});

/** Settings key -> the canonical header key (for messages and serialisation). */
export function headerKeyOf(key: keyof ProbeSettings): string {
  return key === "classes" ? "labels" : key;
}

/** A problem with one setting, without a file position (callers place it). */
export interface SettingIssue {
  /** Settings key the issue is about (undefined: the settings as a whole). */
  key?: keyof ProbeSettings;
  /** Index inside an array value, when the issue is about one entry. */
  item?: number;
  severity: Severity;
  code: string;
  message: string;
  hint: string;
}

export interface CheckedSetting {
  /** The normalised value (e.g. k: 4 -> [4]); undefined when the value is unusable. */
  value?: unknown;
  issues: SettingIssue[];
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const typeName = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`);

function bad(key: keyof ProbeSettings, message: string, hint: string, item?: number): SettingIssue {
  return { key, item, severity: "error", code: "invalid-setting", message, hint };
}

function intList(key: "k" | "seeds", value: unknown, min: number): CheckedSetting {
  const h = headerKeyOf(key);
  const example = key === "k" ? "[0, 4, 8]" : "[1, 2, 3]";
  const list = isInt(value) ? [value] : value;
  if (!Array.isArray(list)) {
    return { issues: [bad(key, `"${h}" must be a list of whole numbers, not ${typeName(value)}`, `Write e.g. "${h}": ${example}.`)] };
  }
  if (list.length === 0) return { issues: [bad(key, `"${h}" is an empty list`, `Give at least one value, e.g. "${h}": ${example}.`)] };
  const issues: SettingIssue[] = [];
  const out: number[] = [];
  const seen = new Set<number>();
  list.forEach((v, idx) => {
    if (!isInt(v) || v < min) {
      const what = min === 0 ? "whole numbers >= 0" : "whole numbers";
      issues.push(bad(key, `"${h}" entry ${quote(v)} is not valid: entries must be ${what}`, `Write e.g. "${h}": ${example}.`, idx));
    } else if (seen.has(v)) {
      issues.push({ key, item: idx, severity: "warning", code: "duplicate-value", message: `"${h}" lists ${v} twice`, hint: "Remove the repeated value; it would only repeat the same runs." });
    } else {
      seen.add(v);
      out.push(v);
    }
  });
  return { value: issues.some((x) => x.severity === "error") ? undefined : out, issues };
}

/** Checks one template string (shared with validateSettings). */
export function checkTemplate(template: string): SettingIssue[] {
  const issues: SettingIssue[] = [];
  const iIn = template.indexOf("{input}");
  const iLab = template.indexOf("{label}");
  if (iIn < 0) {
    issues.push({
      key: "template",
      severity: "error",
      code: "template-missing-input",
      message: "the template has no {input} placeholder",
      hint: 'Put {input} where the example text goes, e.g. "Review: {input}\\nSentiment: {label}".',
    });
  }
  if (iLab < 0) {
    issues.push({
      key: "template",
      severity: "error",
      code: "template-missing-label",
      message: "the template has no {label} placeholder",
      hint: 'Put {label} where the answer goes, e.g. "Review: {input}\\nSentiment: {label}".',
    });
  }
  if (iIn >= 0 && iLab >= 0 && iLab < iIn) {
    issues.push({
      key: "template",
      severity: "error",
      code: "template-label-before-input",
      message: "{label} comes before {input} in the template",
      hint: "The model predicts the label after reading the input: put {label} after {input}.",
    });
  }
  if (iLab >= 0 && template.indexOf("{label}", iLab + 1) >= 0) {
    issues.push({
      key: "template",
      severity: "warning",
      code: "template-repeated-placeholder",
      message: "{label} appears more than once in the template",
      hint: "Keep one {label}: only the first is scored, later ones would show the answer in the query.",
    });
  }
  const unknown = (template.match(/\{[A-Za-z_][A-Za-z0-9_]*\}/g) ?? []).filter((m) => m !== "{input}" && m !== "{label}");
  for (const u of new Set(unknown)) {
    const guess = closest(u.slice(1, -1), ["input", "label"]);
    issues.push({
      key: "template",
      severity: "warning",
      code: "template-unknown-placeholder",
      message: `unknown placeholder ${u} in the template (kept as literal text)`,
      hint: guess ? `Did you mean {${guess}}?` : "Only {input} and {label} are replaced.",
    });
  }
  return issues;
}

/**
 * Checks and normalises one setting value of unknown type (from a header, editor settings or
 * command-line flags). Never throws.
 */
export function checkSetting(key: keyof ProbeSettings, value: unknown): CheckedSetting {
  const h = headerKeyOf(key);
  switch (key) {
    case "template":
      if (typeof value !== "string") return { issues: [bad(key, `"template" must be a string, not ${typeName(value)}`, 'Write e.g. "template": "Review: {input}\\nSentiment: {label}".')] };
      {
        const issues = checkTemplate(value);
        return { value: issues.some((x) => x.severity === "error") ? undefined : value, issues };
      }
    case "separator":
    case "instruction":
      if (typeof value !== "string")
        return {
          issues: [
            bad(key, `"${h}" must be a string, not ${typeName(value)}`, key === "separator" ? 'Write e.g. "separator": "\\n\\n".' : 'Write e.g. "instruction": "Classify the sentiment." or "".'),
          ],
        };
      return { value, issues: [] };
    case "classes": {
      if (value === undefined) return { value: undefined, issues: [] };
      if (!Array.isArray(value)) return { issues: [bad(key, `"labels" must be a list of strings, not ${typeName(value)}`, 'Write e.g. "labels": ["negative", "positive"].')] };
      const issues: SettingIssue[] = [];
      const out: string[] = [];
      const seen = new Set<string>();
      value.forEach((v, idx) => {
        if (typeof v !== "string" || v.trim() === "") {
          issues.push(bad(key, `"labels" entry ${quote(v)} is not a non-empty string`, 'Write every label as a string, e.g. "labels": ["negative", "positive"].', idx));
        } else if (seen.has(v.trim())) {
          issues.push({ key, item: idx, severity: "warning", code: "duplicate-class", message: `"labels" lists ${quote(v)} twice`, hint: "Remove the repeated label." });
        } else {
          seen.add(v.trim());
          out.push(v.trim());
        }
      });
      if (!issues.some((x) => x.severity === "error") && out.length < 2) {
        issues.push({
          key,
          severity: "error",
          code: "too-few-classes",
          message: `"labels" declares ${out.length} class${out.length === 1 ? "" : "es"}; a probe needs at least two`,
          hint: 'List every class, e.g. "labels": ["negative", "positive"].',
        });
      }
      return { value: issues.some((x) => x.severity === "error" && x.code === "invalid-setting") ? undefined : out, issues };
    }
    case "verbalizers": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return { issues: [bad(key, `"verbalizers" must be an object mapping class -> label word, not ${typeName(value)}`, 'Write e.g. "verbalizers": {"neg": "negative", "pos": "positive"}.')] };
      }
      const issues: SettingIssue[] = [];
      const out: Record<string, string> = {};
      const seen = new Map<string, string>();
      for (const [cls, word] of Object.entries(value as Record<string, unknown>)) {
        if (typeof word !== "string" || word.trim() === "") {
          issues.push(bad(key, `verbalizer for class ${quote(cls)} must be a non-empty string, not ${quote(word)}`, 'Write e.g. "verbalizers": {"neg": "negative"}.'));
          continue;
        }
        const prev = seen.get(word);
        if (prev !== undefined) {
          issues.push({
            key,
            severity: "error",
            code: "duplicate-verbalizer",
            message: `classes ${quote(prev)} and ${quote(cls)} have the same label word ${quote(word)}`,
            hint: "Give every class its own label word, or the scores cannot tell them apart.",
          });
          continue;
        }
        seen.set(word, cls);
        out[cls] = word;
      }
      return { value: issues.some((x) => x.code === "invalid-setting") ? undefined : out, issues };
    }
    case "k":
      return intList("k", value, 0);
    case "seeds":
      return intList("seeds", value, -Infinity);
    case "queries":
      if (!isInt(value) || value < 1) return { issues: [bad(key, `"queries" must be a whole number >= 1, not ${quote(value)}`, 'Write e.g. "queries": 64.')] };
      return { value, issues: [] };
    case "selection":
      if (value !== "fixed" && value !== "per-query") {
        const guess = typeof value === "string" ? closest(value, ["fixed", "per-query"]) : undefined;
        return {
          issues: [
            bad(
              key,
              `"selection" must be "fixed" or "per-query", not ${quote(value)}`,
              guess ? `Did you mean "${guess}"?` : '"fixed": one demo set per seed; "per-query": demos re-drawn for every query.',
            ),
          ],
        };
      }
      return { value, issues: [] };
    case "balance":
    case "calibrate":
      if (typeof value !== "boolean") return { issues: [bad(key, `"${h}" must be true or false, not ${quote(value)}`, `Write "${h}": true or "${h}": false (without quotes around the value).`)] };
      return { value, issues: [] };
    case "variants": {
      const list = typeof value === "string" ? [value] : value;
      if (!Array.isArray(list))
        return { issues: [bad(key, `"variants" must be a list of variant ids, not ${typeName(value)}`, `Write e.g. "variants": ${JSON.stringify(DEFAULT_VARIANTS.slice(0, 3))}.`)] };
      if (list.length === 0) return { issues: [bad(key, '"variants" is an empty list', 'Name at least one variant, e.g. "variants": ["gold"].')] };
      const issues: SettingIssue[] = [];
      const out: string[] = [];
      const seen = new Set<string>();
      list.forEach((v, idx) => {
        if (!isVariantKey(v)) {
          issues.push(bad(key, `variant ${quote(v)} is not a variant id`, 'Variant ids look like "gold", "ra-string", "ra-string#2" or a range of draws "ra-string#0..49".', idx));
          return;
        }
        const id = variantIdOf(v);
        if (!VARIANT_IDS.includes(id)) {
          const guess = closest(id, VARIANT_IDS);
          issues.push({
            key,
            item: idx,
            severity: "warning",
            code: "unknown-variant",
            message: `unknown variant ${quote(v)}`,
            hint: guess ? `Did you mean "${guess}"?` : `Known variants: ${VARIANT_IDS.join(", ")}.`,
          });
        }
        if (seen.has(v)) {
          issues.push({ key, item: idx, severity: "warning", code: "duplicate-value", message: `"variants" lists ${quote(v)} twice`, hint: "Remove the repeated variant." });
          return;
        }
        seen.add(v);
        out.push(v);
      });
      return { value: issues.some((x) => x.severity === "error") ? undefined : out, issues };
    }
    case "wordLists":
      return checkWordLists(value);
    case "columns":
      return checkColumns(value);
    case "labelMap":
      return checkLabelMap(value);
    case "headerRow":
      if (typeof value !== "boolean") return { issues: [bad(key, `"headerRow" must be true or false, not ${quote(value)}`, 'Write "headerRow": false for a CSV/TSV file whose first row is data.')] };
      return { value, issues: [] };
    case "format":
      if (typeof value !== "string" || !(DEMO_FORMATS as readonly string[]).includes(value)) {
        const guess = typeof value === "string" ? closest(value, DEMO_FORMATS) : undefined;
        return {
          issues: [
            bad(
              key,
              `"format" must be one of ${DEMO_FORMATS.map((f) => `"${f}"`).join(", ")}, not ${quote(value)}`,
              guess ? `Did you mean "${guess}"?` : "Leave it out to let ICL Probe recognise the shape.",
            ),
          ],
        };
      }
      return { value, issues: [] };
    default:
      return { issues: [{ severity: "warning", code: "unknown-setting", message: `unknown setting ${quote(key)}`, hint: `Known settings: ${Object.keys(DEFAULT_SETTINGS).join(", ")}.` }] };
  }
}

/**
 * Checks a (partial) settings object of unknown provenance, e.g. editor settings or CLI
 * overrides. With `nExamples` it also checks that every k leaves at least one query
 * (k <= n - 1). Returns issues; an empty list means the settings are usable.
 */
export function validateSettings(settings: Partial<ProbeSettings> | Record<string, unknown>, nExamples?: number): SettingIssue[] {
  const issues: SettingIssue[] = [];
  const s = (settings ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (s[key] === undefined) continue;
    if (!(key in DEFAULT_SETTINGS)) {
      const guess = closest(key, Object.keys(DEFAULT_SETTINGS));
      issues.push({
        severity: "warning",
        code: "unknown-setting",
        message: `unknown setting ${quote(key)}`,
        hint: guess ? `Did you mean "${guess}"?` : `Known settings: ${Object.keys(DEFAULT_SETTINGS).join(", ")}.`,
      });
      continue;
    }
    issues.push(...checkSetting(key as keyof ProbeSettings, s[key]).issues);
  }
  if (nExamples !== undefined && Array.isArray(s.k)) issues.push(...checkK(s.k.filter(isInt), nExamples));
  return issues;
}

/** k must leave at least one query: k <= n - 1. */
export function checkK(k: readonly number[], nExamples: number): SettingIssue[] {
  const out: SettingIssue[] = [];
  k.forEach((v, idx) => {
    if (v > nExamples - 1) {
      out.push({
        key: "k",
        item: idx,
        severity: "error",
        code: "k-too-large",
        message: `k = ${v} needs at least ${v + 1} examples (${v} demonstrations + 1 query), but there ${nExamples === 1 ? "is" : "are"} only ${nExamples} valid example${nExamples === 1 ? "" : "s"}`,
        hint: nExamples >= 2 ? `Use k values up to ${nExamples - 1}, or add examples.` : "Add examples: a probe needs demonstrations and at least one query.",
      });
    }
  });
  return out;
}

function copyValue<T>(v: T): T {
  if (Array.isArray(v)) return [...v] as T;
  if (v && typeof v === "object") return { ...(v as object) } as T;
  return v;
}

/** Merges defaults <- header <- overrides (undefined values do not override). Values are copied. */
export function resolveSettings(header: Partial<ProbeSettings>, overrides?: Partial<ProbeSettings>): ProbeSettings {
  const out = {} as Record<keyof ProbeSettings, unknown>;
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof ProbeSettings)[]) {
    const o = overrides?.[key];
    const h = header?.[key];
    const v = copyValue(o !== undefined ? o : h !== undefined ? h : DEFAULT_SETTINGS[key]);
    // Optional settings stay absent rather than present-but-undefined, so settings written
    // before they existed compare (and serialise) the same.
    if (v === undefined && OPTIONAL_KEYS.has(key)) continue;
    out[key] = v;
  }
  return out as unknown as ProbeSettings;
}

/**
 * The header line for settings: marker first, then only the given keys, "classes" written as
 * "labels". One line of JSON, ready to be the first line of an .icl.jsonl file.
 */
export function serializeHeader(settings: Partial<ProbeSettings>): string {
  const obj: Record<string, unknown> = { [HEADER_MARKER]: HEADER_VERSION };
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof ProbeSettings)[]) {
    const v = settings[key];
    if (v !== undefined) obj[headerKeyOf(key)] = v;
  }
  return JSON.stringify(obj);
}

const WORD_LIST_RELATIONS = ["synonyms", "antonyms", "keywords"] as const;

/** "wordLists": {"synonyms": {"positive": ["upbeat", "glowing"]}, "antonyms": {...}, "keywords": {...}}. */
function checkWordLists(value: unknown): CheckedSetting {
  const key = "wordLists" as const;
  const example = 'Write e.g. "wordLists": {"synonyms": {"positive": ["upbeat"]}, "antonyms": {"positive": ["negative"]}}.';
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { issues: [bad(key, `"wordLists" must be an object, not ${typeName(value)}`, example)] };
  const issues: SettingIssue[] = [];
  const out: NonNullable<ProbeSettings["wordLists"]> = {};
  for (const [relation, table] of Object.entries(value as Record<string, unknown>)) {
    if (!(WORD_LIST_RELATIONS as readonly string[]).includes(relation)) {
      issues.push({
        key,
        severity: "warning",
        code: "unknown-setting",
        message: `"wordLists" has an unknown list ${quote(relation)}`,
        hint: `Lists are ${WORD_LIST_RELATIONS.map((r) => `"${r}"`).join(", ")}.`,
      });
      continue;
    }
    if (table === null || typeof table !== "object" || Array.isArray(table)) {
      issues.push(bad(key, `"wordLists.${relation}" must map a label word to a list of words, not ${typeName(table)}`, example));
      continue;
    }
    const rel: Record<string, string[]> = {};
    for (const [word, list] of Object.entries(table as Record<string, unknown>)) {
      const words = typeof list === "string" ? [list] : list;
      if (!Array.isArray(words) || words.length === 0 || words.some((w) => typeof w !== "string" || w.trim() === "")) {
        issues.push(bad(key, `"wordLists.${relation}" entry for ${quote(word)} must be a non-empty list of words, not ${quote(list)}`, example));
        continue;
      }
      rel[word] = words.map((w: string) => w.trim());
    }
    out[relation as (typeof WORD_LIST_RELATIONS)[number]] = rel;
  }
  return { value: issues.some((x) => x.severity === "error") ? undefined : out, issues };
}

/** A column reference: a name, a 1-based column number, or a template over columns ("{title}. {description}"). */
function checkColumnSpec(field: "input" | "label", v: unknown): SettingIssue | undefined {
  const example = field === "input" ? '"columns": {"input": "sentence"}, {"input": 2} or {"input": "{title}. {description}"}' : '"columns": {"label": "label"} or {"label": 1}';
  if (typeof v === "string" && v.trim() !== "") {
    if (v.includes("{") && !/\{[^{}]+\}/.test(v)) return bad("columns", `"columns.${field}" ${quote(v)} has a "{" without a column name in braces`, `Write e.g. ${example}.`);
    return undefined;
  }
  if (isInt(v) && v >= 1) return undefined;
  return bad("columns", `"columns.${field}" must be a column name, a column number from 1, or a template, not ${quote(v)}`, `Write e.g. ${example}.`);
}

function checkColumns(value: unknown): CheckedSetting {
  const key = "columns" as const;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { issues: [bad(key, `"columns" must be an object naming the input and label columns, not ${typeName(value)}`, 'Write e.g. "columns": {"input": "sentence", "label": "label"}.')] };
  }
  const issues: SettingIssue[] = [];
  const out: NonNullable<ProbeSettings["columns"]> = {};
  for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
    if (field !== "input" && field !== "label") {
      const guess = closest(field, ["input", "label"]);
      issues.push({
        key,
        severity: "warning",
        code: "unknown-setting",
        message: `"columns" has an unknown entry ${quote(field)} (ignored)`,
        hint: guess ? `Did you mean "${guess}"?` : 'Only "input" and "label" are mapped.',
      });
      continue;
    }
    const issue = checkColumnSpec(field, v);
    if (issue) issues.push(issue);
    else out[field] = typeof v === "string" ? v.trim() : (v as number);
  }
  return { value: issues.some((x) => x.severity === "error") ? undefined : out, issues };
}

function checkLabelMap(value: unknown): CheckedSetting {
  const key = "labelMap" as const;
  const example = 'Write e.g. "labelMap": {"0": "negative", "1": "positive"}, or the class names in order: ["World", "Sports", "Business", "Sci/Tech"].';
  if (Array.isArray(value)) {
    const bads = value.filter((v) => typeof v !== "string" || v.trim() === "");
    if (bads.length || value.length < 2)
      return {
        issues: [
          bad(
            key,
            value.length < 2 ? `"labelMap" lists ${value.length} class name${value.length === 1 ? "" : "s"}; it needs at least two` : `"labelMap" entry ${quote(bads[0])} is not a class name`,
            example,
          ),
        ],
      };
    const trimmed = value.map((v: string) => v.trim());
    const dup = trimmed.find((v, i) => trimmed.indexOf(v) !== i);
    if (dup !== undefined) return { issues: [bad(key, `"labelMap" lists ${quote(dup)} twice`, "Each line of a classes file names one class.")] };
    return { value: trimmed, issues: [] };
  }
  if (value === null || typeof value !== "object") return { issues: [bad(key, `"labelMap" must map raw labels to class names, not ${typeName(value)}`, example)] };
  const out: Record<string, string> = {};
  const issues: SettingIssue[] = [];
  for (const [raw, cls] of Object.entries(value as Record<string, unknown>)) {
    if (typeof cls !== "string" || cls.trim() === "") issues.push(bad(key, `"labelMap" maps ${quote(raw)} to ${quote(cls)}, which is not a class name`, example));
    else out[raw] = cls.trim();
  }
  if (!issues.length && Object.keys(out).length === 0) issues.push(bad(key, '"labelMap" is empty', example));
  return { value: issues.some((x) => x.severity === "error") ? undefined : out, issues };
}
