// Column mapping: which column (CSV/TSV), key (JSON) or part (LABEL:text lines) holds the input
// and which the label. A reference is a name, a 1-based column number (headerless files) or a
// template joining several columns ("{title}. {description}", "{2}. {3}"), so real data sets open
// as they are instead of being renamed by hand. Also the label map (raw label -> class name).
import type { ProbeSettings } from "../types";
import { defined } from "../defined";

/** One column: by name (case-insensitive for CSV headers) or by 0-based position. */
export type ColumnRef = { name: string } | { index: number };

/** How a field is read: one column, or a template whose placeholders are columns. */
export type FieldPlan = { kind: "column"; ref: ColumnRef; spec: string } | { kind: "template"; parts: (string | ColumnRef)[]; spec: string };

const PLACEHOLDER = /\{([^{}]+)\}/g;

function refOf(token: string): ColumnRef {
  const t = token.trim();
  return /^\d+$/.test(t) && Number(t) >= 1 ? { index: Number(t) - 1 } : { name: t };
}

/** The plan for a `columns.input` / `columns.label` value (already checked by checkSetting). */
export function planField(spec: string | number): FieldPlan {
  if (typeof spec === "number") return { kind: "column", ref: { index: spec - 1 }, spec: String(spec) };
  if (!/\{[^{}]+\}/.test(spec)) return { kind: "column", ref: refOf(spec), spec };
  const parts: (string | ColumnRef)[] = [];
  let last = 0;
  for (const m of spec.matchAll(PLACEHOLDER)) {
    if (m.index! > last) parts.push(spec.slice(last, m.index));
    parts.push(refOf(defined(m[1], "placeholder name"))); // the pattern's group always matches
    last = m.index! + m[0].length;
  }
  if (last < spec.length) parts.push(spec.slice(last));
  return { kind: "template", parts, spec };
}

/** Columns a plan refers to. */
export function planRefs(plan: FieldPlan): ColumnRef[] {
  return plan.kind === "column" ? [plan.ref] : plan.parts.filter((p): p is ColumnRef => typeof p !== "string");
}

export function refText(r: ColumnRef): string {
  return "name" in r ? JSON.stringify(r.name) : `column ${r.index + 1}`;
}

/** Renders a template plan from already resolved cell values (undefined when a referenced cell is missing). */
export function fillTemplate(plan: Extract<FieldPlan, { kind: "template" }>, cell: (r: ColumnRef) => unknown): string | undefined {
  let out = "";
  for (const p of plan.parts) {
    if (typeof p === "string") {
      out += p;
      continue;
    }
    const v = cell(p);
    if (v === undefined || v === null) return undefined;
    if (typeof v === "object") return undefined;
    out += String(v);
  }
  return out;
}

/** Scalars that are read as text: strings, and finite numbers (class indices 0/1, numbers as inputs). */
export function asText(v: unknown): unknown {
  return typeof v === "number" && Number.isFinite(v) ? String(v) : v;
}

/**
 * The label map as a lookup, given every raw label of the file. The array form (the lines of a
 * classes file) maps raw label i to entry i when the labels count from 0, to entry i - 1 when
 * they count from 1 (AG News: 1..4); `base` says which was used and `ambiguous` when neither 0
 * nor n appeared (0 is then assumed).
 */
export function resolveLabelMap(map: NonNullable<ProbeSettings["labelMap"]>, rawLabels: Iterable<string>): { lookup: Map<string, string>; classes: string[]; base?: 0 | 1; ambiguous?: boolean } {
  if (!Array.isArray(map)) {
    const lookup = new Map(Object.entries(map));
    return { lookup, classes: [...new Set(lookup.values())] };
  }
  let zero = false;
  let top = false;
  for (const r of rawLabels) {
    if (r === "0") zero = true;
    if (r === String(map.length)) top = true;
  }
  const base: 0 | 1 = !zero && top ? 1 : 0;
  const lookup = new Map(map.map((c, i) => [String(i + base), c]));
  return { lookup, classes: [...map], base, ...(zero === top ? { ambiguous: !zero } : {}) };
}

/** "0=negative,1=positive" -> {"0": "negative", "1": "positive"}, or a message saying what is wrong. */
export function parseLabelMapText(v: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1) return `"${part}" is not raw=class (e.g. 0=negative,1=positive)`;
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return Object.keys(out).length ? out : "needs raw=class pairs, e.g. 0=negative,1=positive";
}
