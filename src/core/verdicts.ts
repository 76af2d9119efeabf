// Hypothesis verdicts (Li, Hou, Sachan, Cotterell, "What Do Language Models Learn in Context?
// The Structured Task Hypothesis", ACL 2024): what the probes that were run say about
//   H1 task selection, H2 meta-learning, H3 structured task selection,
// with the numbers and the runs behind each statement, in careful words. A verdict never
// guesses: when a needed variant was not run its status is "not-run" and it says what to add.
//
// Tests (all stated in the verdict text):
// - "above chance": exact one-sided binomial test on the queries pooled over seeds, alpha 0.05,
//   Bonferroni-corrected over the (variant, k) runs the verdict examines (k = 0 is excluded:
//   nothing can be learnt from zero demos);
// - "A beats B": one-sided two-proportion z-test (pooled variance; conservative for the paired
//   design because the queries are shared), same alpha and correction;
// - chain decay: Spearman rho of accuracy vs order m with its exact one-sided permutation p-value;
// - correlation study: Pearson r (Fisher-z interval) and Spearman rho (Fisher z with variance
//   1.06/(n-3)) over the random functions g, plus the paper's binned view.
// Pooling queries over seeds treats them as independent although queries of one seed share
// demos; the seed bootstrap intervals in the metrics show the between-seed spread.
import type { VariantKMetrics } from "./metrics";
import { binomialTestGreater, twoProportionZTest } from "./stats/tests";
import { pearson, spearman, spearmanExactPValue } from "./stats/correlation";
import { wilsonInterval } from "./stats/intervals";

export type Hypothesis = "H1" | "H2" | "H3";
export type VerdictStatus = "contradicted" | "consistent" | "inconclusive" | "not-run";

export interface VerdictRun {
  variant: string;
  k: number;
}

export interface Verdict {
  /** "H1", "H2", "H3-natural", "H3-chain" or "H3-correlation". */
  id: string;
  hypothesis: Hypothesis;
  status: VerdictStatus;
  title: string;
  /** Plain-language statement with the numbers and the test used. */
  text: string;
  /** The key figures (name -> value), for tables and cards. */
  numbers: Record<string, number | string>;
  /** The (variant, k) runs behind the verdict. */
  runs: VerdictRun[];
  /** Variants that were needed but not run (when status is "not-run" or evidence is partial). */
  missing?: string[];
  /** Binned view of the correlation study (H3-correlation only). */
  bins?: CorrelationBin[];
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

export interface VerdictOptions {
  /** Family-wise significance level (default 0.05). */
  alpha?: number;
  /** Confidence level of the intervals quoted (default 0.95). */
  level?: number;
  /**
   * "Near chance" means the upper Wilson bound lies below chance + this margin (default 0.1):
   * only then does a non-significant result count as evidence of no learning rather than as
   * "inconclusive at this sample size".
   */
  nearChanceMargin?: number;
  /** Number of random functions g the correlation study should have (default 50). */
  correlationDraws?: number;
  /** Equal-width bins of tau_g accuracy for the binned view (default 5). */
  bins?: number;
}

const RA_RANDOM = ["ra-string", "ra-token"];
const PA = ["pa-word", "pa-token"];
const NATURAL = ["ra-synonym", "ra-antonym", "ra-keyword"];
const CHAIN = ["ra-chain-1", "ra-chain-2", "ra-chain-3", "ra-chain-4", "ra-chain-5"];

/** `<id>#<n>` -> {id, draw}; local so the verdicts do not depend on the variant library. */
export function splitVariantKey(key: string): { id: string; draw?: number } {
  const m = /^(.*)#(\d+)$/.exec(key);
  return m ? { id: m[1], draw: Number(m[2]) } : { id: key };
}

const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : "n/a");
const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : "n/a");
function fp(p: number): string {
  if (!Number.isFinite(p)) return "p = n/a";
  if (p < 1e-4) return `p = ${p.toExponential(1)}`;
  return `p = ${p.toFixed(4)}`;
}
/** The fields of a run the texts and tests need (a VariantKMetrics, or several pooled). */
interface RunStat {
  variant: string;
  k: number;
  n: number;
  chance: number;
  accuracy: { value: number; correct: number; interval: { lo: number; hi: number }; pAboveChance: number };
}
const runName = (m: RunStat): string => `${m.variant} at k = ${m.k}`;
const accText = (m: RunStat): string =>
  `${f2(m.accuracy.value)} (95% CI ${f2(m.accuracy.interval.lo)}-${f2(m.accuracy.interval.hi)}, n = ${m.n}; chance ${f2(m.chance)})`;
const runsOf = (ms: readonly VariantKMetrics[]): VerdictRun[] => ms.map((m) => ({ variant: m.variant, k: m.k }));

/** Runs of the given variant ids with k > 0; plain keys preferred, `#n` draws used when no plain key ran. */
function pick(metrics: readonly VariantKMetrics[], ids: readonly string[], allowDraws = true): VariantKMetrics[] {
  const withK = metrics.filter((m) => m.k > 0 && m.n > 0 && ids.includes(splitVariantKey(m.variant).id));
  const plain = withK.filter((m) => splitVariantKey(m.variant).draw === undefined);
  return plain.length || !allowDraws ? plain : withK;
}

function notRun(id: string, hypothesis: Hypothesis, title: string, missing: string[], what: string): Verdict {
  return {
    id, hypothesis, status: "not-run", title, missing, runs: [], numbers: {},
    text: `Not run: ${what} Add the variant${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (with k > 0) and run again.`,
  };
}

/** All verdicts for the metrics of one model and task. */
export function verdicts(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict[] {
  return [h1(metrics, opts), h2(metrics, opts), h3Natural(metrics, opts), h3Chain(metrics, opts), h3Correlation(metrics, opts)];
}

/** H1 task selection: contradicted when tau_RA is learnt (significantly above chance at some k). */
export function h1(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const alpha = opts.alpha ?? 0.05;
  const margin = opts.nearChanceMargin ?? 0.1;
  const title = "H1 task selection: is a remapped-label task (tau_RA) learnt in context?";
  const runs = pick(metrics, RA_RANDOM);
  if (runs.length === 0) {
    return notRun("H1", "H1", title, ["ra-string", "ra-token"], "no tau_RA run with random labels (ra-string or ra-token) and k > 0.");
  }
  const m = runs.length;
  const threshold = alpha / m;
  const significant = runs.filter((r) => r.accuracy.pAboveChance < threshold);
  const best = [...(significant.length ? significant : runs)].sort((a, b) => a.accuracy.pAboveChance - b.accuracy.pAboveChance || b.k - a.k)[0];
  const testText = `exact one-sided binomial test against chance, alpha ${alpha} Bonferroni-corrected over the ${m} tau_RA run${m > 1 ? "s" : ""} tested (threshold ${threshold.toPrecision(3)})`;
  const numbers: Record<string, number | string> = {
    "best run": runName(best),
    accuracy: best.accuracy.value,
    "CI low": best.accuracy.interval.lo,
    "CI high": best.accuracy.interval.hi,
    chance: best.chance,
    "p (> chance)": best.accuracy.pAboveChance,
    "runs tested": m,
    "Bonferroni threshold": threshold,
  };
  if (significant.length) {
    return {
      id: "H1", hypothesis: "H1", status: "contradicted", title, numbers, runs: runsOf(runs),
      text:
        `tau_RA accuracy for ${runName(best)} is ${accText(best)}, significantly above chance (${fp(best.accuracy.pAboveChance)}; ${testText}). ` +
        `${significant.length} of ${m} run${m > 1 ? "s" : ""} pass. The labels were replaced by random strings or tokens the model cannot have seen paired with this task in pre-training, ` +
        `so this contradicts H1 (task selection) for this model and task.`,
    };
  }
  const nearChance = runs.every((r) => wilsonInterval(r.accuracy.correct, r.n, opts.level ?? 0.95).hi < r.chance + margin);
  if (nearChance) {
    return {
      id: "H1", hypothesis: "H1", status: "consistent", title, numbers, runs: runsOf(runs),
      text:
        `No tau_RA run is significantly above chance (${testText}), and every run's 95% Wilson interval stays below chance + ${margin}; ` +
        `e.g. ${runName(best)}: ${accText(best)}, ${fp(best.accuracy.pAboveChance)}. The model does not learn the remapped labels here, which is consistent with H1 (task selection).`,
    };
  }
  return {
    id: "H1", hypothesis: "H1", status: "inconclusive", title, numbers, runs: runsOf(runs),
    text:
      `No tau_RA run is significantly above chance (${testText}); closest: ${runName(best)} with ${accText(best)}, ${fp(best.accuracy.pAboveChance)}. ` +
      `The intervals still allow accuracies well above chance, so this is inconclusive at this sample size: add queries, seeds or larger k.`,
  };
}

/** H2 meta-learning: contradicted when tau_PA ICL stays near chance and below logistic regression, while LR learns. */
export function h2(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const alpha = opts.alpha ?? 0.05;
  const title = "H2 meta-learning: does ICL learn a ciphered-input task (tau_PA) like a simple learner does?";
  const runs = pick(metrics, PA);
  if (runs.length === 0) {
    return notRun("H2", "H2", title, ["pa-word", "pa-token"], "no tau_PA run (pa-word or pa-token) with k > 0.");
  }
  const withLR = runs.filter((r) => r.baselines && r.baselines.n > 0);
  if (withLR.length === 0) {
    return {
      id: "H2", hypothesis: "H2", status: "inconclusive", title, runs: runsOf(runs), numbers: { "runs tested": runs.length },
      text: "Inconclusive: the tau_PA runs have no logistic-regression baseline on the same demos, so the comparison H2 needs cannot be made. Re-run with baselines enabled.",
    };
  }
  const m = withLR.length;
  const threshold = alpha / m;
  const tests = withLR.map((r) => {
    const b = r.baselines!;
    // Baseline counts can be fractional (expected counts on ties); the exact test needs integers.
    const lrCorrect = Math.round(b.logregCorrect);
    const pLR = binomialTestGreater(lrCorrect, b.n, Math.min(1, r.chance));
    const below = twoProportionZTest(lrCorrect, b.n, r.accuracy.correct, r.n);
    return { r, lrAcc: b.logreg, pLR, pBelow: below.pValue, iclSig: r.accuracy.pAboveChance < threshold, lrSig: pLR < threshold, belowSig: below.pValue < threshold };
  });
  const testText =
    `ICL and logistic regression vs chance: exact one-sided binomial tests; ICL below logistic regression: one-sided two-proportion z-test; ` +
    `alpha ${alpha} Bonferroni-corrected over ${m} tau_PA run${m > 1 ? "s" : ""} (threshold ${threshold.toPrecision(3)})`;
  const numbersOf = (t: (typeof tests)[number]): Record<string, number | string> => ({
    "run": runName(t.r),
    "ICL accuracy": t.r.accuracy.value,
    "ICL CI low": t.r.accuracy.interval.lo,
    "ICL CI high": t.r.accuracy.interval.hi,
    "logreg accuracy": t.lrAcc,
    chance: t.r.chance,
    "p ICL > chance": t.r.accuracy.pAboveChance,
    "p logreg > chance": t.pLR,
    "p ICL < logreg": t.pBelow,
    "runs tested": m,
    "Bonferroni threshold": threshold,
  });
  const byK = (a: (typeof tests)[number], b: (typeof tests)[number]): number => b.r.k - a.r.k;
  const learnt = tests.filter((t) => t.iclSig).sort(byK);
  if (learnt.length) {
    const t = learnt[0];
    return {
      id: "H2", hypothesis: "H2", status: "consistent", title, numbers: numbersOf(t), runs: runsOf(withLR),
      text:
        `ICL learns the ciphered task: ${runName(t.r)} reaches ${accText(t.r)}, significantly above chance (${fp(t.r.accuracy.pAboveChance)}); ` +
        `logistic regression on the same demos: ${f2(t.lrAcc)}. ${testText}. Learning a task whose inputs were never seen in pre-training is consistent with H2 (meta-learning).`,
    };
  }
  const against = tests.filter((t) => t.lrSig && t.belowSig).sort(byK);
  if (against.length) {
    const t = against[0];
    return {
      id: "H2", hypothesis: "H2", status: "contradicted", title, numbers: numbersOf(t), runs: runsOf(withLR),
      text:
        `On the ciphered inputs ICL stays near chance: ${runName(t.r)} gives ${accText(t.r)}, not significantly above chance (${fp(t.r.accuracy.pAboveChance)}), ` +
        `while logistic regression trained on exactly the same demos reaches ${f2(t.lrAcc)} (above chance, ${fp(t.pLR)}) and ICL is significantly below it (${fp(t.pBelow)}). ` +
        `${testText}. A general learning algorithm would pick up what a bag-of-words learner does, so this contradicts H2 (meta-learning) for this model and task.`,
    };
  }
  const t = [...tests].sort(byK)[0];
  if (!tests.some((x) => x.lrSig)) {
    return {
      id: "H2", hypothesis: "H2", status: "inconclusive", title, numbers: numbersOf(t), runs: runsOf(withLR),
      text:
        `Neither ICL nor logistic regression is significantly above chance on the ciphered task (e.g. ${runName(t.r)}: ICL ${accText(t.r)}, logistic regression ${f2(t.lrAcc)}, ${fp(t.pLR)}). ` +
        `${testText}. The demos are not learnable by the reference learner at this k, so this is inconclusive at this sample size: use larger k or more queries.`,
    };
  }
  return {
    id: "H2", hypothesis: "H2", status: "inconclusive", title, numbers: numbersOf(t), runs: runsOf(withLR),
    text:
      `Logistic regression learns the ciphered task, and ICL is not significantly above chance, but ICL is not significantly below logistic regression either ` +
      `(${runName(t.r)}: ICL ${accText(t.r)}, logistic regression ${f2(t.lrAcc)}, ${fp(t.pBelow)}). ${testText}. Inconclusive at this sample size.`,
  };
}

/** H3 (a): natural g (synonym, antonym, keyword) beats random g (ra-string) at the same k. */
export function h3Natural(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const alpha = opts.alpha ?? 0.05;
  const title = "H3 structured task selection: do natural label maps (synonym, antonym, keyword) beat random ones?";
  const naturals = pick(metrics, NATURAL, false);
  // Random g: plain ra-string; without it, the draws ra-string#n of the correlation study pooled per k.
  const plainRandom = pick(metrics, ["ra-string"], false);
  const drawRuns = plainRandom.length ? [] : pick(metrics, ["ra-string"]);
  const randoms: RunStat[] = plainRandom.length ? plainRandom : poolByK(drawRuns, "ra-string#* (pooled draws)", opts.level ?? 0.95);
  const missing = [...NATURAL.filter((id) => !naturals.some((m) => m.variant === id)), ...(randoms.length ? [] : ["ra-string"])];
  if (naturals.length === 0 || randoms.length === 0) {
    return notRun("H3-natural", "H3", title, missing, naturals.length ? "no random-g run (ra-string) to compare with." : "no natural-g run (ra-synonym, ra-antonym or ra-keyword).");
  }
  const pairs = naturals.flatMap((n) => randoms.filter((r) => r.k === n.k).map((r) => ({ n, r })));
  if (pairs.length === 0) {
    const v = notRun("H3-natural", "H3", title, [], "the natural-g and random-g runs share no k.");
    v.text = `Not run: the natural-g runs (k = ${[...new Set(naturals.map((m) => m.k))].join(", ")}) and ra-string (k = ${[...new Set(randoms.map((m) => m.k))].join(", ")}) share no k; run them with the same k values.`;
    v.missing = ["ra-string at the natural runs' k"];
    return v;
  }
  const m = pairs.length;
  const threshold = alpha / m;
  const tests = pairs.map(({ n, r }) => ({
    n, r,
    better: twoProportionZTest(n.accuracy.correct, n.n, r.accuracy.correct, r.n),
    worse: twoProportionZTest(r.accuracy.correct, r.n, n.accuracy.correct, n.n),
  }));
  const testText = `one-sided two-proportion z-test at the same k, alpha ${alpha} Bonferroni-corrected over ${m} comparison${m > 1 ? "s" : ""} (threshold ${threshold.toPrecision(3)})`;
  const usedK = new Set(pairs.map((p) => p.n.k));
  const runs = [
    ...runsOf(naturals.filter((m) => usedK.has(m.k))),
    ...runsOf(plainRandom.length ? plainRandom.filter((m) => usedK.has(m.k)) : drawRuns.filter((m) => usedK.has(m.k))),
  ];
  const numbersOf = (t: (typeof tests)[number]): Record<string, number | string> => ({
    comparison: `${t.n.variant} vs ${t.r.variant} at k = ${t.n.k}`,
    "natural accuracy": t.n.accuracy.value,
    "random accuracy": t.r.accuracy.value,
    difference: t.better.diff,
    z: t.better.z,
    "p natural > random": t.better.pValue,
    comparisons: m,
    "Bonferroni threshold": threshold,
  });
  const partial = missing.length ? ` (not run: ${missing.join(", ")})` : "";
  const wins = tests.filter((t) => t.better.pValue < threshold).sort((a, b) => a.better.pValue - b.better.pValue);
  if (wins.length) {
    const t = wins[0];
    return {
      id: "H3-natural", hypothesis: "H3", status: "consistent", title, numbers: numbersOf(t), runs, missing: missing.length ? missing : undefined,
      text:
        `${t.n.variant} at ${accText(t.n)} beats random strings (${t.r.variant} at ${accText(t.r)}) at k = ${t.n.k}: difference ${f3(t.better.diff)}, z = ${f2(t.better.z)}, ${fp(t.better.pValue)} ` +
        `(${testText}); ${wins.length} of ${m} comparisons significant${partial}. Natural label maps being easier than random ones is consistent with H3 (structured task selection).`,
    };
  }
  const losses = tests.filter((t) => t.worse.pValue < threshold).sort((a, b) => a.worse.pValue - b.worse.pValue);
  if (losses.length) {
    const t = losses[0];
    return {
      id: "H3-natural", hypothesis: "H3", status: "contradicted", title, numbers: numbersOf(t), runs, missing: missing.length ? missing : undefined,
      text:
        `Random strings beat the natural map: ${t.n.variant} gives ${accText(t.n)} against ${t.r.variant} at ${accText(t.r)} at k = ${t.n.k} (${fp(t.worse.pValue)} for random > natural; ${testText})${partial}. ` +
        `No natural map is significantly better. This contradicts the H3 prediction that composing pre-trained tasks makes natural maps easier.`,
    };
  }
  const t = [...tests].sort((a, b) => a.better.pValue - b.better.pValue)[0];
  return {
    id: "H3-natural", hypothesis: "H3", status: "inconclusive", title, numbers: numbersOf(t), runs, missing: missing.length ? missing : undefined,
    text:
      `No significant difference between natural and random label maps (closest: ${t.n.variant} ${accText(t.n)} vs ${t.r.variant} at ${accText(t.r)} at k = ${t.n.k}, ${fp(t.better.pValue)}; ${testText})${partial}. ` +
      `Inconclusive at this sample size.`,
  };
}

/** Pools runs of the same k (e.g. the draws ra-string#n) into one proportion per k. */
function poolByK(runs: readonly VariantKMetrics[], name: string, level: number): RunStat[] {
  const byK = new Map<number, { n: number; correct: number; chanceSum: number }>();
  for (const r of runs) {
    const a = byK.get(r.k) ?? { n: 0, correct: 0, chanceSum: 0 };
    a.n += r.n;
    a.correct += r.accuracy.correct;
    a.chanceSum += r.chance * r.n;
    byK.set(r.k, a);
  }
  return [...byK.entries()].map(([k, a]) => {
    const chance = a.chanceSum / a.n;
    return {
      variant: name, k, n: a.n, chance,
      accuracy: { value: a.correct / a.n, correct: a.correct, interval: wilsonInterval(a.correct, a.n, level), pAboveChance: binomialTestGreater(a.correct, a.n, Math.min(1, chance)) },
    };
  });
}

/** H3 (b): accuracy decays with synonym-chain order m but stays above chance. */
export function h3Chain(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const alpha = opts.alpha ?? 0.05;
  const title = "H3 structured task selection: does accuracy decay with synonym-chain order m yet stay above chance?";
  const runs = pick(metrics, CHAIN, false);
  // The k with the most chain orders (ties: the larger k).
  const ks = [...new Set(runs.map((r) => r.k))];
  const atK = (k: number): VariantKMetrics[] => runs.filter((r) => r.k === k).sort((a, b) => CHAIN.indexOf(a.variant) - CHAIN.indexOf(b.variant));
  const k = ks.sort((a, b) => atK(b).length - atK(a).length || b - a)[0];
  const chain = k === undefined ? [] : atK(k);
  if (chain.length < 3) {
    const missing = CHAIN.filter((id) => !chain.some((m) => m.variant === id));
    return notRun("H3-chain", "H3", title, missing, `a decay over m needs at least 3 chain orders at the same k (found ${chain.length}${k !== undefined ? ` at k = ${k}` : ""}).`);
  }
  const orders = chain.map((m) => CHAIN.indexOf(m.variant) + 1);
  const accs = chain.map((m) => m.accuracy.value);
  const rho = spearman(orders, accs).value;
  const pDecay = spearmanExactPValue(orders, accs, "less");
  const threshold = alpha / chain.length;
  const above = chain.filter((m) => m.accuracy.pAboveChance < threshold);
  const missing = CHAIN.filter((id) => !chain.some((m) => m.variant === id));
  const numbers: Record<string, number | string> = {
    k,
    orders: orders.join(", "),
    accuracies: accs.map(f3).join(", "),
    chance: chain[0].chance,
    "Spearman rho": rho,
    "p decay (exact)": pDecay,
    "orders above chance": `${above.length} of ${chain.length}`,
  };
  const trend = `accuracy by order m = ${orders.join(", ")}: ${accs.map(f2).join(", ")} (k = ${k}, chance ${f2(chain[0].chance)}); Spearman rho = ${f2(rho)}, exact one-sided permutation ${fp(pDecay)} for a decreasing trend`;
  const chanceText = `above chance at every order (exact binomial tests, alpha ${alpha} Bonferroni over ${chain.length} orders)`;
  const partial = missing.length ? ` Not run: ${missing.join(", ")}.` : "";
  const base = { id: "H3-chain", hypothesis: "H3" as const, title, numbers, runs: runsOf(chain), missing: missing.length ? missing : undefined };
  if (pDecay < alpha && above.length === chain.length) {
    return { ...base, status: "consistent", text: `The ${trend}, and it stays ${chanceText}. Composed synonym maps remain learnable but get harder with each hop, consistent with H3 (structured task selection).${partial}` };
  }
  const why = [
    pDecay < alpha ? "" : "the decrease is not significant",
    above.length === chain.length ? "" : `only ${above.length} of ${chain.length} orders are significantly above chance`,
  ].filter(Boolean).join(" and ");
  return { ...base, status: "inconclusive", text: `The ${trend}; ${why}. Inconclusive at this sample size (the exact trend test needs at least 4 orders to reach p < 0.05).${partial}` };
}

/**
 * H3 (c): over N random functions g (variant keys ra-string#n and g-string#n), tau_RA accuracy vs
 * tau_g-ICL accuracy for the same g: Pearson and Spearman with intervals, and the paper's binned view
 * (tau_g accuracy in equal-width bins, mean tau_RA per bin).
 */
export function h3Correlation(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const level = opts.level ?? 0.95;
  const wanted = opts.correlationDraws ?? 50;
  const nb = opts.bins ?? 5;
  const title = "H3 structured task selection: does tau_RA accuracy track tau_g-ICL accuracy across random g?";
  const ra = new Map<string, VariantKMetrics>();
  const tg = new Map<string, VariantKMetrics>();
  for (const m of metrics) {
    const { id, draw } = splitVariantKey(m.variant);
    if (draw === undefined || m.n === 0) continue;
    if (id === "ra-string") ra.set(`${draw}|${m.k}`, m);
    if (id === "g-string") tg.set(`${draw}|${m.k}`, m);
  }
  const pairsByK = new Map<number, { draw: number; ra: VariantKMetrics; g: VariantKMetrics }[]>();
  for (const [key, r] of ra) {
    const g = tg.get(key);
    if (!g) continue;
    const list = pairsByK.get(r.k) ?? [];
    list.push({ draw: Number(key.split("|")[0]), ra: r, g });
    pairsByK.set(r.k, list);
  }
  const ks = [...pairsByK.keys()].sort((a, b) => pairsByK.get(b)!.length - pairsByK.get(a)!.length || b - a);
  // The range form is what a user can paste into --variants or the header (expandVariantKeys).
  const draws = `ra-string#0..${wanted - 1} and g-string#0..${wanted - 1}`;
  if (ks.length === 0) {
    const v = notRun("H3-correlation", "H3", title, [draws], "");
    v.text = `Not run: no random function g was run both as tau_RA (ra-string#n) and as tau_g-ICL (g-string#n) at the same k. Add ${draws} (same k > 0 for both) and run again.`;
    return v;
  }
  const k = ks[0];
  const pairs = pairsByK.get(k)!.sort((a, b) => a.draw - b.draw);
  // One point per function g. The contract fixes the same g for ra-string#n and g-string#n only
  // within a seed (each seed draws its own g), so a point is a (draw, seed) pair, not a draw
  // pooled over seeds.
  const points: { draw: number; seed: number; g: number; ra: number }[] = [];
  for (const p of pairs) {
    const gBySeed = new Map(p.g.perSeed.map((s) => [s.seed, s.accuracy]));
    for (const s of p.ra.perSeed) {
      const g = gBySeed.get(s.seed);
      if (g !== undefined) points.push({ draw: p.draw, seed: s.seed, g, ra: s.accuracy });
    }
  }
  const x = points.map((p) => p.g);
  const y = points.map((p) => p.ra);
  const runs = runsOf(pairs.flatMap((p) => [p.ra, p.g]));
  const short = pairs.length < wanted ? ` Only ${pairs.length} of the ${wanted} planned draws of g were run at k = ${k}.` : "";
  const missingDraws = pairs.length < wanted ? [`${wanted - pairs.length} more draws of ra-string#n / g-string#n at k = ${k}`] : undefined;
  const bins: CorrelationBin[] = [];
  for (let b = 0; b < nb; b++) {
    const lo = b / nb;
    const hi = (b + 1) / nb;
    const idx = x.map((v, i) => i).filter((i) => (b === nb - 1 ? x[i] >= lo && x[i] <= hi : x[i] >= lo && x[i] < hi));
    const mean = (vs: number[]): number => (vs.length ? vs.reduce((s, v) => s + v, 0) / vs.length : NaN);
    bins.push({ lo, hi, count: idx.length, meanRA: mean(idx.map((i) => y[i])), meanG: mean(idx.map((i) => x[i])) });
  }
  if (points.length < 4) {
    return {
      id: "H3-correlation", hypothesis: "H3", status: "inconclusive", title, runs, bins, missing: missingDraws ?? [draws],
      numbers: { k, "draws of g": pairs.length, "functions g (draw x seed)": points.length },
      text: `Inconclusive: only ${points.length} random function${points.length === 1 ? "" : "s"} g ran as both tau_RA and tau_g-ICL with the same seed at k = ${k}; a correlation with an interval needs at least 4 (the paper used many; default ${wanted} draws).`,
    };
  }
  const pr = pearson(x, y, level);
  const sr = spearman(x, y, level);
  const numbers: Record<string, number | string> = {
    k,
    "draws of g": pairs.length,
    "functions g (draw x seed)": points.length,
    "Pearson r": pr.value,
    "Pearson CI low": pr.interval?.lo ?? NaN,
    "Pearson CI high": pr.interval?.hi ?? NaN,
    "Spearman rho": sr.value,
    "Spearman CI low": sr.interval?.lo ?? NaN,
    "Spearman CI high": sr.interval?.hi ?? NaN,
  };
  const ci = (r: typeof pr): string => (r.interval ? `${f2(r.interval.lo)} to ${f2(r.interval.hi)}` : "n/a");
  const corrText =
    `Across ${points.length} random functions g at k = ${k} (${pairs.length} draw${pairs.length === 1 ? "" : "s"} x seeds; each seed draws its own g), tau_RA accuracy vs tau_g-ICL accuracy for the same g: Pearson r = ${f2(pr.value)} (95% CI ${ci(pr)}, Fisher z), ` +
    `Spearman rho = ${f2(sr.value)} (95% CI ${ci(sr)}, Fisher z with variance 1.06/(n-3)). Binned by tau_g accuracy: ` +
    bins.filter((b) => b.count > 0).map((b) => `${f2(b.lo)}-${f2(b.hi)}: ${f2(b.meanRA)} (${b.count})`).join("; ") + ".";
  const base = { id: "H3-correlation", hypothesis: "H3" as const, title, numbers, runs, bins, missing: missingDraws };
  if (Number.isNaN(pr.value)) {
    return { ...base, status: "inconclusive", text: `${corrText} One of the accuracies does not vary across g, so no correlation can be computed; inconclusive.${short}` };
  }
  if (pr.interval && pr.interval.lo > 0) {
    return { ...base, status: "consistent", text: `${corrText} The positive correlation (interval above 0) means g that are easy to apply as a task are also easy to learn as a label map, consistent with H3 (structured task selection).${short}` };
  }
  if (pr.interval && pr.interval.hi < 0) {
    return { ...base, status: "contradicted", text: `${corrText} The correlation is negative (interval below 0), which contradicts the H3 prediction of a positive relation.${short}` };
  }
  return { ...base, status: "inconclusive", text: `${corrText} The interval includes 0: inconclusive at this sample size.${short}` };
}
