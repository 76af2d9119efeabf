// The one adapter from a core verdict (src/core/verdicts) to the card the results panel and the
// HTML report show: same title, status, whole text, key figures, conditions, runs and missing
// variants in both places.
import type { Verdict } from "../core/verdicts";

export interface VerdictCard {
  id: string;
  title: string;
  /** "consistent", "contradicted", "inconclusive" or "not-run". */
  status: string;
  /** The verdict's whole statement. */
  text: string;
  /** Key figures, formatted. */
  numbers: { name: string; value: string }[];
  /** Every condition the rule checked: pass / fail / untestable, with its figures. */
  conditions: { text: string; status: string; detail: string }[];
  /** Variant keys whose runs back the verdict. */
  runs: string[];
  /** Variants the verdict needed but the run did not include. */
  missing?: string[];
}

export function formatFigure(v: number | string): string {
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) < 0.01 ? v.toPrecision(2) : v.toFixed(3);
}

export function toVerdictCard(v: Verdict): VerdictCard {
  return {
    id: v.id,
    title: v.title,
    status: v.status,
    text: v.text,
    numbers: Object.entries(v.numbers).map(([name, value]) => ({ name, value: formatFigure(value) })),
    conditions: v.conditions.map((c) => ({ text: c.text, status: c.status, detail: c.detail })),
    runs: [...new Set(v.runs.map((r) => r.variant))],
    ...(v.missing?.length ? { missing: [...v.missing] } : {}),
  };
}
