// The tau_g-Linear evidence of H2 (Li et al. 2024): in-context learning of a single-token map g
// (tau_g-ICL: g-token, or its draws g-token#n) against ordinary least squares on the model's input
// embeddings of exactly the same pairs (tau_g-Linear: g-linear, g-linear#n). If ICL were a
// gradient-descent-like learner on the demos (von Oswald et al. 2023: one step of gradient
// descent on this layer-0 regression is what a linear self-attention layer can implement), the
// two would be about equally accurate, and their accuracies would rise and fall together across g.
// The rule, per k > 0 where both ran (each condition listed in the verdict):
//   G1 gold above chance at k (ICL works at all on this task);
//   L1 tau_g-Linear above chance at k (the pairs are learnable by least squares);
//   B1 tau_g-ICL below tau_g-Linear at k (paired by seed: same demos, same g);
//   C1 tau_g-ICL accuracy rises with tau_g-Linear accuracy across g, within seeds (at the k with
//      the most functions g), Pearson r by a within-seed permutation test, Spearman's rho reported;
//      both with a 95% interval from the stratified bootstrap over g within seeds.
// evidence against H2 when G1, L1 and B1 pass at some k;
// evidence for H2 when at some k ICL is not below tau_g-Linear (where that test could have found
//   "below") and C1 passes;
// inconclusive otherwise.
// Every p-value comes from src/core/stats (seed-paired sign-flip tests as everywhere, and the same
// within-seed correlation, test and interval as the H3 correlation study, stats/correlation.ts;
// docs/STATISTICS.md). Units: seeds; functions g are (draw, seed) points, each seed drawing its own.
import type { VariantKMetrics } from "../metrics";
import { compareSeries, seriesVs, type SeedSeries } from "../compare";
import { withinSeedCorrelation } from "../stats/correlation";
import {
  DEFAULT_ALPHA,
  correlationNumbers,
  correlationText,
  estimateText,
  f2,
  failedText,
  fp,
  fthr,
  notCondition,
  testCondition,
  untestable,
  type VerdictCondition,
  type VerdictOptions,
  type VerdictRun,
  type VerdictStatus,
} from "./common";
import { parseVariantKey } from "../variants/keys";
import { defined } from "../defined";

export const TAU_G_ICL = "g-token";
export const TAU_G_LINEAR = "g-linear";

export interface LinearEvidence {
  status: VerdictStatus;
  text: string;
  conditions: VerdictCondition[];
  numbers: Record<string, number | string>;
  runs: VerdictRun[];
}

interface Pair {
  draw: number | undefined;
  icl: VariantKMetrics;
  lin: VariantKMetrics;
}

/** Per-seed mean over the pairs' draws of one side's accuracy (seeds both sides of a pair have). */
function seriesOf(pairs: readonly Pair[], side: "icl" | "lin"): SeedSeries {
  const sum = new Map<number, [number, number]>();
  for (const p of pairs) {
    const other = new Set((side === "icl" ? p.lin : p.icl).perSeed.map((s) => s.seed));
    for (const s of p[side].perSeed) {
      if (!other.has(s.seed)) continue;
      const acc = sum.get(s.seed) ?? [0, 0];
      sum.set(s.seed, [acc[0] + s.accuracy, acc[1] + 1]);
    }
  }
  return new Map([...sum].map(([seed, [s, n]]) => [seed, s / n]));
}

/** "g-token at k = 8" for one draw; "g-token#* (3 draws) at k = 8" for several. */
function sideName(pairs: readonly Pair[], side: "icl" | "lin", k: number): string {
  const [only, ...more] = pairs;
  if (only && more.length === 0) return `${only[side].variant} at k = ${k}`;
  return `${side === "icl" ? TAU_G_ICL : TAU_G_LINEAR}#* (${pairs.length} draws) at k = ${k}`;
}

/** Pearson (and Spearman, on within-seed ranks) of ICL vs Linear accuracy over functions g, permuting within seeds. */
function correlation(pairs: readonly Pair[], k: number, alpha: number, level: number): { condition: VerdictCondition; numbers: Record<string, number | string>; sentence: string } {
  const points: { seed: number; lin: number; icl: number }[] = [];
  for (const p of pairs) {
    const icl = new Map(p.icl.perSeed.map((s) => [s.seed, s.accuracy]));
    for (const s of p.lin.perSeed) {
      const iclAccuracy = icl.get(s.seed);
      if (iclAccuracy !== undefined) points.push({ seed: s.seed, lin: s.accuracy, icl: iclAccuracy });
    }
  }
  const text = `tau_g-ICL accuracy rises with tau_g-Linear accuracy across g at k = ${k}`;
  const numbers: Record<string, number | string> = { "tau_g correlation k": k, "tau_g functions g (draw x seed)": points.length };
  if (points.length < 4) {
    const why = `${points.length} function${points.length === 1 ? "" : "s"} g ran as both g-token#n and g-linear#n with the same seed; a correlation test needs at least 4 (add draws, e.g. g-token#0..49 and g-linear#0..49)`;
    return { condition: untestable("tau-g-correlation", text, why), numbers, sentence: `No correlation across g: ${why}.` };
  }
  const strata = points.map((p) => p.seed);
  if (new Set(strata).size === points.length) {
    const why = "one function g per seed: a within-seed correlation needs several draws of g per seed (e.g. g-token#0..49 and g-linear#0..49)";
    return { condition: untestable("tau-g-correlation", text, why), numbers, sentence: `No correlation across g: ${why}.` };
  }
  const x = points.map((p) => p.lin);
  const y = points.map((p) => p.icl);
  const pearson = withinSeedCorrelation(x, y, strata, { level });
  // Spearman within seeds: each seed's points ranked among themselves, the same test and interval.
  const spearman = withinSeedCorrelation(x, y, strata, { level, ranks: true });
  if (Number.isNaN(pearson.r)) {
    const why = "tau_g-ICL or tau_g-Linear accuracy does not vary across g within a seed (least squares often interpolates every g exactly once the demos show every label word)";
    return { condition: untestable("tau-g-correlation", text, why), numbers, sentence: `No correlation across g can be computed: ${why}.` };
  }
  Object.assign(numbers, correlationNumbers("tau_g ", pearson, spearman));
  const detail =
    `within-seed Pearson r = ${correlationText(pearson)}, one-sided permutation ${fp(pearson.pGreater)}; Spearman rho = ${correlationText(spearman)}, ${fp(spearman.pGreater)} ` +
    `(threshold ${alpha}; ${pearson.draws} permutations within ${pearson.strata} seed${pearson.strata === 1 ? "" : "s"}; intervals: stratified bootstrap over g within seeds)`;
  const condition: VerdictCondition = { id: "tau-g-correlation", text, status: pearson.pGreater < alpha ? "pass" : "fail", detail };
  return { condition, numbers, sentence: `Across ${points.length} functions g at k = ${k}, tau_g-ICL vs tau_g-Linear accuracy: ${detail}.` };
}

/** The tau_g-Linear evidence for H2 from the metrics of one run (status "not-run" when g-token and g-linear never ran at the same k > 0). */
export function linearEvidence(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): LinearEvidence {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const level = opts.level ?? 0.95;
  const sides = new Map<string, { icl?: VariantKMetrics; lin?: VariantKMetrics }>();
  for (const m of metrics) {
    const { id, draw } = parseVariantKey(m.variant);
    if (m.k <= 0 || m.n === 0 || (id !== TAU_G_ICL && id !== TAU_G_LINEAR)) continue;
    const key = `${draw ?? "plain"}|${m.k}`;
    const s = sides.get(key) ?? {};
    if (id === TAU_G_ICL) s.icl = m;
    else s.lin = m;
    sides.set(key, s);
  }
  const byK = new Map<number, Pair[]>();
  for (const s of sides.values()) {
    if (!s.icl || !s.lin) continue;
    const list = byK.get(s.icl.k) ?? [];
    list.push({ draw: parseVariantKey(s.icl.variant).draw, icl: s.icl, lin: s.lin });
    byK.set(s.icl.k, list);
  }
  if (byK.size === 0) {
    return { status: "not-run", conditions: [], numbers: {}, runs: [], text: `no ${TAU_G_ICL} and ${TAU_G_LINEAR} run (or draws #n of both) at the same k > 0.` };
  }
  const ks = [...byK].sort(([a], [b]) => a - b);
  const threshold = alpha / ks.length;
  const golds = metrics.filter((m) => m.variant === "gold" && m.n > 0);
  const checks = ks.map(([k, pairs]) => {
    // Every list in byK got its first pair when it was made.
    const first = defined(pairs[0], "first tau_g pair at a k");
    const icl = seriesOf(pairs, "icl");
    const lin = seriesOf(pairs, "lin");
    const iclName = sideName(pairs, "icl", k);
    const linName = sideName(pairs, "lin", k);
    const gold = golds.find((g) => g.k === k);
    const goldRun = { variant: "gold", k };
    const g1 = gold
      ? testCondition("gold-above-chance", `gold at k = ${k} is above chance`, gold.accuracy, threshold, "greater", goldRun, level)
      : untestable("gold-above-chance", `gold at k = ${k} is above chance`, `gold was not run at k = ${k}`, goldRun);
    const linRun = { variant: first.lin.variant, k };
    const l1text = `${linName} (least squares on the input embeddings) is above chance`;
    const linVs = pairs.length === 1 ? first.lin.accuracy : seriesVs(lin, first.lin.chance, level);
    const l1 = linVs
      ? testCondition("linear-above-chance", l1text, linVs, threshold, "greater", linRun, level)
      : untestable("linear-above-chance", l1text, "one seed: the draws of g pooled per seed need at least 2 seeds", linRun);
    const diff = compareSeries(icl, lin, level);
    const b1text = `${iclName} is below ${linName} on the same pairs`;
    const iclRun = { variant: first.icl.variant, k };
    const below = diff && testCondition("icl-below-linear", b1text, diff, threshold, "less", iclRun, level);
    const b1 = below
      ? { ...below, detail: `tau_g-ICL minus tau_g-Linear ${below.detail}` }
      : untestable("icl-below-linear", b1text, `${icl.size} seed${icl.size === 1 ? "" : "s"}: the comparison pairs seeds and needs at least 2`, iclRun);
    const nb = diff ? notCondition("icl-not-below-linear", `${iclName} is not below ${linName}`, diff, threshold, "less", iclRun, level) : { ...b1, id: "icl-not-below-linear" };
    return { k, pairs, iclName, linName, gold, g1, l1, b1, nb };
  });
  // The correlation across g: at the k with the most functions g (ties: the larger k).
  const [corrK, corrPairs] = defined([...ks].sort(([a, pa], [b, pb]) => pb.length - pa.length || b - a)[0], "k with the most functions g"); // byK is not empty (above)
  const corr = correlation(corrPairs, corrK, alpha, level);
  const conditions = [...checks.flatMap((c) => [c.g1, c.l1, c.b1]), corr.condition];
  const runs: VerdictRun[] = checks.flatMap((c) => [...c.pairs.flatMap((p) => [p.icl, p.lin]), ...(c.gold ? [c.gold] : [])]).map((m) => ({ variant: m.variant, k: m.k }));
  const testText = `one-sided tests at ${alpha} Bonferroni-corrected over ${ks.length} k value${ks.length > 1 ? "s" : ""} with both (threshold ${fthr(threshold)}); tau_g-ICL vs tau_g-Linear paired by seed (same demos, same g)`;
  const acc = (ms: readonly VariantKMetrics[]): string => {
    const [only, ...more] = ms;
    return only && more.length === 0 ? estimateText(only.accuracy, level) : `${f2(ms.reduce((s, m) => s + m.accuracy.value, 0) / ms.length)} (mean of ${ms.length} draws)`;
  };
  const numbersOf = (c: (typeof checks)[number]): Record<string, number | string> => ({
    "tau_g run": `k = ${c.k}`,
    "tau_g-ICL accuracy": c.pairs.reduce((s, p) => s + p.icl.accuracy.value, 0) / c.pairs.length,
    "tau_g-Linear accuracy": c.pairs.reduce((s, p) => s + p.lin.accuracy.value, 0) / c.pairs.length,
    "tau_g draws": c.pairs.length,
    "tau_g threshold": threshold,
    ...corr.numbers,
  });
  const against = checks.filter((c) => c.g1.status === "pass" && c.l1.status === "pass" && c.b1.status === "pass").sort((a, b) => b.k - a.k)[0];
  if (against) {
    return {
      status: "contradicted",
      conditions,
      runs,
      numbers: numbersOf(against),
      text:
        `On the same single-token pairs, least squares on the model's input embeddings learns what ICL does not: at k = ${against.k}, ${against.iclName} gives ${acc(against.pairs.map((p) => p.icl))} and ${against.linName} ${acc(against.pairs.map((p) => p.lin))}, ` +
        `ICL significantly below it (${against.b1.detail}), while gold is learnt at this k (${against.g1.detail}). ${testText}. ${corr.sentence} ` +
        `A gradient-descent-like learner on the demos would do about as well as linear regression here, so this contradicts H2 (meta-learning) for this model and task.`,
    };
  }
  const along = checks.filter((c) => c.nb.status === "pass").sort((a, b) => b.k - a.k)[0];
  if (along && corr.condition.status === "pass") {
    return {
      status: "consistent",
      conditions: [...conditions, along.nb],
      runs,
      numbers: numbersOf(along),
      text:
        `ICL keeps up with least squares on the same single-token pairs: at k = ${along.k}, ${along.iclName} gives ${acc(along.pairs.map((p) => p.icl))}, not below ${along.linName} (${acc(along.pairs.map((p) => p.lin))}; ${along.nb.detail}), ` +
        `and the two rise and fall together across g. ${corr.sentence} ${testText}. This is what a gradient-descent-like learner would do: consistent with H2 (meta-learning).`,
    };
  }
  const c = defined([...checks].sort((a, b) => b.k - a.k)[0], "tau_g check at the largest k");
  return {
    status: "inconclusive",
    conditions,
    runs,
    numbers: numbersOf(c),
    text:
      `Inconclusive: at no k is tau_g-ICL shown below tau_g-Linear while gold is learnt and least squares learns the pairs, nor is it shown keeping up with it and correlating across g. ` +
      `At k = ${c.k}: ${c.iclName} ${acc(c.pairs.map((p) => p.icl))}, ${c.linName} ${acc(c.pairs.map((p) => p.lin))}. Open: ${failedText([c.g1, c.l1, c.b1, corr.condition])}. ${testText}.`,
  };
}
