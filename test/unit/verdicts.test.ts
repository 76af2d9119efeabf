// Hypothesis verdicts on synthetic runs: every status of every verdict.
import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregate, type BaselineInput } from "../../src/core/metrics";
import { verdicts, h1, h2, h3Natural, h3Chain, h3Correlation, splitVariantKey } from "../../src/core/verdicts";
import type { QueryRecord } from "../../src/core/types";

/** n records of a 2-label task (chance .5) with `correct` right answers. */
function run(variant: string, k: number, correct: number, n: number, seed = 1): QueryRecord[] {
  const out: QueryRecord[] = [];
  for (let i = 0; i < n; i++) {
    const gold = i % 2 ? "A" : "B";
    const predicted = i < correct ? gold : gold === "A" ? "B" : "A";
    out.push({
      variant, k, seed, queryIndex: i, demoIndices: [], input: "q", gold, predicted, goldRank: predicted === gold ? 1 : 2,
      labels: ["A", "B"].map((l) => ({ label: l, logProb: l === predicted ? -0.1 : -2, meanLogProb: 0, firstTokenLogProb: 0, tokens: 1, prob: l === predicted ? 0.9 : 0.1 })),
    });
  }
  return out;
}
const metricsOf = (records: QueryRecord[], baselines?: BaselineInput[]) => aggregate(records, { queryBootstrapResamples: 0, baselines });

test("variant keys with draws", () => {
  assert.deepEqual(splitVariantKey("ra-string#12"), { id: "ra-string", draw: 12 });
  assert.deepEqual(splitVariantKey("gold"), { id: "gold" });
});

test("H1: not-run, contradicted, consistent, inconclusive, and Bonferroni", () => {
  const none = h1(metricsOf(run("gold", 16, 90, 100)));
  assert.equal(none.status, "not-run");
  assert.deepEqual(none.missing, ["ra-string", "ra-token"]);
  assert.match(none.text, /Add the variants ra-string, ra-token/);

  const c = h1(metricsOf([...run("ra-string", 4, 30, 50), ...run("ra-string", 16, 80, 100), ...run("ra-string", 0, 50, 100)]));
  assert.equal(c.status, "contradicted");
  assert.match(c.text, /contradicts H1/);
  assert.match(c.text, /Bonferroni-corrected over the 2 tau_RA runs/, "k = 0 is not tested");
  assert.equal(c.numbers["best run"], "ra-string at k = 16");
  assert.deepEqual(c.runs, [{ variant: "ra-string", k: 4 }, { variant: "ra-string", k: 16 }]);

  // 250/500: Wilson upper ~ .544 < .5 + .1 -> near chance
  const ok = h1(metricsOf(run("ra-string", 16, 250, 500)));
  assert.equal(ok.status, "consistent");
  assert.match(ok.text, /consistent with H1/);

  // 6/10: not significant, but the interval reaches ~.83
  const inc = h1(metricsOf(run("ra-token", 16, 6, 10)));
  assert.equal(inc.status, "inconclusive");
  assert.match(inc.text, /inconclusive at this sample size/);

  // 60/100: P(X >= 60) = .0284 < .05 alone, but not below .05/2 with a second run tested.
  assert.equal(h1(metricsOf(run("ra-string", 16, 60, 100))).status, "contradicted");
  const two = h1(metricsOf([...run("ra-string", 16, 60, 100), ...run("ra-string", 8, 50, 100)]));
  assert.notEqual(two.status, "contradicted");
  assert.equal(two.numbers["Bonferroni threshold"], 0.025);
});

test("H2: not-run, no baselines, contradicted, consistent, inconclusive", () => {
  assert.equal(h2(metricsOf(run("gold", 8, 90, 100))).status, "not-run");
  const noBase = h2(metricsOf(run("pa-word", 16, 52, 100)));
  assert.equal(noBase.status, "inconclusive");
  assert.match(noBase.text, /no logistic-regression baseline/);

  const lr = (variant: string, k: number, logregCorrect: number, n = 100): BaselineInput => ({ variant, k, seed: 1, n, majorityCorrect: n / 2, logregCorrect });
  const c = h2(metricsOf(run("pa-word", 16, 52, 100), [lr("pa-word", 16, 85)]));
  assert.equal(c.status, "contradicted");
  assert.match(c.text, /contradicts H2/);
  assert.equal(c.numbers["logreg accuracy"], 0.85);
  assert.equal(c.numbers["ICL accuracy"], 0.52);

  const learns = h2(metricsOf(run("pa-token", 16, 80, 100), [lr("pa-token", 16, 85)]));
  assert.equal(learns.status, "consistent");
  assert.match(learns.text, /consistent with H2/);

  // logistic regression does not learn either
  const flat = h2(metricsOf(run("pa-word", 16, 52, 100), [lr("pa-word", 16, 55)]));
  assert.equal(flat.status, "inconclusive");
  assert.match(flat.text, /not learnable by the reference learner/);

  // LR learns (66/100, p = .0009) and ICL (56/100, p = .14) is not above chance, but the gap is
  // not significant: pooled .61, se = sqrt(.61 * .39 * .02) = .06898, z = .10/.06898 = 1.45, p = .074
  const close = h2(metricsOf(run("pa-word", 16, 56, 100), [lr("pa-word", 16, 66)]));
  assert.equal(close.status, "inconclusive");
  assert.match(close.text, /not significantly below/);
  assert.ok(Math.abs((close.numbers["p ICL < logreg"] as number) - 0.0735) < 0.002);
});

test("H3 natural vs random: not-run, consistent, contradicted, inconclusive", () => {
  const nr = h3Natural(metricsOf(run("ra-string", 16, 60, 100)));
  assert.equal(nr.status, "not-run");
  assert.deepEqual(nr.missing, ["ra-synonym", "ra-antonym", "ra-keyword"]);
  const noK = h3Natural(metricsOf([...run("ra-string", 8, 60, 100), ...run("ra-synonym", 16, 90, 100)]));
  assert.equal(noK.status, "not-run");
  assert.match(noK.text, /share no k/);

  const ok = h3Natural(metricsOf([...run("ra-string", 16, 60, 100), ...run("ra-synonym", 16, 90, 100)]));
  assert.equal(ok.status, "consistent");
  assert.match(ok.text, /consistent with H3/);
  assert.deepEqual(ok.missing, ["ra-antonym", "ra-keyword"]);
  // z for .9 vs .6: pooled .75, se = sqrt(.75*.25*.02) = .061237, z = .3/.061237 = 4.899
  assert.ok(Math.abs((ok.numbers.z as number) - 4.898979) < 1e-5);

  const bad = h3Natural(metricsOf([...run("ra-string", 16, 80, 100), ...run("ra-antonym", 16, 40, 100)]));
  assert.equal(bad.status, "contradicted");
  const inc = h3Natural(metricsOf([...run("ra-string", 16, 60, 100), ...run("ra-keyword", 16, 62, 100)]));
  assert.equal(inc.status, "inconclusive");
  // Without a plain ra-string, the correlation study's draws ra-string#n are pooled per k:
  // 55 + 65 of 200 = .60 against the synonym's .90.
  const pooled = h3Natural(metricsOf([...run("ra-string#0", 16, 55, 100), ...run("ra-string#1", 16, 65, 100), ...run("ra-synonym", 16, 90, 100)]));
  assert.equal(pooled.status, "consistent");
  assert.equal(pooled.numbers["random accuracy"], 0.6);
  assert.match(pooled.text, /ra-string#\* \(pooled draws\)/);
  assert.equal(pooled.runs.length, 3);
});

test("H3 chain: not-run, consistent decay, inconclusive flat", () => {
  const few = h3Chain(metricsOf([...run("ra-chain-1", 16, 90, 100), ...run("ra-chain-2", 16, 85, 100)]));
  assert.equal(few.status, "not-run");
  assert.deepEqual(few.missing, ["ra-chain-3", "ra-chain-4", "ra-chain-5"]);

  const decay = h3Chain(metricsOf([95, 90, 85, 80, 75].flatMap((c, i) => run(`ra-chain-${i + 1}`, 16, c, 100))));
  assert.equal(decay.status, "consistent");
  assert.equal(decay.numbers["Spearman rho"], -1);
  // perfectly decreasing over 5 orders: exact p = 1/5! = 1/120
  assert.ok(Math.abs((decay.numbers["p decay (exact)"] as number) - 1 / 120) < 1e-12);

  const flat = h3Chain(metricsOf([80, 82, 79, 81, 80].flatMap((c, i) => run(`ra-chain-${i + 1}`, 16, c, 100))));
  assert.equal(flat.status, "inconclusive");
  assert.match(flat.text, /decrease is not significant/);

  // decays, but the last orders fall to chance
  const toChance = h3Chain(metricsOf([90, 75, 60, 52, 50].flatMap((c, i) => run(`ra-chain-${i + 1}`, 16, c, 100))));
  assert.equal(toChance.status, "inconclusive");
  // 60/100 has p = .028, above the Bonferroni threshold .05/5 = .01
  assert.match(toChance.text, /only 2 of 5 orders/);
});

test("H3 correlation study: not-run, consistent, contradicted, inconclusive, bins", () => {
  const none = h3Correlation(metricsOf(run("ra-string", 16, 60, 100)));
  assert.equal(none.status, "not-run");
  assert.match(none.missing![0], /ra-string#0\.\.49 and g-string#0\.\.49/);

  // 10 draws: tau_g accuracy .50 .. .95 and tau_RA rising with it
  const gAcc = [50, 55, 60, 65, 70, 75, 80, 85, 90, 95];
  const pos = gAcc.flatMap((g, d) => [...run(`g-string#${d}`, 16, g, 100), ...run(`ra-string#${d}`, 16, Math.round(40 + g / 2 + (d % 2 ? 3 : -3)), 100)]);
  const v = h3Correlation(metricsOf(pos), { correlationDraws: 10 });
  assert.equal(v.status, "consistent");
  assert.ok((v.numbers["Pearson r"] as number) > 0.9);
  assert.equal(v.missing, undefined);
  assert.equal(v.runs.length, 20);
  // bins of width .2: [.4,.6) holds .50,.55 ; [.6,.8) .60-.75 ; [.8,1] .80-.95
  assert.deepEqual(v.bins!.map((b) => b.count), [0, 0, 2, 4, 4]);
  // tau_RA for g=.50 (d=0): 40+25-3 = 62 ; g=.55 (d=1): 40+27.5+3 = 70.5 -> 71 (Math.round) ; mean .665
  assert.ok(Math.abs(v.bins![2].meanRA - 0.665) < 1e-12);
  assert.match(v.text, /Pearson r = .* Spearman rho = /);

  const neg = gAcc.flatMap((g, d) => [...run(`g-string#${d}`, 16, g, 100), ...run(`ra-string#${d}`, 16, 150 - g, 100)]);
  const nv = h3Correlation(metricsOf(neg), { correlationDraws: 10 });
  assert.equal(nv.status, "contradicted");

  const three = gAcc.slice(0, 3).flatMap((g, d) => [...run(`g-string#${d}`, 16, g, 100), ...run(`ra-string#${d}`, 16, g, 100)]);
  const tv = h3Correlation(metricsOf(three));
  assert.equal(tv.status, "inconclusive");
  assert.match(tv.text, /only 3 random functions/);

  // Two seeds: each seed has its own g, so 4 draws x 2 seeds = 8 points; pairing is per seed.
  // Seed 1 rises with g, seed 2 too; pooling over seeds first would average the two g away.
  const seeds = [50, 60, 70, 80].flatMap((g, d) => [
    ...run(`g-string#${d}`, 16, g, 100, 1), ...run(`ra-string#${d}`, 16, g - 5, 100, 1),
    ...run(`g-string#${d}`, 16, 130 - g, 100, 2), ...run(`ra-string#${d}`, 16, 125 - g, 100, 2),
  ]);
  const sv = h3Correlation(metricsOf(seeds), { correlationDraws: 4 });
  assert.equal(sv.numbers["functions g (draw x seed)"], 8);
  assert.equal(sv.numbers["draws of g"], 4);
  // ra = g - .05 exactly for every point -> r = 1
  assert.ok(Math.abs((sv.numbers["Pearson r"] as number) - 1) < 1e-12);
  assert.equal(sv.status, "consistent");

  // weak correlation (r = -0.12 by numpy.corrcoef): the interval spans 0; also says draws are
  // missing against the default 50
  const noise = [60, 55, 70, 52, 65, 58, 61, 57].flatMap((g, d) => [...run(`g-string#${d}`, 16, g, 100), ...run(`ra-string#${d}`, 16, [60, 58, 62, 63, 59, 64, 57, 61][d], 100)]);
  const iv = h3Correlation(metricsOf(noise));
  assert.equal(iv.status, "inconclusive");
  assert.match(iv.text, /Only 8 of the 50 planned draws/);
  assert.ok(iv.missing && /42 more draws/.test(iv.missing[0]));
});

test("verdicts() returns all five, each with a status and runs or missing variants", () => {
  const vs = verdicts(metricsOf(run("gold", 16, 90, 100)));
  assert.deepEqual(vs.map((v) => v.id), ["H1", "H2", "H3-natural", "H3-chain", "H3-correlation"]);
  assert.ok(vs.every((v) => v.status === "not-run" && v.missing && v.missing.length > 0));
});
