// H1 task selection (Li et al. 2024): contradicted when tau_RA (labels replaced by random strings or
// tokens) is learnt, i.e. significantly above chance at some k > 0; consistent when no run is above
// chance and every run's interval stays below chance + margin; inconclusive otherwise.
import type { VariantKMetrics } from "../metrics";
import { defined } from "../defined";
import { DEFAULT_ALPHA, estimateText, failedText, fthr, notRun, pick, pText, runName, runsOf, testCondition, untestable, type Verdict, type VerdictCondition, type VerdictOptions } from "./common";

const RA_RANDOM = ["ra-string", "ra-token"];

export function h1(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const level = opts.level ?? 0.95;
  const margin = opts.nearChanceMargin ?? 0.1;
  const title = "H1 task selection: is a remapped-label task (tau_RA) learnt in context?";
  const runs = pick(metrics, RA_RANDOM);
  if (runs.length === 0) {
    return notRun("H1", "H1", title, ["ra-string", "ra-token"], "no tau_RA run with random labels (ra-string or ra-token) and k > 0.");
  }
  const m = runs.length;
  const threshold = alpha / m;
  const above = runs.map((r) => ({
    r,
    c: testCondition("above-chance", `${runName(r)} is above chance (${r.chance.toFixed(2)})`, r.accuracy, threshold, "greater", { variant: r.variant, k: r.k }, level),
  }));
  const near: VerdictCondition[] = runs.map((r) => {
    const run = { variant: r.variant, k: r.k };
    const text = `${runName(r)} stays near chance (upper ${Math.round(level * 100)}% bound below ${(r.chance + margin).toFixed(2)})`;
    const iv = r.accuracy.interval;
    if (!iv) return { ...untestable("near-chance", text, estimateText(r.accuracy, level), run), reason: `${r.accuracy.units} seeds give no ${Math.round(level * 100)}% interval` };
    return { id: "near-chance", text, status: iv.hi < r.chance + margin ? "pass" : "fail", detail: `upper bound ${iv.hi.toFixed(2)}`, run };
  });
  const testText = `one-sided tests at ${alpha} Bonferroni-corrected over the ${m} tau_RA run${m > 1 ? "s" : ""} with k > 0 (threshold ${fthr(threshold)})`;
  const passed = above.filter((a) => a.c.status === "pass");
  const best = defined([...(passed.length ? passed : above)].sort((a, b) => a.r.accuracy.pAboveChance - b.r.accuracy.pAboveChance || b.r.k - a.r.k)[0], "best tau_RA run").r; // runs is not empty (above)
  const numbers: Record<string, number | string> = {
    "best run": runName(best),
    accuracy: best.accuracy.value,
    "CI low": best.accuracy.interval?.lo ?? "n/a",
    "CI high": best.accuracy.interval?.hi ?? "n/a",
    chance: best.chance,
    "p (> chance)": best.accuracy.pAboveChance,
    units: best.accuracy.method === "sign-flip-seeds" ? `${best.accuracy.units} seeds` : `${best.accuracy.units} distinct prompts`,
    "runs tested": m,
    "Bonferroni threshold": threshold,
  };
  const base = { id: "H1", hypothesis: "H1" as const, title, numbers, runs: runsOf(runs) };
  const bestText = `${runName(best)}: ${estimateText(best.accuracy, level)}, ${pText(best.accuracy, best.accuracy.pAboveChance, threshold)}`;
  if (passed.length) {
    return {
      ...base,
      status: "contradicted",
      conditions: above.map((a) => a.c),
      text:
        `tau_RA is learnt: ${bestText}, significantly above chance ${best.chance.toFixed(2)} (${testText}); ${passed.length} of ${m} run${m > 1 ? "s" : ""} pass${passed.length === 1 ? "es" : ""}. ` +
        `The labels were replaced by random strings or tokens the model cannot have seen paired with this task in pre-training, so this contradicts H1 (task selection) for this model and task.` +
        (best.accuracy.method === "exact-binomial-prompts" ? " With one seed this holds for the demo set and the random map g that were drawn; run several seeds to generalise over them." : ""),
    };
  }
  const conditions = [...above.map((a) => a.c), ...near];
  if (above.every((a) => a.c.status === "fail") && near.every((c) => c.status === "pass")) {
    return {
      ...base,
      status: "consistent",
      conditions,
      text:
        `No tau_RA run is significantly above chance (${testText}), and every run's upper ${Math.round(level * 100)}% bound stays below chance + ${margin}; ` +
        `closest: ${bestText}. The model does not learn the remapped labels here, which is consistent with H1 (task selection).`,
    };
  }
  return {
    ...base,
    status: "inconclusive",
    conditions,
    text:
      `Inconclusive: no tau_RA run is shown above chance (${testText}), but the data cannot show that it stays near chance either. Closest: ${bestText}. ` +
      `Open: ${failedText(conditions.filter((c) => c.id === "near-chance" || c.status === "untestable"))}. Add seeds (the units of replication), queries or larger k.`,
  };
}
