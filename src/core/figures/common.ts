// What the figure builders share: marks from the core's metrics (estimate and interval of the one
// inference), the runs behind a figure, and the "what to add" of a figure whose runs are missing.
import type { VariantKMetrics } from "../metrics";
import type { Tested } from "../stats/inference";
import { f2, fp, unitsText } from "../verdicts/common";
import { parseVariantKey } from "../variants/keys";
import type { FigurePoint, FigureRun, FigureSeries } from "./types";

/** What the figures know about the plan beyond the metrics (a study run's manifest says it). */
export interface FigureContext {
  /** The k the single-k figures use when nothing ran yet (a study's main k). */
  mainK: number;
  /** The k values a curve should have (a study's k curve, else the run's k). */
  kCurve: number[];
  /** Random functions g the correlation figures expect. */
  draws: number;
}

export function contextOf(metrics: readonly VariantKMetrics[], study?: { k?: number; kCurve?: number[]; draws?: number }): FigureContext {
  const ks = [...new Set(metrics.map((m) => m.k))].sort((a, b) => a - b);
  const mainK = study?.k ?? ks[ks.length - 1] ?? 32; // the largest k run, else 32
  return { mainK, kCurve: study?.kCurve?.length ? [...study.kCurve] : ks.length > 1 ? ks : [0, 4, 8, 16, mainK].filter((k, i, a) => a.indexOf(k) === i), draws: study?.draws ?? 50 };
}

/** Runs of the plain key `id` (no #n), ascending k. */
export function plainRuns(metrics: readonly VariantKMetrics[], id: string): VariantKMetrics[] {
  return metrics.filter((m) => m.variant === id && m.n > 0).sort((a, b) => a.k - b.k);
}

export function runAt(metrics: readonly VariantKMetrics[], variant: string, k: number): VariantKMetrics | undefined {
  return metrics.find((m) => m.variant === variant && m.k === k && m.n > 0);
}

/** Runs whose id (before #n) is `id`, with a draw number. */
export function drawRuns(metrics: readonly VariantKMetrics[], id: string): VariantKMetrics[] {
  return metrics.filter((m) => m.n > 0 && parseVariantKey(m.variant).id === id && parseVariantKey(m.variant).draw !== undefined);
}

/** A mark from an inference: the estimate, its interval (when the units allow one) and the units. */
export function pointOfTested(x: number | string, t: Tested, run?: FigureRun): FigurePoint {
  return { x, y: t.estimate, ...(t.interval ? { lo: t.interval.lo, hi: t.interval.hi } : {}), units: unitsText(t), ...(run ? { run } : {}) };
}

export function pointOf(x: number | string, m: VariantKMetrics): FigurePoint {
  return pointOfTested(x, m.accuracy, { variant: m.variant, k: m.k });
}

/** A curve over k of one plain variant (empty points when it did not run). */
export function curve(metrics: readonly VariantKMetrics[], id: string, name: string, role: FigureSeries["role"]): FigureSeries {
  return { name, role, line: true, points: plainRuns(metrics, id).map((m) => pointOf(m.k, m)) };
}

export function runsOfSeries(series: readonly FigureSeries[]): FigureRun[] {
  const seen = new Set<string>();
  const out: FigureRun[] = [];
  for (const s of series)
    for (const p of s.points) {
      if (!p.run) continue;
      const key = `${p.run.variant}|${p.run.k}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(p.run);
      }
    }
  return out;
}

/** The chance line of the runs (1 / #labels; the same for every run of one file). */
export function chanceOf(metrics: readonly VariantKMetrics[]): number | undefined {
  return metrics.find((m) => m.n > 0)?.chance;
}

export function missingText(variants: readonly string[], k: readonly number[]): string {
  return `Add ${variants.join(", ")} at k = ${k.join(", ")}.`;
}

/** Status and what to add, from the variants a figure needs and which of them ran. */
export function completeness(
  needed: readonly string[],
  present: (v: string) => boolean,
  k: readonly number[],
): { status: "complete" | "partial" | "missing"; missing?: { variants: string[]; k: number[]; text: string } } {
  const absent = needed.filter((v) => !present(v));
  if (absent.length === 0) return { status: "complete" };
  return { status: absent.length === needed.length ? "missing" : "partial", missing: { variants: absent, k: [...k], text: missingText(absent, k) } };
}

/**
 * The rows a scatter's stats show for a verdict's within-seed correlation (its numbers, named by
 * verdicts/common.ts correlationNumbers under `prefix`): r and rho with their intervals and
 * one-sided p for a positive correlation.
 */
export function correlationStats(n: Readonly<Record<string, number | string>>, prefix: string): { name: string; value: string }[] {
  const num = (key: string): number | undefined => (typeof n[`${prefix}${key}`] === "number" ? (n[`${prefix}${key}`] as number) : undefined);
  const rows: { name: string; value: string }[] = [];
  for (const [name, sym] of [
    ["Pearson r", "r"],
    ["Spearman rho", "rho"],
  ] as const) {
    const r = num(`within-seed ${name}`);
    if (r === undefined) continue;
    const lo = num(`${name} CI low`);
    const hi = num(`${name} CI high`);
    const ci = lo !== undefined && hi !== undefined ? ` (95% CI ${f2(lo)} to ${f2(hi)})` : "";
    rows.push({ name: `within-seed ${name}`, value: `${f2(r)}${ci}; one-sided permutation ${fp(num(`p (${sym} > 0)`) ?? NaN)} for ${sym} > 0` });
  }
  return rows;
}
