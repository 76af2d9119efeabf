// Hypothesis verdicts on synthetic runs: every status of every verdict, and for each rule records
// that just pass and just fail it. Tests are one-sided at 0.025 (two-sided 5%), Bonferroni over runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregate, type BaselineInput } from "../../src/core/metrics";
import { parseVariantKey } from "../../src/core/variants/keys";
import { verdicts, h1, h2, h3Natural, h3Chain, h3Correlation, type Verdict } from "../../src/core/verdicts";
import type { QueryRecord } from "../../src/core/types";
import { cell, logreg, seeds } from "../support/synthRecords";
import { at } from "../support/at";

const metricsOf = (records: QueryRecord[], baselines?: BaselineInput[]) => aggregate(records, { baselines });
const cond = (v: Verdict, id: string, variant?: string) => v.conditions.filter((c) => c.id === id && (!variant || c.run?.variant === variant));

test("variant keys with draws", () => {
  assert.deepEqual(parseVariantKey("ra-string#12"), { id: "ra-string", draw: 12 });
  assert.deepEqual(parseVariantKey("gold"), { id: "gold" });
});

test("H1 contradicted: 6 seeds all above chance just pass (p = 1/64); one seed below chance just fails (2/64)", () => {
  const pass = h1(metricsOf(seeds("ra-string", 8, [0.7, 0.72, 0.68, 0.75, 0.7, 0.71])));
  assert.equal(pass.status, "contradicted");
  assert.match(pass.text, /contradicts H1/);
  assert.match(pass.text, /exact sign-flip test over 6 seeds/);
  assert.equal(at(cond(pass, "above-chance"), 0).status, "pass");
  assert.equal(pass.numbers["p (> chance)"], 1 / 64);

  const fail = h1(metricsOf(seeds("ra-string", 8, [0.7, 0.7, 0.7, 0.7, 0.7, 0.45])));
  assert.notEqual(fail.status, "contradicted");
  assert.equal(at(cond(fail, "above-chance"), 0).status, "fail");
  assert.equal(fail.numbers["p (> chance)"], 2 / 64);
});

test("H1 with too few seeds: 'inconclusive: 5 seeds' instead of a p-value, however large the effect", () => {
  const v = h1(metricsOf(seeds("ra-string", 8, [0.95, 0.96, 0.94, 0.97, 0.95])));
  assert.equal(v.status, "inconclusive");
  assert.match(v.text, /inconclusive: 5 seeds/);
  assert.match(v.text, /at least 6 seeds/);
  assert.doesNotMatch(v.text, /p = /, "no p-value is quoted");
  assert.equal(at(cond(v, "above-chance"), 0).status, "untestable");
});

test("H1 Bonferroni over k: 6 seeds pass one run alone but not the threshold of two (0.0125 needs 7 seeds)", () => {
  const two = h1(
    metricsOf([...seeds("ra-string", 8, [0.7, 0.7, 0.7, 0.7, 0.7, 0.7]), ...seeds("ra-string", 4, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), ...seeds("ra-string", 0, [0.9, 0.9, 0.9, 0.9, 0.9, 0.9])]),
  );
  assert.equal(two.numbers["runs tested"], 2, "k = 0 is not tested");
  assert.equal(two.numbers["Bonferroni threshold"], 0.0125);
  assert.equal(two.status, "inconclusive");
  assert.match(two.text, /inconclusive: 6 seeds/);
  const seven = h1(metricsOf([...seeds("ra-string", 8, [0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]), ...seeds("ra-string", 4, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])]));
  assert.equal(seven.status, "contradicted");
  assert.deepEqual(seven.runs, [
    { variant: "ra-string", k: 4 },
    { variant: "ra-string", k: 8 },
  ]);
});

test("H1 consistent: not above chance and the upper bound just below chance + 0.1; just fails when it reaches it", () => {
  // 6 seeds: the 95% upper bound is the second largest crossing point; with these values it is below .6
  const ok = h1(metricsOf(seeds("ra-string", 8, [0.5, 0.52, 0.48, 0.5, 0.55, 0.47])));
  assert.equal(ok.status, "consistent", ok.text);
  const near = at(cond(ok, "near-chance"), 0);
  assert.equal(near.status, "pass");
  assert.match(ok.text, /consistent with H1/);
  const wide = h1(metricsOf(seeds("ra-string", 8, [0.5, 0.52, 0.48, 0.5, 0.75, 0.3])));
  assert.equal(wide.status, "inconclusive");
  assert.equal(at(cond(wide, "near-chance"), 0).status, "fail");
  assert.equal(at(cond(wide, "above-chance"), 0).status, "fail");
});

test("H1 with one seed: distinct prompts are the units (62/100 passes, 60/100 just fails)", () => {
  const pass = h1(metricsOf(cell("ra-token", 16, 1, 62, 100)));
  assert.equal(pass.status, "contradicted");
  assert.match(pass.text, /100 distinct prompts of 1 seed/);
  assert.match(pass.text, /holds for the demo set and the random map g that were drawn/);
  // P(X >= 60 | 100, .5) = .0284 > .025
  const fail = h1(metricsOf(cell("ra-token", 16, 1, 60, 100)));
  assert.notEqual(fail.status, "contradicted");
  assert.ok(Math.abs((fail.numbers["p (> chance)"] as number) - 0.028444) < 1e-5);
  // The same 60% over 10 distinct prompts repeated 10 times is 10 units, not 100.
  const dup = h1(metricsOf(cell("ra-token", 16, 1, 60, 100, { distinct: 10 })));
  assert.match(dup.text, /10 distinct prompts of 1 seed/);
  assert.ok((dup.numbers["p (> chance)"] as number) > 0.3);
});

test("H1 not-run names what to add", () => {
  const none = h1(metricsOf(cell("gold", 16, 1, 90, 100)));
  assert.equal(none.status, "not-run");
  assert.deepEqual(none.missing, ["ra-string", "ra-token"]);
  assert.match(none.text, /Add the variants ra-string, ra-token/);
  assert.deepEqual(none.conditions, []);
});

// H2 fixtures: 7 seeds (smallest p 1/128), one tau_PA run (threshold 0.025), chance .5.
const S7 = (v: number, spread = 0.01): number[] => [0, 1, -1, 2, -2, 1, -1].map((d) => v + d * spread);
function h2Case(o: { gold?: number; goldLR?: number; pa: number; paLR: number | number[]; seedsN?: number }): Verdict {
  const n = o.seedsN ?? 7;
  const take = (xs: number[]): number[] => xs.slice(0, n);
  const recs = [...(o.gold !== undefined ? seeds("gold", 8, take(S7(o.gold))) : []), ...seeds("pa-word", 8, take(S7(o.pa)))];
  const paLR = Array.isArray(o.paLR) ? o.paLR : S7(o.paLR, 0.005);
  const bl = [...(o.goldLR !== undefined ? logreg("gold", 8, take(S7(o.goldLR, 0.005))) : []), ...logreg("pa-word", 8, take(paLR))];
  return h2(metricsOf(recs, bl));
}

test("H2 contradicted: gold learnt, cipher learnable, tau_PA below logistic regression (just passes)", () => {
  const v = h2Case({ gold: 0.9, goldLR: 0.85, pa: 0.55, paLR: 0.85 });
  assert.equal(v.status, "contradicted", v.text);
  assert.match(v.text, /contradicts H2/);
  assert.deepEqual(
    v.conditions.map((c) => `${c.id}:${c.status}`),
    ["gold-above-chance:pass", "not-below-logreg:pass", "logreg-above-chance:pass", "above-chance:pass", "not-below-logreg:fail"],
  );
  assert.equal(v.numbers["logreg accuracy"], 0.85);
});

test("H2 guard: gold itself below logistic regression at that k is not a contradiction (the issue's case)", () => {
  const v = h2Case({ gold: 0.9, goldLR: 0.95, pa: 0.55, paLR: 0.85 });
  assert.equal(v.status, "inconclusive", v.text);
  const g2 = v.conditions.find((c) => c.run?.variant === "gold" && c.id === "not-below-logreg")!;
  assert.equal(g2.status, "fail");
  assert.match(v.text, /gold at k = 8 is not below logistic regression on the same demos: not shown/);
});

test("H2 guard: gold not above chance, or the cipher not learnable by logistic regression, blocks the contradiction", () => {
  const noGold = h2Case({ gold: 0.5, goldLR: 0.5, pa: 0.45, paLR: 0.85 });
  assert.equal(noGold.status, "inconclusive");
  assert.equal(at(cond(noGold, "gold-above-chance"), 0).status, "fail");
  const unlearnable = h2Case({ gold: 0.9, goldLR: 0.85, pa: 0.4, paLR: [0.5, 0.52, 0.48, 0.5, 0.51, 0.49, 0.5] });
  assert.equal(unlearnable.status, "inconclusive");
  assert.equal(at(cond(unlearnable, "logreg-above-chance"), 0).status, "fail");
  const noGoldRun = h2Case({ pa: 0.55, paLR: 0.85 });
  assert.equal(noGoldRun.status, "inconclusive");
  assert.deepEqual(noGoldRun.missing, ["gold (at the tau_PA runs' k)", "g-token and g-linear (tau_g-Linear, at the same k > 0)"]);
  assert.equal(at(cond(noGoldRun, "gold-above-chance"), 0).status, "untestable");
});

test("H2 consistent: tau_PA above chance and not below logistic regression; just fails when it is below", () => {
  const ok = h2Case({ gold: 0.9, goldLR: 0.85, pa: 0.85, paLR: 0.85 });
  assert.equal(ok.status, "consistent", ok.text);
  assert.match(ok.text, /consistent with H2/);
  const below = h2Case({ gold: 0.9, goldLR: 0.85, pa: 0.8, paLR: 0.9 });
  assert.notEqual(below.status, "consistent");
  assert.equal(below.status, "contradicted", "gold learnt and the cipher learnable: below logistic regression is the contradiction");
});

test("H2 with one seed or no baselines: the comparisons are untestable, never a contradiction", () => {
  const one = h2Case({ gold: 0.9, goldLR: 0.85, pa: 0.55, paLR: 0.85, seedsN: 1 });
  assert.equal(one.status, "inconclusive");
  assert.ok(one.conditions.filter((c) => c.id === "not-below-logreg").every((c) => c.status === "untestable"));
  assert.match(one.text, /needs at least 2 seeds/);
  const none = h2(metricsOf(seeds("pa-word", 8, S7(0.55))));
  assert.equal(none.status, "inconclusive");
  assert.match(none.text, /no logistic-regression baseline/);
  assert.equal(h2(metricsOf(cell("gold", 8, 1, 90, 100))).status, "not-run");
});

test("H3 natural vs random: paired by seed; 6 seeds just pass, one reversed seed just fails", () => {
  const nr = h3Natural(metricsOf(cell("ra-string", 16, 1, 60, 100)));
  assert.equal(nr.status, "not-run");
  assert.deepEqual(nr.missing, ["ra-synonym", "ra-antonym", "ra-keyword"]);
  const noK = h3Natural(metricsOf([...cell("ra-string", 8, 1, 60, 100), ...cell("ra-synonym", 16, 1, 90, 100)]));
  assert.equal(noK.status, "not-run");
  assert.match(noK.text, /share no k/);

  const ok = h3Natural(metricsOf([...seeds("ra-string", 16, [0.6, 0.55, 0.62, 0.58, 0.6, 0.57]), ...seeds("ra-synonym", 16, [0.8, 0.75, 0.82, 0.7, 0.85, 0.8])]));
  assert.equal(ok.status, "consistent", ok.text);
  assert.match(ok.text, /consistent with H3/);
  assert.deepEqual(ok.missing, ["ra-antonym", "ra-keyword"]);
  assert.equal(ok.numbers["p natural > random"], 1 / 64);
  const reversedSeed = h3Natural(metricsOf([...seeds("ra-string", 16, [0.6, 0.55, 0.62, 0.58, 0.6, 0.57]), ...seeds("ra-synonym", 16, [0.8, 0.75, 0.82, 0.7, 0.85, 0.55])]));
  assert.equal(reversedSeed.status, "inconclusive");
  assert.equal(reversedSeed.numbers["p natural > random"], 2 / 64);

  const bad = h3Natural(metricsOf([...seeds("ra-string", 16, S7(0.8)), ...seeds("ra-antonym", 16, S7(0.4))]));
  assert.equal(bad.status, "contradicted");
  const one = h3Natural(metricsOf([...cell("ra-string", 16, 1, 50, 100), ...cell("ra-keyword", 16, 1, 95, 100)]));
  assert.equal(one.status, "inconclusive");
  assert.match(one.text, /pairs seeds: needs at least 2 seeds/);
  // Without a plain ra-string, the correlation study's draws ra-string#n are pooled per seed.
  const pooled = h3Natural(metricsOf([...seeds("ra-string#0", 16, S7(0.55)), ...seeds("ra-string#1", 16, S7(0.65)), ...seeds("ra-synonym", 16, S7(0.9))]));
  assert.equal(pooled.status, "consistent");
  assert.ok(Math.abs((pooled.numbers["random accuracy"] as number) - 0.6) < 1e-12);
  assert.match(pooled.text, /ra-string#\* \(pooled draws\)/);
  assert.equal(pooled.runs.length, 3);
});

test("H3 chain: a decay over 5 orders just passes (1/120); 4 orders cannot reach 0.025 (1/24)", () => {
  const few = h3Chain(metricsOf([...cell("ra-chain-1", 16, 1, 90, 100), ...cell("ra-chain-2", 16, 1, 85, 100)]));
  assert.equal(few.status, "not-run");
  assert.deepEqual(few.missing, ["ra-chain-3", "ra-chain-4", "ra-chain-5"]);

  const eight = (v: number): number[] => [0, 1, -1, 2, -2, 1, 0, -1].map((d) => v + d * 0.01);
  const decay = h3Chain(metricsOf([0.95, 0.9, 0.85, 0.8, 0.75].flatMap((a, i) => seeds(`ra-chain-${i + 1}`, 16, eight(a)))));
  assert.equal(decay.status, "consistent", decay.text);
  assert.equal(decay.numbers["Spearman rho"], -1);
  assert.ok(Math.abs((decay.numbers["p decay (exact)"] as number) - 1 / 120) < 1e-12);

  const four = h3Chain(metricsOf([0.95, 0.9, 0.85, 0.8].flatMap((a, i) => seeds(`ra-chain-${i + 1}`, 16, eight(a)))));
  assert.equal(four.status, "inconclusive");
  assert.equal(at(cond(four, "decreasing-trend"), 0).status, "untestable");

  const flat = h3Chain(metricsOf([0.8, 0.82, 0.79, 0.81, 0.8].flatMap((a, i) => seeds(`ra-chain-${i + 1}`, 16, eight(a)))));
  assert.equal(flat.status, "inconclusive");
  assert.equal(at(cond(flat, "decreasing-trend"), 0).status, "fail");
  // decays, but the last orders fall to chance
  const toChance = h3Chain(metricsOf([0.9, 0.75, 0.6, 0.52, 0.5].flatMap((a, i) => seeds(`ra-chain-${i + 1}`, 16, eight(a)))));
  assert.equal(toChance.status, "inconclusive");
  assert.equal(cond(toChance, "above-chance").filter((c) => c.status === "pass").length, 3);
});

test("H3 correlation study: within-seed permutation test; not-run, consistent, contradicted, inconclusive, bins", () => {
  const none = h3Correlation(metricsOf(cell("ra-string", 16, 1, 60, 100)));
  assert.equal(none.status, "not-run");
  assert.match(at(none.missing!, 0), /ra-token#0\.\.49 and g-token#0\.\.49/);
  assert.match(none.text, /ra-string#0\.\.49 and g-string#0\.\.49/, "the string draws are named as the alternative");

  const gAcc = [50, 55, 60, 65, 70, 75, 80, 85, 90, 95];
  const pos = gAcc.flatMap((g, d) => [...cell(`g-string#${d}`, 16, 1, g, 100), ...cell(`ra-string#${d}`, 16, 1, Math.round(40 + g / 2 + (d % 2 ? 3 : -3)), 100)]);
  const v = h3Correlation(metricsOf(pos), { correlationDraws: 10 });
  assert.equal(v.status, "consistent", v.text);
  assert.ok((v.numbers["within-seed Pearson r"] as number) > 0.9);
  // r comes with the stratified bootstrap interval (stats/correlation.ts), Spearman's rho beside it.
  const num = (key: string) => v.numbers[key] as number;
  const [lo, r, hi] = [num("Pearson r CI low"), num("within-seed Pearson r"), num("Pearson r CI high")];
  assert.ok(lo <= r && r <= hi && hi <= 1 && lo > 0.5, `${lo} ${r} ${hi}`);
  assert.match(v.text, /within-seed Pearson r = \d\.\d\d \(95% CI \d\.\d\d to \d\.\d\d\), one-sided permutation p = [\d.]+; Spearman rho = /);
  assert.equal(typeof v.numbers["within-seed Spearman rho"], "number");
  assert.equal(v.missing, undefined);
  assert.equal(v.runs.length, 20);
  assert.deepEqual(
    v.bins!.map((b) => b.count),
    [0, 0, 2, 4, 4],
  );
  assert.ok(Math.abs(at(v.bins!, 2).meanRA - 0.665) < 1e-12);
  assert.match(v.text, /one-sided permutation/);

  const neg = gAcc.flatMap((g, d) => [...cell(`g-string#${d}`, 16, 1, g, 100), ...cell(`ra-string#${d}`, 16, 1, 150 - g, 100)]);
  assert.equal(h3Correlation(metricsOf(neg), { correlationDraws: 10 }).status, "contradicted");

  const three = gAcc.slice(0, 3).flatMap((g, d) => [...cell(`g-string#${d}`, 16, 1, g, 100), ...cell(`ra-string#${d}`, 16, 1, g, 100)]);
  const tv = h3Correlation(metricsOf(three));
  assert.equal(tv.status, "inconclusive");
  assert.match(tv.text, /only 3 random functions/);

  // Two seeds whose demo sets shift both accuracies, with no relation inside a seed: the pooled
  // correlation is a seed effect; the within-seed test does not call it a correlation.
  const shift = [0, 1, 2, 3].flatMap((d) => [
    ...cell(`g-string#${d}`, 16, 1, at([30, 34, 31, 33], d), 100),
    ...cell(`ra-string#${d}`, 16, 1, at([32, 30, 34, 31], d), 100),
    ...cell(`g-string#${d}`, 16, 2, at([80, 84, 81, 83], d), 100),
    ...cell(`ra-string#${d}`, 16, 2, at([82, 80, 84, 81], d), 100),
  ]);
  const sv = h3Correlation(metricsOf(shift), { correlationDraws: 4 });
  assert.equal(sv.numbers["functions g (draw x seed)"], 8);
  assert.equal(sv.numbers.seeds, 2);
  assert.notEqual(sv.status, "consistent");

  const noise = [60, 55, 70, 52, 65, 58, 61, 57].flatMap((g, d) => [...cell(`g-string#${d}`, 16, 1, g, 100), ...cell(`ra-string#${d}`, 16, 1, at([60, 58, 62, 63, 59, 64, 57, 61], d), 100)]);
  const iv = h3Correlation(metricsOf(noise));
  assert.equal(iv.status, "inconclusive");
  assert.match(iv.text, /Only 8 of the 50 planned draws/);
  assert.ok(iv.missing && /42 more draws/.test(at(iv.missing, 0)));

  // The paper's draws: each label -> a random single token, ra-token#n / g-token#n (sharing g).
  // With both families present, the one with more draws is used; the points are the verdict's.
  const tok = gAcc.flatMap((g, d) => [...cell(`g-token#${d}`, 16, 1, g, 100), ...cell(`ra-token#${d}`, 16, 1, Math.round(40 + g / 2 + (d % 2 ? 3 : -3)), 100)]);
  const tv2 = h3Correlation(metricsOf([...tok, ...three]), { correlationDraws: 10 });
  assert.equal(tv2.status, "consistent", tv2.text);
  assert.equal(tv2.numbers["tau_RA"], "ra-token");
  assert.match(tv2.text, /ra-token#n/);
  assert.equal(tv2.points!.length, 10);
  assert.deepEqual(tv2.points![2], { draw: 2, seed: 1, g: 0.6, ra: 0.67 });
  assert.ok(tv2.runs.every((r) => /^(ra|g)-token#/.test(r.variant)));
});

test("verdicts() returns all five, each with a status and runs or missing variants", () => {
  const vs = verdicts(metricsOf(cell("gold", 16, 1, 90, 100)));
  assert.deepEqual(
    vs.map((v) => v.id),
    ["H1", "H2", "H3-natural", "H3-chain", "H3-correlation"],
  );
  assert.ok(vs.every((v) => v.status === "not-run" && v.missing && v.missing.length > 0));
});
