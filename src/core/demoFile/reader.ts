// What every shape reader (JSON Lines, JSON array, CSV/TSV, LABEL:text lines) shares: its
// inputs and outputs, and how a JSON object's fields are picked under a column mapping.
import type { ProbeSettings } from "../types";
import { asText, fillTemplate, planField, type FieldPlan } from "./columns";
import type { HeaderInfo } from "./header";
import { INPUT_KEYS, LABEL_KEYS, type FieldRange, type RawRow } from "./rows";
import type { LineIndex, ProblemSink } from "./text";

export interface ReadContext {
  index: LineIndex;
  sink: ProblemSink;
  info: HeaderInfo;
  /** The resolved settings (column mapping, headerRow). */
  settings: ProbeSettings;
  /** Where a mapping problem points when the mapping came from the header (else line 1). */
  settingsAt: (key: keyof ProbeSettings) => { line: number; column: number; endLine: number; endColumn: number };
}

export interface ReadResult {
  rows: RawRow[];
  /** Where a row's label sits (for problems and quick fixes about the label). */
  locateLabel: (row: RawRow) => FieldRange | undefined;
  /** What was recognised, in words (DemoFile.shape). */
  shape: string;
  /** Keys or columns the file has (at most 40), for diagnoses ("keys found: ..."). */
  keys: string[];
  /** Content lines the reader looked at (rows attempted), for the one-diagnosis rule. */
  attempted: number;
}

export interface FieldPlans {
  input?: FieldPlan;
  label?: FieldPlan;
}

export function fieldPlans(settings: ProbeSettings): FieldPlans {
  const c = settings.columns ?? {};
  return { ...(c.input !== undefined ? { input: planField(c.input) } : {}), ...(c.label !== undefined ? { label: planField(c.label) } : {}) };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The first of `keys` that `obj` has as an own property. */
export function firstKey(obj: object, keys: readonly string[]): string | undefined {
  for (const k of keys) if (hasOwn.call(obj, k)) return k;
  return undefined;
}

/** An own key of obj equal to `name`, or equal ignoring case. */
function keyNamed(obj: object, name: string): string | undefined {
  if (hasOwn.call(obj, name)) return name;
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return k;
  return undefined;
}

export interface PickedField {
  value: unknown;
  /** The key the value came from (undefined for templates and missing keys). */
  key?: string;
  /** Keys the field used (a template uses several). */
  used: string[];
}

/** Reads one field of a JSON record under the mapping (or the usual key names). */
export function pickJsonField(obj: Record<string, unknown>, field: "input" | "label", plan: FieldPlan | undefined): PickedField {
  if (!plan) {
    const key = firstKey(obj, field === "input" ? INPUT_KEYS : LABEL_KEYS);
    return key === undefined ? { value: undefined, used: [] } : { value: asText(obj[key]), key, used: [key] };
  }
  if (plan.kind === "column") {
    if (!("name" in plan.ref)) return { value: undefined, used: [] };
    const key = keyNamed(obj, plan.ref.name);
    return key === undefined ? { value: undefined, used: [] } : { value: asText(obj[key]), key, used: [key] };
  }
  const used: string[] = [];
  const value = fillTemplate(plan, (r) => {
    if (!("name" in r)) return undefined;
    const k = keyNamed(obj, r.name);
    if (k === undefined) return undefined;
    used.push(k);
    return obj[k];
  });
  return { value, used };
}

/** "expected" texts for missing-field messages under a mapping. */
export function expectedText(plans: FieldPlans, container: "key" | "column"): { input?: string; label?: string } {
  const one = (p: FieldPlan | undefined) =>
    p
      ? p.kind === "column"
        ? `the ${container} ${"name" in p.ref ? JSON.stringify(p.ref.name) : `number ${p.ref.index + 1}`} (from "columns")`
        : `every ${container} of the template ${JSON.stringify(p.spec)}`
      : undefined;
  const out: { input?: string; label?: string } = {};
  const i = one(plans.input);
  const l = one(plans.label);
  if (i) out.input = i;
  if (l) out.label = l;
  return out;
}

/** Up to 40 distinct keys, in order of first appearance. */
export class KeyCollector {
  readonly keys: string[] = [];
  private readonly seen = new Set<string>();
  add(k: string): void {
    if (this.keys.length < 40 && !this.seen.has(k)) {
      this.seen.add(k);
      this.keys.push(k);
    }
  }
}
