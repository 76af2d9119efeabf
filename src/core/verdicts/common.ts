// What every verdict shares: its shape, the conditions it checked, and the sentences that quote an
// inference. Numbers in a sentence come from one Tested (src/core/stats/inference.ts): the estimate,
// its interval and its p-value are computed together, over the same units.
import type { VariantKMetrics } from "../metrics";
import { canReject, seedsNeeded, type Tested } from "../stats/inference";
import { parseVariantKey } from "../variants/keys";
import type { WithinSeedCorrelation } from "../stats/correlation";

export type Hypothesis = "H1" | "H2" | "H3";
export type VerdictStatus = "contradicted" | "consistent" | "inconclusive" | "not-run";

export interface VerdictRun {
  variant: string;
  k: number;
}

/** pass: the data show it; fail: tested and not shown (or shown otherwise); untestable: too few units or a missing run. */
export type ConditionStatus = "pass" | "fail" | "untestable";

/** One condition a verdict's rule checked, with the figures behind it. */
export interface VerdictCondition {
  /** Stable kind, e.g. "above-chance", "not-below-logreg" (for styling and tests). */
  id: string;
  /** What the rule needs, as a sentence: "ra-string at k = 8 is above chance". */
  text: string;
  status: ConditionStatus;
  /** The estimate, interval, p-value and threshold, or why it could not be tested. */
  detail: string;
  /** For an untestable condition: the short reason ("3 seeds; the threshold needs at least 7"). */
  reason?: string;
  run?: VerdictRun;
}

export interface CorrelationBin {
  /** Bin range of tau_g-ICL accuracy, [lo, hi) (the last bin includes 1). */
  lo: number;
  hi: number;
  /** Random functions g whose tau_g accuracy falls in the bin. */
  count: number;
  /** Mean tau_RA accuracy of those g (NaN for an empty bin). */
  meanRA: number;
  meanG: number;
}

export interface Verdict {
  /** "H1", "H2", "H3-natural", "H3-chain" or "H3-correlation". */
  id: string;
  hypothesis: Hypothesis;
  status: VerdictStatus;
  title: string;
  /** Plain-language statement with the numbers and the test used (complete: print it whole). */
  text: string;
  /** Every condition the rule checked, in the order the text discusses them. */
  conditions: VerdictCondition[];
  /** The key figures (name -> value), for tables and cards. */
  numbers: Record<string, number | string>;
  /** The (variant, k) runs behind the verdict. */
  runs: VerdictRun[];
  /** Variants that were needed but not run (when status is "not-run" or evidence is partial). */
  missing?: string[];
  /** Binned view of the correlation study (H3-correlation only). */
  bins?: CorrelationBin[];
  /** The correlation study's points, one per random function g (H3-correlation only). */
  points?: CorrelationPoint[];
}

/** One random function g of the correlation study: a draw within a seed, with its two accuracies. */
export interface CorrelationPoint {
  draw: number;
  seed: number;
  /** tau_g-ICL accuracy. */
  g: number;
  /** tau_RA accuracy. */
  ra: number;
}

export interface VerdictOptions {
  /**
   * One-sided family-wise significance level (default 0.025, i.e. a two-sided 5% test), so that a
   * single significant test always has its 95% interval on the same side of the null value.
   */
  alpha?: number;
  /** Confidence level of the intervals quoted (default 0.95; must match the metrics'). */
  level?: number;
  /**
   * "Near chance" means the upper interval bound lies below chance + this margin (default 0.1):
   * only then does a non-significant result count as evidence of no learning rather than as
   * "inconclusive at this sample size".
   */
  nearChanceMargin?: number;
  /** Number of random functions g the correlation study should have (default 50). */
  correlationDraws?: number;
  /** Equal-width bins of tau_g accuracy for the binned view (default 5). */
  bins?: number;
}

export const DEFAULT_ALPHA = 0.025;

export const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : "n/a");
/** "0.42 (95% CI 0.18 to 0.61)": a within-seed correlation with its bootstrap interval, when it has one. */
export function correlationText(c: WithinSeedCorrelation): string {
  if (Number.isNaN(c.r)) return "n/a";
  const ci = c.interval ? ` (${Math.round(c.interval.level * 100)}% CI ${f2(c.interval.lo)} to ${f2(c.interval.hi)})` : " (no interval: too few distinct points)";
  return `${f2(c.r)}${ci}`;
}

/** A verdict's numbers for a within-seed Pearson r and Spearman rho, their one-sided p (> 0) and intervals; nothing where r is undefined. */
export function correlationNumbers(prefix: string, pearson: WithinSeedCorrelation, spearman: WithinSeedCorrelation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, sym, c] of [
    ["Pearson r", "r", pearson],
    ["Spearman rho", "rho", spearman],
  ] as const) {
    if (Number.isNaN(c.r)) continue;
    out[`${prefix}within-seed ${name}`] = c.r;
    if (c.interval) {
      out[`${prefix}${name} CI low`] = c.interval.lo;
      out[`${prefix}${name} CI high`] = c.interval.hi;
    }
    out[`${prefix}p (${sym} > 0)`] = c.pGreater;
  }
  return out;
}

export function fp(p: number): string {
  if (!Number.isFinite(p)) return "p = n/a";
  if (p < 1e-4) return `p = ${p.toExponential(1)}`;
  return `p = ${p.toPrecision(2)}`;
}
export const fthr = (t: number): string => t.toPrecision(3);

export const runName = (m: VerdictRun): string => `${m.variant} at k = ${m.k}`;
export const runsOf = (ms: readonly VerdictRun[]): VerdictRun[] => ms.map((m) => ({ variant: m.variant, k: m.k }));

/** "8 seeds" / "12 distinct prompts of 1 seed". */
export function unitsText(t: Pick<Tested, "method" | "units">): string {
  return t.method === "sign-flip-seeds" ? `${t.units} seeds` : `${t.units} distinct prompt${t.units === 1 ? "" : "s"} of 1 seed`;
}

/** Name of the test, for the sentences. */
export function methodText(t: Pick<Tested, "method" | "units">): string {
  return t.method === "sign-flip-seeds" ? `exact sign-flip test over ${t.units} seeds` : `exact binomial test over ${t.units} distinct prompt${t.units === 1 ? "" : "s"} (1 seed)`;
}

/** "0.49 (95% CI 0.23-0.73, 8 seeds)" or, without enough seeds for an interval, "0.49 (3 seeds: no 95% interval, needs 6)". */
export function estimateText(t: Tested, level = 0.95): string {
  const pct = Math.round(level * 100);
  if (t.interval) return `${f2(t.estimate)} (${pct}% CI ${f2(t.interval.lo)}${t.interval.lo < 0 ? " to " : "-"}${f2(t.interval.hi)}, ${unitsText(t)})`;
  return `${f2(t.estimate)} (${unitsText(t)}: no ${pct}% interval, which needs ${seedsNeeded((1 - level) / 2)} seeds)`;
}

/** Why a test could not reject whatever the data: "inconclusive: 3 seeds (...)". */
export function tooFewText(t: Tested, threshold: number): string {
  if (t.method === "sign-flip-seeds") {
    return `inconclusive: ${t.units} seeds (an exact sign-flip test over ${t.units} seeds cannot give p below ${fthr(t.minP)}; the threshold ${fthr(threshold)} needs at least ${seedsNeeded(threshold)} seeds)`;
  }
  return `inconclusive: ${t.units} distinct prompts (even all correct would give ${fp(t.minP)}, above the threshold ${fthr(threshold)}; add queries or distinct inputs)`;
}

/** The p-value part of a sentence: the p and threshold, or "inconclusive: n seeds" when no p could pass. */
export function pText(t: Tested, p: number, threshold: number): string {
  if (!canReject(t, threshold)) return tooFewText(t, threshold);
  return `one-sided ${fp(p)}, threshold ${fthr(threshold)}; ${methodText(t)}`;
}

/** A one-sided condition "value > null" (or "<" with direction "less") judged at `threshold`. */
export function testCondition(id: string, text: string, t: Tested, threshold: number, direction: "greater" | "less", run?: VerdictRun, level = 0.95): VerdictCondition {
  const p = direction === "greater" ? t.pGreater : t.pLess;
  const status: ConditionStatus = !canReject(t, threshold) ? "untestable" : p < threshold ? "pass" : "fail";
  const reason =
    status !== "untestable"
      ? {}
      : {
          reason:
            t.method === "sign-flip-seeds"
              ? `${t.units} seeds; the threshold ${fthr(threshold)} needs at least ${seedsNeeded(threshold)}`
              : `${t.units} distinct prompts are too few for the threshold ${fthr(threshold)}`,
        };
  return { id, text, status, detail: `${estimateText(t, level)}; ${pText(t, p, threshold)}`, ...reason, ...(run ? { run } : {}) };
}

/** A condition that is the absence of a significant effect ("not below"): passes only where the test could have found one. */
export function notCondition(id: string, text: string, t: Tested, threshold: number, direction: "greater" | "less", run?: VerdictRun, level = 0.95): VerdictCondition {
  const c = testCondition(id, text, t, threshold, direction, run, level);
  return { ...c, status: c.status === "untestable" ? "untestable" : c.status === "pass" ? "fail" : "pass" };
}

export function untestable(id: string, text: string, why: string, run?: VerdictRun): VerdictCondition {
  return { id, text, status: "untestable", detail: why, reason: why, ...(run ? { run } : {}) };
}

/** Runs of the given variant ids with k > 0; plain keys preferred, `#n` draws used when no plain key ran. */
export function pick(metrics: readonly VariantKMetrics[], ids: readonly string[], allowDraws = true): VariantKMetrics[] {
  const withK = metrics.filter((m) => m.k > 0 && m.n > 0 && ids.includes(parseVariantKey(m.variant).id));
  const plain = withK.filter((m) => parseVariantKey(m.variant).draw === undefined);
  return plain.length || !allowDraws ? plain : withK;
}

export function notRun(id: string, hypothesis: Hypothesis, title: string, missing: string[], what: string): Verdict {
  return {
    id,
    hypothesis,
    status: "not-run",
    title,
    missing,
    runs: [],
    numbers: {},
    conditions: [],
    text: `Not run: ${what} Add the variant${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (with k > 0) and run again.`,
  };
}

/** The conditions that did not pass, for the texts: "X: not shown (figures); Y: could not be tested (reason)". */
export function failedText(conditions: readonly VerdictCondition[]): string {
  const bad = conditions.filter((c) => c.status !== "pass");
  if (bad.length === 0) return "every condition passed";
  return bad.map((c) => (c.status === "fail" ? `${c.text}: not shown (${c.detail})` : `${c.text}: could not be tested (${c.reason ?? c.detail})`)).join("; ");
}
