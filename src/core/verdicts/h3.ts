// H3 structured task selection (Li et al. 2024), three probes:
// (a) natural g (synonym, antonym, keyword) beats random g (ra-string) at the same k: paired by seed;
// (b) accuracy decays with synonym-chain order m yet stays above chance;
// (c) across random functions g, tau_RA accuracy tracks tau_g-ICL accuracy for the same g.
import type { VariantKMetrics } from "../metrics";
import { compareSeries } from "../compare";
import { spearmanExactPValue, spearmanRho, withinSeedCorrelation } from "../stats/correlation";
import {
  DEFAULT_ALPHA,
  correlationNumbers,
  correlationText,
  estimateText,
  f2,
  failedText,
  fp,
  fthr,
  notRun,
  pick,
  runName,
  runsOf,
  testCondition,
  untestable,
  type CorrelationBin,
  type Verdict,
  type VerdictCondition,
  type VerdictOptions,
} from "./common";
import { drawPairs, poolDraws, sideOf, type Side } from "./draws";
import { defined } from "../defined";

const NATURAL = ["ra-synonym", "ra-antonym", "ra-keyword"];
const CHAIN = ["ra-chain-1", "ra-chain-2", "ra-chain-3", "ra-chain-4", "ra-chain-5"];

export function h3Natural(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const level = opts.level ?? 0.95;
  const title = "H3 structured task selection: do natural label maps (synonym, antonym, keyword) beat random ones?";
  const naturals = pick(metrics, NATURAL, false);
  const plainRandom = pick(metrics, ["ra-string"], false);
  const drawRuns = plainRandom.length ? [] : pick(metrics, ["ra-string"]);
  const randoms: Side[] = plainRandom.length ? plainRandom.map(sideOf) : poolDraws(drawRuns, "ra-string#* (pooled draws)", level);
  const missing = [...NATURAL.filter((id) => !naturals.some((m) => m.variant === id)), ...(randoms.length ? [] : ["ra-string"])];
  if (naturals.length === 0 || randoms.length === 0) {
    return notRun("H3-natural", "H3", title, missing, naturals.length ? "no random-g run (ra-string) to compare with." : "no natural-g run (ra-synonym, ra-antonym or ra-keyword).");
  }
  const pairs = naturals.flatMap((n) => randoms.filter((r) => r.k === n.k).map((r) => ({ n: sideOf(n), r })));
  if (pairs.length === 0) {
    const v = notRun("H3-natural", "H3", title, [], "the natural-g and random-g runs share no k.");
    v.text = `Not run: the natural-g runs (k = ${[...new Set(naturals.map((m) => m.k))].join(", ")}) and ra-string (k = ${[...new Set(randoms.map((m) => m.k))].join(", ")}) share no k; run them with the same k values.`;
    v.missing = ["ra-string at the natural runs' k"];
    return v;
  }
  const m = pairs.length;
  const threshold = alpha / m;
  const tests = pairs.map(({ n, r }) => {
    const d = compareSeries(n.bySeed, r.bySeed, level);
    const run = { variant: n.variant, k: n.k };
    const name = `${n.variant} vs ${r.variant} at k = ${n.k}`;
    const seedsNote = "a comparison pairs seeds: needs at least 2 seeds";
    const better: VerdictCondition = d
      ? testCondition("natural-beats-random", `${name}: natural above random`, d, threshold, "greater", run, level)
      : untestable("natural-beats-random", `${name}: natural above random`, seedsNote, run);
    const worse: VerdictCondition = d
      ? testCondition("random-beats-natural", `${name}: random above natural`, d, threshold, "less", run, level)
      : untestable("random-beats-natural", `${name}: random above natural`, seedsNote, run);
    return { n, r, d, better, worse };
  });
  const conditions = tests.flatMap((t) => [t.better, t.worse]);
  const testText = `one-sided tests on the per-seed differences at ${alpha}, Bonferroni-corrected over ${m} comparison${m > 1 ? "s" : ""} (threshold ${fthr(threshold)})`;
  const usedK = new Set(pairs.map((p) => p.n.k));
  const runs = [...runsOf(naturals.filter((x) => usedK.has(x.k))), ...runsOf(plainRandom.length ? plainRandom.filter((x) => usedK.has(x.k)) : drawRuns.filter((x) => usedK.has(x.k)))];
  const numbersOf = (t: (typeof tests)[number]): Record<string, number | string> => ({
    comparison: `${t.n.variant} vs ${t.r.variant} at k = ${t.n.k}`,
    "natural accuracy": t.n.accuracy.estimate,
    "random accuracy": t.r.accuracy.estimate,
    difference: t.d ? t.d.estimate : t.n.accuracy.estimate - t.r.accuracy.estimate,
    "difference CI low": t.d?.interval?.lo ?? "n/a",
    "difference CI high": t.d?.interval?.hi ?? "n/a",
    "p natural > random": t.d ? t.d.pGreater : "n/a",
    comparisons: m,
    "Bonferroni threshold": threshold,
  });
  const partial = missing.length ? ` (not run: ${missing.join(", ")})` : "";
  const base = { id: "H3-natural", hypothesis: "H3" as const, title, runs, conditions, missing: missing.length ? missing : undefined };
  const pairText = (t: (typeof tests)[number], c: VerdictCondition): string =>
    `${t.n.variant} ${estimateText(t.n.accuracy, level)} vs ${t.r.variant} ${estimateText(t.r.accuracy, level)} at k = ${t.n.k}; difference ${c.detail}`;
  const wins = tests.filter((t) => t.better.status === "pass").sort((a, b) => a.d!.pGreater - b.d!.pGreater);
  const bestWin = wins[0];
  if (bestWin) {
    return {
      ...base,
      status: "consistent",
      numbers: numbersOf(bestWin),
      text: `A natural label map beats random strings: ${pairText(bestWin, bestWin.better)} (${testText}); ${wins.length} of ${m} comparisons significant${partial}. Natural label maps being easier than random ones is consistent with H3 (structured task selection).`,
    };
  }
  const bestLoss = tests.filter((t) => t.worse.status === "pass").sort((a, b) => a.d!.pLess - b.d!.pLess)[0];
  if (bestLoss) {
    return {
      ...base,
      status: "contradicted",
      numbers: numbersOf(bestLoss),
      text: `Random strings beat the natural map: ${pairText(bestLoss, bestLoss.worse)} (${testText})${partial}. No natural map is significantly better. This contradicts the H3 prediction that composing pre-trained tasks makes natural maps easier.`,
    };
  }
  const t = defined([...tests].sort((a, b) => (a.d?.pGreater ?? 1) - (b.d?.pGreater ?? 1))[0], "closest comparison"); // pairs is not empty (above)
  return {
    ...base,
    status: "inconclusive",
    numbers: numbersOf(t),
    text: `Inconclusive: no natural map is shown better or worse than random strings. Closest: ${pairText(t, t.better)} (${testText})${partial}.`,
  };
}

export function h3Chain(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const level = opts.level ?? 0.95;
  const title = "H3 structured task selection: does accuracy decay with synonym-chain order m yet stay above chance?";
  const runs = pick(metrics, CHAIN, false);
  // The k with the most chain orders (ties: the larger k).
  const ks = [...new Set(runs.map((r) => r.k))];
  const atK = (k: number): VariantKMetrics[] => runs.filter((r) => r.k === k).sort((a, b) => CHAIN.indexOf(a.variant) - CHAIN.indexOf(b.variant));
  const k = ks.sort((a, b) => atK(b).length - atK(a).length || b - a)[0];
  const chain = k === undefined ? [] : atK(k);
  if (k === undefined || chain.length < 3) {
    const missing = CHAIN.filter((id) => !chain.some((m) => m.variant === id));
    return notRun("H3-chain", "H3", title, missing, `a decay over m needs at least 3 chain orders at the same k (found ${chain.length}${k !== undefined ? ` at k = ${k}` : ""}).`);
  }
  const orders = chain.map((m) => CHAIN.indexOf(m.variant) + 1);
  const accs = chain.map((m) => m.accuracy.value);
  const rho = spearmanRho(orders, accs);
  // Exact permutation over the orders: under "no trend" the order labels are exchangeable (every order saw the same seeds and demos).
  const pDecay = spearmanExactPValue(orders, accs, "less");
  const threshold = alpha / chain.length;
  const chance = defined(chain[0], "first chain order").chance; // every order is the same task, so the same chance
  const trend: VerdictCondition = {
    id: "decreasing-trend",
    text: `accuracy decreases with order m at k = ${k}`,
    status: 1 / factorial(chain.length) >= alpha ? "untestable" : pDecay < alpha ? "pass" : "fail",
    detail: `Spearman rho = ${f2(rho)}, exact one-sided permutation ${fp(pDecay)} over ${chain.length} orders (threshold ${alpha}; the smallest possible p is 1/${chain.length}! = ${fthr(1 / factorial(chain.length))})`,
  };
  const above = chain.map((m) => testCondition("above-chance", `${runName(m)} is above chance`, m.accuracy, threshold, "greater", { variant: m.variant, k: m.k }, level));
  const conditions = [trend, ...above];
  const missing = CHAIN.filter((id) => !chain.some((m) => m.variant === id));
  const numbers: Record<string, number | string> = {
    k,
    orders: orders.join(", "),
    accuracies: accs.map(f2).join(", "),
    chance,
    "Spearman rho": rho,
    "p decay (exact)": pDecay,
    "orders above chance": `${above.filter((c) => c.status === "pass").length} of ${chain.length}`,
  };
  const trendText = `accuracy by order m = ${orders.join(", ")}: ${accs.map(f2).join(", ")} (k = ${k}, chance ${f2(chance)}); ${trend.detail}`;
  const chanceText = `above chance at every order (one-sided tests at ${alpha}, Bonferroni over ${chain.length} orders, threshold ${fthr(threshold)})`;
  const partial = missing.length ? ` Not run: ${missing.join(", ")}.` : "";
  const base = { id: "H3-chain", hypothesis: "H3" as const, title, numbers, conditions, runs: runsOf(chain), missing: missing.length ? missing : undefined };
  if (conditions.every((c) => c.status === "pass")) {
    return {
      ...base,
      status: "consistent",
      text: `The ${trendText}, and it stays ${chanceText}. Composed synonym maps remain learnable but get harder with each hop, consistent with H3 (structured task selection).${partial}`,
    };
  }
  return { ...base, status: "inconclusive", text: `Inconclusive: the ${trendText}. Open: ${failedText(conditions)}.${partial}` };
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/**
 * H3 (c): over random functions g, tau_RA accuracy vs tau_g-ICL accuracy for the same g: the n-th
 * draws ra-token#n / g-token#n (each label -> a random single token, as the paper draws g) or
 * ra-string#n / g-string#n, whichever ran more draws at one k. A point is a (draw, seed): each
 * seed draws its own g. Points of one seed share its demo set, so the correlation is taken within
 * seeds and tested by permuting within seeds (a good demo set raising both accuracies is not a
 * correlation across g).
 */
export function h3Correlation(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const level = opts.level ?? 0.95;
  const wanted = opts.correlationDraws ?? 50;
  const nb = opts.bins ?? 5;
  const title = "H3 structured task selection: does tau_RA accuracy track tau_g-ICL accuracy across random g?";
  const families = CORRELATION_FAMILIES.flatMap((f) => {
    const best = drawPairs(metrics, f.ra, f.g)[0];
    return best ? [{ ...f, best }] : [];
  });
  const fam = families.sort((a, b) => b.best.pairs.length - a.best.pairs.length || b.best.k - a.best.k)[0];
  // The range form is what a user can paste into --variants or the header (expandVariantKeys).
  const rangeOf = (ra: string, g: string): string => `${ra}#0..${wanted - 1} and ${g}#0..${wanted - 1}`;
  if (!fam) {
    const v = notRun("H3-correlation", "H3", title, [rangeOf("ra-token", "g-token")], "");
    v.text = `Not run: no random function g was run both as tau_RA (ra-token#n or ra-string#n) and as tau_g-ICL (g-token#n or g-string#n, the same n) at the same k. Add ${rangeOf("ra-token", "g-token")} (or ${rangeOf("ra-string", "g-string")}; same k > 0 for both) and run again.`;
    return v;
  }
  const { k, pairs } = fam.best;
  const points = fam.best.points.map((p) => ({ draw: p.draw, seed: p.seed, g: p.y, ra: p.x }));
  const draws = rangeOf(fam.ra, fam.g);
  const x = points.map((p) => p.g);
  const y = points.map((p) => p.ra);
  const runs = runsOf(pairs.flatMap((p) => [p.x, p.y]));
  const short = pairs.length < wanted ? ` Only ${pairs.length} of the ${wanted} planned draws of g were run at k = ${k}.` : "";
  const missingDraws = pairs.length < wanted ? [`${wanted - pairs.length} more draws of ${fam.ra}#n / ${fam.g}#n at k = ${k}`] : undefined;
  const bins: CorrelationBin[] = [];
  for (let b = 0; b < nb; b++) {
    const lo = b / nb;
    const hi = (b + 1) / nb;
    const inBin = points.filter((p) => (b === nb - 1 ? p.g >= lo && p.g <= hi : p.g >= lo && p.g < hi));
    const mean = (vs: number[]): number => (vs.length ? vs.reduce((s, v) => s + v, 0) / vs.length : NaN);
    bins.push({ lo, hi, count: inBin.length, meanRA: mean(inBin.map((p) => p.ra)), meanG: mean(inBin.map((p) => p.g)) });
  }
  const seeds = new Set(points.map((p) => p.seed)).size;
  const text = `tau_RA accuracy rises with tau_g-ICL accuracy across g at k = ${k}`;
  const pairing = { tau_RA: fam.ra, "tau_g-ICL": fam.g };
  if (points.length < 4) {
    const c = untestable("positive-correlation", text, `${points.length} function${points.length === 1 ? "" : "s"} g ran as both with the same seed; at least 4 are needed`);
    return {
      id: "H3-correlation",
      hypothesis: "H3",
      status: "inconclusive",
      title,
      runs,
      bins,
      points,
      conditions: [c],
      missing: missingDraws ?? [draws],
      numbers: { k, ...pairing, "draws of g": pairs.length, "functions g (draw x seed)": points.length },
      text: `Inconclusive: only ${points.length} random function${points.length === 1 ? "" : "s"} g ran as both tau_RA (${fam.ra}#n) and tau_g-ICL (${fam.g}#n) with the same seed at k = ${k}; a correlation test needs at least 4 (the paper used many; default ${wanted} draws).`,
    };
  }
  const strata = points.map((p) => p.seed);
  // The one within-seed correlation (stats/correlation.ts): the permutation test decides, the
  // stratified bootstrap interval says how precise r is; Spearman's rho beside it.
  const pc = withinSeedCorrelation(x, y, strata, { level });
  const rho = withinSeedCorrelation(x, y, strata, { level, ranks: true });
  const pos: VerdictCondition = {
    id: "positive-correlation",
    text,
    status: Number.isNaN(pc.r) ? "untestable" : pc.pGreater < alpha ? "pass" : "fail",
    detail: Number.isNaN(pc.r)
      ? "no accuracy varies across g within a seed"
      : `within-seed Pearson r = ${correlationText(pc)}, one-sided permutation ${fp(pc.pGreater)}; Spearman rho = ${correlationText(rho)}, ${fp(rho.pGreater)} (threshold ${alpha}; ${pc.draws} permutations within ${pc.strata} seed${pc.strata === 1 ? "" : "s"}; intervals: stratified bootstrap over g within seeds)`,
  };
  const neg: VerdictCondition = {
    ...pos,
    id: "negative-correlation",
    text: `tau_RA accuracy falls with tau_g-ICL accuracy across g at k = ${k}`,
    status: Number.isNaN(pc.r) ? "untestable" : pc.pLess < alpha ? "pass" : "fail",
    detail: Number.isNaN(pc.r) ? pos.detail : `one-sided permutation ${fp(pc.pLess)} for a negative r`,
  };
  const numbers: Record<string, number | string> = {
    k,
    ...pairing,
    "draws of g": pairs.length,
    "functions g (draw x seed)": points.length,
    seeds,
    ...correlationNumbers("", pc, rho),
  };
  const corrText =
    `Across ${points.length} random functions g at k = ${k} (${pairs.length} draw${pairs.length === 1 ? "" : "s"} x ${seeds} seed${seeds === 1 ? "" : "s"}; each seed draws its own g), tau_RA accuracy (${fam.ra}#n) vs tau_g-ICL accuracy (${fam.g}#n) for the same g: ${pos.detail}. Binned by tau_g accuracy: ` +
    bins
      .filter((b) => b.count > 0)
      .map((b) => `${f2(b.lo)}-${f2(b.hi)}: ${f2(b.meanRA)} (${b.count})`)
      .join("; ") +
    ".";
  const base = { id: "H3-correlation", hypothesis: "H3" as const, title, numbers, runs, bins, points, conditions: [pos, neg], missing: missingDraws };
  if (Number.isNaN(pc.r)) return { ...base, status: "inconclusive", text: `${corrText} No accuracy varies across g within a seed, so no correlation can be computed; inconclusive.${short}` };
  if (pos.status === "pass")
    return {
      ...base,
      status: "consistent",
      text: `${corrText} The positive correlation means g that are easy to apply as a task are also easy to learn as a label map, consistent with H3 (structured task selection).${short}`,
    };
  if (neg.status === "pass")
    return { ...base, status: "contradicted", text: `${corrText} The correlation is significantly negative, which contradicts the H3 prediction of a positive relation.${short}` };
  return { ...base, status: "inconclusive", text: `${corrText} Neither a positive nor a negative correlation is shown: inconclusive at this sample size.${short}` };
}

/** The pairs of variants that share their random g by draw (tau_RA, tau_g-ICL), tokens first (the paper's draws). */
const CORRELATION_FAMILIES = [
  { ra: "ra-token", g: "g-token" },
  { ra: "ra-string", g: "g-string" },
] as const;
