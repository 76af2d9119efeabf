// H2 meta-learning (Li et al. 2024): a general learning algorithm run on the demos should learn a
// task whose inputs were ciphered (tau_PA) about as well as a bag-of-words learner does. The rule,
// per k > 0 (each condition listed in the verdict):
//   gold is learnt:     G1 gold above chance, G2 gold not below logistic regression (same demos);
//   the cipher is learnable: L1 logistic regression on tau_PA's demos above chance;
//   tau_PA is learnt:   P1 tau_PA above chance, P2 tau_PA not below logistic regression.
// consistent   when tau_PA is learnt (P1 and P2) at some k;
// contradicted when gold is learnt and the cipher is learnable while tau_PA is significantly below
//              logistic regression (G1, G2, L1 and P2 shown false) at some k: only then is the
//              cipher, not the task, what ICL failed on;
// inconclusive otherwise (a condition failed or could not be tested: too few seeds, no baselines).
// "Not below" passes only where the test could have found "below" (enough seeds). Comparisons with
// logistic regression pair the seeds (src/core/compare.ts); one seed gives none.
// The tau_g-Linear evidence (h2Linear.ts: tau_g-ICL against least squares on the same pairs) is a
// second, independent test of H2; the verdict combines the two (combine() below).
import type { VariantKMetrics } from "../metrics";
import { accuracyBySeed, compareSeries, logregBySeed, seriesVs } from "../compare";
import { linearEvidence, type LinearEvidence } from "./h2Linear";
import {
  DEFAULT_ALPHA,
  estimateText,
  failedText,
  fthr,
  notCondition,
  notRun,
  pick,
  runName,
  runsOf,
  testCondition,
  untestable,
  type Verdict,
  type VerdictCondition,
  type VerdictOptions,
} from "./common";
import { parseVariantKey } from "../variants/keys";
import { defined } from "../defined";

const PA = ["pa-word", "pa-token"];

interface KCheck {
  pa: VariantKMetrics;
  gold?: VariantKMetrics;
  g1: VerdictCondition;
  g2: VerdictCondition;
  l1: VerdictCondition;
  p1: VerdictCondition;
  p2: VerdictCondition;
}

const SEEDS_NOTE = "comparisons with logistic regression pair seeds: needs at least 2 seeds with baselines";

function notBelowLogreg(m: VariantKMetrics, threshold: number, level: number): VerdictCondition {
  const run = { variant: m.variant, k: m.k };
  const text = `${runName(m)} is not below logistic regression on the same demos`;
  const lr = logregBySeed(m);
  if (!lr) return untestable("not-below-logreg", text, "no logistic-regression baseline for this run", run);
  const d = compareSeries(accuracyBySeed(m), lr, level);
  if (!d) return untestable("not-below-logreg", text, `${m.seeds.length} seed${m.seeds.length === 1 ? "" : "s"}: ${SEEDS_NOTE}`, run);
  const c = notCondition("not-below-logreg", text, d, threshold, "less", run, level);
  return { ...c, detail: `ICL minus logistic regression ${c.detail}` };
}

const TITLE = "H2 meta-learning: does ICL learn like a simple learner given the same demos (tau_PA vs logistic regression, tau_g-ICL vs tau_g-Linear)?";

export function h2(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  return combine(paVerdict(metrics, opts), linearEvidence(metrics, opts));
}

/**
 * The two tests of H2 together. Each alone gives the verdict (the other is listed as missing);
 * together they agree, or one is inconclusive and the other decides, or they disagree
 * (inconclusive, and the text says so). Conditions, runs and numbers are the union.
 */
function combine(pa: Verdict, g: LinearEvidence): Verdict {
  const gMissing = "g-token and g-linear (tau_g-Linear, at the same k > 0)";
  if (g.status === "not-run") {
    if (pa.status !== "not-run") return { ...pa, missing: [...(pa.missing ?? []), gMissing] };
    return notRun(
      "H2",
      "H2",
      TITLE,
      ["pa-word", "pa-token", "g-token", "g-linear"],
      "no tau_PA run (pa-word or pa-token) and no tau_g-ICL / tau_g-Linear pair (g-token and g-linear at the same k > 0).",
    );
  }
  const gText = `tau_g-Linear: ${g.text}`;
  if (pa.status === "not-run") {
    return {
      ...pa,
      status: g.status,
      text: `${gText} (No tau_PA run: add pa-word or pa-token for the other test of H2.)`,
      conditions: g.conditions,
      numbers: g.numbers,
      runs: g.runs,
      missing: pa.missing,
    };
  }
  const both = { ...pa, text: `tau_PA: ${pa.text} ${gText}`, conditions: [...pa.conditions, ...g.conditions], numbers: { ...pa.numbers, ...g.numbers }, runs: [...pa.runs, ...g.runs] };
  if (pa.status === g.status) return both;
  if (pa.status === "inconclusive") return { ...both, status: g.status };
  if (g.status === "inconclusive") return both;
  return { ...both, status: "inconclusive", text: `${both.text} The two tests of H2 disagree (tau_PA: ${pa.status}, tau_g-Linear: ${g.status}), so the verdict is inconclusive.` };
}

function paVerdict(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const level = opts.level ?? 0.95;
  const title = TITLE;
  const runs = pick(metrics, PA);
  if (runs.length === 0) return notRun("H2", "H2", title, ["pa-word", "pa-token"], "no tau_PA run (pa-word or pa-token) with k > 0.");
  const golds = metrics.filter((m) => parseVariantKey(m.variant).id === "gold" && parseVariantKey(m.variant).draw === undefined && m.n > 0);
  const m = runs.length;
  const threshold = alpha / m;
  const checks: KCheck[] = runs.map((pa) => {
    const gold = golds.find((g) => g.k === pa.k);
    const run = { variant: pa.variant, k: pa.k };
    const goldRun = { variant: "gold", k: pa.k };
    const g1 = gold
      ? testCondition("gold-above-chance", `gold at k = ${pa.k} is above chance`, gold.accuracy, threshold, "greater", goldRun, level)
      : untestable("gold-above-chance", `gold at k = ${pa.k} is above chance`, `gold was not run at k = ${pa.k}`, goldRun);
    const g2 = gold
      ? notBelowLogreg(gold, threshold, level)
      : untestable("not-below-logreg", `gold at k = ${pa.k} is not below logistic regression on the same demos`, `gold was not run at k = ${pa.k}`, goldRun);
    const lr = logregBySeed(pa);
    const lrVs = lr && seriesVs(lr, pa.chance, level);
    const l1text = `logistic regression on ${runName(pa)}'s demos is above chance`;
    const l1 = !lr
      ? untestable("logreg-above-chance", l1text, "no logistic-regression baseline for this run", run)
      : !lrVs
        ? untestable("logreg-above-chance", l1text, `${pa.seeds.length} seed: the baseline is stored per seed, so its test needs at least 2 seeds`, run)
        : testCondition("logreg-above-chance", l1text, lrVs, threshold, "greater", run, level);
    const p1 = testCondition("above-chance", `${runName(pa)} is above chance`, pa.accuracy, threshold, "greater", run, level);
    const p2 = notBelowLogreg(pa, threshold, level);
    return { pa, gold, g1, g2, l1, p1, p2 };
  });
  const conditions = checks.flatMap((c) => [c.g1, c.g2, c.l1, c.p1, c.p2]);
  const testText = `one-sided tests at ${alpha} Bonferroni-corrected over ${m} tau_PA run${m > 1 ? "s" : ""} (threshold ${fthr(threshold)}); differences with logistic regression paired by seed`;
  const byK = (a: KCheck, b: KCheck): number => b.pa.k - a.pa.k;
  const lrAcc = (c: KCheck): string => (c.pa.baselines && c.pa.baselines.n > 0 ? c.pa.baselines.logreg.toFixed(2) : "n/a");
  const numbersOf = (c: KCheck): Record<string, number | string> => ({
    run: runName(c.pa),
    "ICL accuracy": c.pa.accuracy.value,
    "ICL CI low": c.pa.accuracy.interval?.lo ?? "n/a",
    "ICL CI high": c.pa.accuracy.interval?.hi ?? "n/a",
    "logreg accuracy": c.pa.baselines?.n ? c.pa.baselines.logreg : "n/a",
    "gold accuracy": c.gold ? c.gold.accuracy.value : "n/a",
    chance: c.pa.chance,
    "p ICL > chance": c.pa.accuracy.pAboveChance,
    "runs tested": m,
    "Bonferroni threshold": threshold,
  });
  const base = { id: "H2", hypothesis: "H2" as const, title, conditions, runs: runsOf([...runs, ...checks.flatMap((c) => (c.gold ? [c.gold] : []))]) };
  const missingGold = checks.some((c) => !c.gold) ? { missing: ["gold (at the tau_PA runs' k)"] } : {};
  const learnt = checks.filter((c) => c.p1.status === "pass" && c.p2.status === "pass").sort(byK)[0];
  if (learnt) {
    return {
      ...base,
      ...missingGold,
      status: "consistent",
      numbers: numbersOf(learnt),
      text:
        `ICL learns the ciphered task: ${runName(learnt.pa)} is above chance (${learnt.p1.detail}) ` +
        `and is not below logistic regression on the same demos (${lrAcc(learnt)}; ${learnt.p2.detail}). ${testText}. ` +
        `Learning a task whose inputs were never seen in pre-training is consistent with H2 (meta-learning).`,
    };
  }
  const against = checks.filter((c) => c.g1.status === "pass" && c.g2.status === "pass" && c.l1.status === "pass" && c.p2.status === "fail").sort(byK)[0];
  if (against) {
    return {
      ...base,
      ...missingGold,
      status: "contradicted",
      numbers: numbersOf(against),
      text:
        `At k = ${against.pa.k} gold is learnt (${against.gold ? estimateText(against.gold.accuracy, level) : "n/a"}, above chance and not below logistic regression) ` +
        `and logistic regression learns the ciphered demos (${lrAcc(against)}), but ${runName(against.pa)} gives ${estimateText(against.pa.accuracy, level)}, significantly below logistic regression (${against.p2.detail}). ` +
        `${testText}. ICL handles the task but not its ciphered inputs, which a general learning algorithm would pick up as a bag-of-words learner does: this contradicts H2 (meta-learning) for this model and task.`,
    };
  }
  const c = defined([...checks].sort((a, b) => score(b) - score(a) || byK(a, b))[0], "tau_PA check to report");
  const kConds = [c.g1, c.g2, c.l1, c.p1, c.p2];
  return {
    ...base,
    ...missingGold,
    status: "inconclusive",
    numbers: numbersOf(c),
    text:
      `Inconclusive: at no k is tau_PA learnt (above chance and not below logistic regression), nor is it shown below logistic regression while gold is learnt and the cipher is learnable. ` +
      `Closest, ${runName(c.pa)}: ICL ${estimateText(c.pa.accuracy, level)}, logistic regression ${lrAcc(c)}. Open at this k: ${failedText(kConds)}. ${testText}.`,
  };
}

/** How far a k got through the contradiction rule (for choosing the k an inconclusive text reports). */
function score(c: KCheck): number {
  return [c.g1, c.g2, c.l1].filter((x) => x.status === "pass").length + (c.p2.status === "fail" ? 1 : 0);
}
