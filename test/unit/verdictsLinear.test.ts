// H2's tau_g-Linear evidence (src/core/verdicts/h2Linear.ts) on synthetic runs: tau_g-ICL
// (g-token) against least squares on the same pairs (g-linear), paired by seed, and their
// correlation across functions g within seeds; and how it combines with the tau_PA test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregate, type BaselineInput } from "../../src/core/metrics";
import { h2, type Verdict } from "../../src/core/verdicts";
import { linearEvidence } from "../../src/core/verdicts/h2Linear";
import type { QueryRecord } from "../../src/core/types";
import { logreg, seeds } from "../support/synthRecords";
import { at } from "../support/at";

const metricsOf = (records: QueryRecord[], baselines?: BaselineInput[]) => aggregate(records, { baselines });
const cond = (v: { conditions: Verdict["conditions"] }, id: string) => v.conditions.filter((c) => c.id === id);
// 7 seeds (smallest sign-flip p 1/128), chance 0.5.
const S7 = (v: number, spread = 0.01): number[] => [0, 1, -1, 2, -2, 1, -1].map((d) => v + d * spread);

test("tau_g-ICL significantly below tau_g-Linear while gold is learnt: evidence against H2 (just passes)", () => {
  const recs = [...seeds("gold", 8, S7(0.9)), ...seeds("g-token", 8, S7(0.55)), ...seeds("g-linear", 8, S7(0.95, 0.005))];
  const v = h2(metricsOf(recs));
  assert.equal(v.status, "contradicted", v.text);
  assert.match(v.text, /^tau_g-Linear: On the same single-token pairs, least squares/);
  assert.match(v.text, /contradicts H2/);
  assert.match(v.text, /No tau_PA run/);
  assert.deepEqual(v.missing, ["pa-word", "pa-token"]);
  assert.deepEqual(
    v.conditions.map((c) => `${c.id}:${c.status}`),
    ["gold-above-chance:pass", "linear-above-chance:pass", "icl-below-linear:pass", "tau-g-correlation:untestable"],
  );
  assert.match(at(cond(v, "icl-below-linear"), 0).detail, /tau_g-ICL minus tau_g-Linear -0\.40 .*exact sign-flip test over 7 seeds/);
  assert.match(at(cond(v, "tau-g-correlation"), 0).reason!, /one function g per seed: a within-seed correlation needs several draws of g per seed/);
  // Two seeds of seven where ICL matches least squares: p = 4/128 > 0.025, the paired test just fails.
  const reversed = [...seeds("gold", 8, S7(0.9)), ...seeds("g-token", 8, [0.55, 0.55, 0.55, 0.55, 0.55, 0.99, 0.99]), ...seeds("g-linear", 8, S7(0.95, 0))];
  const r = h2(metricsOf(reversed));
  assert.equal(r.status, "inconclusive", r.text);
  assert.equal(at(cond(r, "icl-below-linear"), 0).status, "fail");
});

test("guards: no gold run, gold at chance, least squares at chance, or one seed never give a contradiction", () => {
  const noGold = h2(metricsOf([...seeds("g-token", 8, S7(0.55)), ...seeds("g-linear", 8, S7(0.95, 0.005))]));
  assert.equal(noGold.status, "inconclusive");
  assert.equal(at(cond(noGold, "gold-above-chance"), 0).status, "untestable");
  const goldChance = h2(metricsOf([...seeds("gold", 8, S7(0.5)), ...seeds("g-token", 8, S7(0.45)), ...seeds("g-linear", 8, S7(0.95, 0.005))]));
  assert.equal(goldChance.status, "inconclusive");
  assert.equal(at(cond(goldChance, "gold-above-chance"), 0).status, "fail");
  const linChance = h2(metricsOf([...seeds("gold", 8, S7(0.9)), ...seeds("g-token", 8, S7(0.3)), ...seeds("g-linear", 8, S7(0.5))]));
  assert.equal(linChance.status, "inconclusive");
  assert.equal(at(cond(linChance, "linear-above-chance"), 0).status, "fail");
  const one = h2(metricsOf([...seeds("gold", 8, [0.9]), ...seeds("g-token", 8, [0.5]), ...seeds("g-linear", 8, [1])]));
  assert.equal(one.status, "inconclusive");
  assert.match(at(cond(one, "icl-below-linear"), 0).reason!, /1 seed: the comparison pairs seeds and needs at least 2/);
});

/** Draws g-token#n / g-linear#n over 7 seeds: accuracies vary with the draw; ICL = Linear + shift(seed). */
function drawRuns(shift: (seed: number) => number, draws = 5): QueryRecord[] {
  const out: QueryRecord[] = [];
  for (let d = 0; d < draws; d++) {
    const lin = S7(0.6 + 0.06 * d);
    out.push(
      ...seeds(`g-linear#${d}`, 8, lin),
      ...seeds(
        `g-token#${d}`,
        8,
        lin.map((a, i) => a + shift(i + 1)),
      ),
    );
  }
  return out;
}

test("ICL keeps up with least squares and correlates with it across g: evidence for H2", () => {
  const recs = [...seeds("gold", 8, S7(0.9)), ...drawRuns((seed) => (seed % 2 ? 0.02 : -0.02))];
  const e = linearEvidence(metricsOf(recs));
  assert.equal(e.status, "consistent", e.text);
  assert.match(e.text, /consistent with H2/);
  assert.match(e.text, /g-token#\* \(5 draws\) at k = 8/);
  const c = at(cond(e, "tau-g-correlation"), 0);
  assert.equal(c.status, "pass");
  // Every seed's points lie on one increasing line: every resample gives r = 1, a zero-width interval.
  assert.match(c.detail, /within-seed Pearson r = 1\.00 \(95% CI 1\.00 to 1\.00\), one-sided permutation p = 0\.00010; Spearman rho = 1\.00 \(95% CI 1\.00 to 1\.00\), p = 0\.00010/);
  assert.ok(Math.abs((e.numbers["tau_g Pearson r CI low"] as number) - 1) < 1e-12);
  assert.match(c.detail, /intervals: stratified bootstrap over g within seeds/);
  assert.equal(at(cond(e, "icl-not-below-linear"), 0).status, "pass");
  assert.equal(e.numbers["tau_g functions g (draw x seed)"], 35);
  // The same draws with ICL's accuracy unrelated to least squares' across g: no correlation, inconclusive.
  const flat: QueryRecord[] = [...seeds("gold", 8, S7(0.9))];
  for (let d = 0; d < 5; d++) flat.push(...seeds(`g-linear#${d}`, 8, S7(0.6 + 0.06 * d)), ...seeds(`g-token#${d}`, 8, S7(0.6 + 0.06 * at([3, 0, 2, 4, 1], d))));
  const f = linearEvidence(metricsOf(flat));
  assert.equal(f.status, "inconclusive", f.text);
  assert.equal(at(cond(f, "tau-g-correlation"), 0).status, "fail");
});

test("least squares that interpolates every g (accuracy 1.00 for all) leaves the correlation untestable, and says why", () => {
  const recs: QueryRecord[] = [...seeds("gold", 8, S7(0.9))];
  for (let d = 0; d < 5; d++) recs.push(...seeds(`g-linear#${d}`, 8, S7(1, 0)), ...seeds(`g-token#${d}`, 8, S7(0.5 + 0.05 * d)));
  const e = linearEvidence(metricsOf(recs));
  const c = at(cond(e, "tau-g-correlation"), 0);
  assert.equal(c.status, "untestable");
  assert.match(c.reason!, /does not vary across g within a seed \(least squares often interpolates/);
  assert.equal(e.status, "contradicted", "ICL is still significantly below least squares");
});

test("combined with tau_PA: agreement keeps the status, disagreement is inconclusive, both listed", () => {
  const pa = (paAcc: number, _paLR: number) => [...seeds("pa-word", 8, S7(paAcc))];
  const bl = (paLR: number) => [...logreg("gold", 8, S7(0.85, 0.005)), ...logreg("pa-word", 8, S7(paLR, 0.005))];
  const gAgainst = [...seeds("g-token", 8, S7(0.55)), ...seeds("g-linear", 8, S7(0.95, 0.005))];
  const gold = seeds("gold", 8, S7(0.9));
  // tau_PA below logistic regression (contradicted) and tau_g-ICL below least squares (contradicted).
  const both = h2(metricsOf([...gold, ...pa(0.55, 0.85), ...gAgainst], bl(0.85)));
  assert.equal(both.status, "contradicted", both.text);
  assert.match(both.text, /^tau_PA: .* tau_g-Linear: /);
  assert.ok(cond(both, "icl-below-linear").length === 1 && cond(both, "not-below-logreg").length === 2);
  // tau_PA learnt (consistent) but tau_g-ICL below least squares (contradicted): they disagree.
  const split = h2(metricsOf([...gold, ...pa(0.85, 0.85), ...gAgainst], bl(0.85)));
  assert.equal(split.status, "inconclusive");
  assert.match(split.text, /The two tests of H2 disagree \(tau_PA: consistent, tau_g-Linear: contradicted\)/);
  // Only tau_PA: its verdict, with tau_g-Linear listed as missing.
  const onlyPa = h2(metricsOf([...gold, ...pa(0.55, 0.85)], bl(0.85)));
  assert.equal(onlyPa.status, "contradicted");
  assert.deepEqual(onlyPa.missing, ["g-token and g-linear (tau_g-Linear, at the same k > 0)"]);
  // Neither: not run, naming both tests.
  const none = h2(metricsOf(gold));
  assert.equal(none.status, "not-run");
  assert.deepEqual(none.missing, ["pa-word", "pa-token", "g-token", "g-linear"]);
  assert.match(none.text, /no tau_PA run .* and no tau_g-ICL \/ tau_g-Linear pair/);
});
