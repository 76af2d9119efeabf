// Correlations and the bootstrap, against hand computations and a textbook example.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pearson, spearman, averageRanks, spearmanExactPValue, bootstrapMeanInterval, bootstrapInterval, bootstrapCountsInterval, quantileSorted, macroF1FromCounts } from "../../src/core/stats";

const close = (actual: number, expected: number, tol: number, what = ""): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected} +/- ${tol}, got ${actual}`);

test("Pearson r with Fisher-z interval: hand computation", () => {
  // x = 1..5, y = 2,4,5,4,5. means 3 and 4; dx = -2,-1,0,1,2; dy = -2,0,1,0,1
  // Sxy = 4+0+0+0+2 = 6, Sxx = 10, Syy = 6  ->  r = 6 / sqrt(60) = 0.7745967
  // z = atanh(r) = 0.5 ln(1.7745967/0.2254033) = 1.0317185; se = 1/sqrt(5-3) = 0.7071068
  // half = 1.959964 * 0.7071068 = 1.385904 -> [tanh(-0.354186), tanh(2.417622)]
  // tanh(-0.354186) by its series x - x^3/3 + 2x^5/15 - 17x^7/315 = -0.340080
  // t = r sqrt(3/(1-0.6)) = 2.121320, df 3 -> two-sided p = 0.12402
  const r = pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
  close(r.value, 0.7745967, 1e-7, "r");
  close(r.interval!.lo, -0.34008, 1e-5, "lo");
  close(r.interval!.lo, Math.tanh(1.0317185 - 1.385904), 2e-6, "lo");
  close(r.interval!.hi, Math.tanh(1.0317185 + 1.385904), 2e-6, "hi");
  close(r.pValue, 0.12402, 1e-4, "p");
  assert.equal(r.interval!.method, "fisher-z");
  assert.ok(Number.isNaN(pearson([1, 2, 3], [5, 5, 5]).value), "constant series -> NaN");
  assert.equal(pearson([1, 2, 3], [1, 2, 4]).interval, undefined, "n < 4 has no interval");
  assert.throws(() => pearson([1, 2], [1]), /differ in length/);
});

test("average ranks for ties", () => {
  assert.deepEqual(averageRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]);
  assert.deepEqual(averageRanks([3, 1, 3, 3]), [3, 1, 3, 3]);
});

test("Spearman rho with ties and the 1.06/(n-3) Fisher interval: hand computation", () => {
  // ranks x = 1..5; y = 2,4,5,4,5 -> ranks 1, 2.5, 4.5, 2.5, 4.5 (mean 3)
  // d = -2,-.5,1.5,-.5,1.5; Sxd = 4+.5+0-.5+3 = 7; Sdd = 4+.25+2.25+.25+2.25 = 9; Sxx = 10
  // rho = 7 / sqrt(90) = 0.7378648
  // z = atanh(.7378648) = 0.945776; se = sqrt(1.06/2) = 0.728011; half = 1.959964*0.728011 = 1.426876
  // -> [tanh(-0.481100), tanh(2.372652)] = [-0.447215, 0.982783]
  const s = spearman([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
  close(s.value, 7 / Math.sqrt(90), 1e-12, "rho");
  close(s.interval!.lo, Math.tanh(-0.4811), 2e-5, "lo");
  close(s.interval!.hi, Math.tanh(2.372652), 2e-5, "hi");
  assert.equal(s.interval!.method, "fisher-z-spearman");
});

test("Spearman textbook example (Wikipedia: IQ vs hours of TV) gives -29/165", () => {
  const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
  const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
  close(spearman(iq, tv).value, -29 / 165, 1e-12, "rho");
});

test("exact Spearman permutation p-values", () => {
  // A perfectly decreasing series of 5 is 1 of 5! = 120 orderings.
  close(spearmanExactPValue([1, 2, 3, 4, 5], [0.9, 0.8, 0.7, 0.6, 0.5], "less"), 1 / 120, 1e-12);
  close(spearmanExactPValue([1, 2, 3, 4], [4, 3, 2, 1], "less"), 1 / 24, 1e-12);
  assert.equal(spearmanExactPValue([1, 2, 3, 4], [4, 3, 2, 1], "greater"), 1);
  // rho = 0.8 for n=4 (one swap at the top): orderings with rho >= .8 are identity (1.0) and
  // three adjacent swaps (0.8 each) -> 4/24
  close(spearmanExactPValue([1, 2, 3, 4], [1, 2, 4, 3], "greater"), 4 / 24, 1e-12);
  assert.throws(() => spearmanExactPValue([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9], "less"), /2\.\.8/);
});

test("percentile bootstrap: deterministic, degenerate and two-point cases", () => {
  const a = bootstrapMeanInterval([0.5, 0.6, 0.7, 0.55, 0.65], { seed: 7 });
  const b = bootstrapMeanInterval([0.5, 0.6, 0.7, 0.55, 0.65], { seed: 7 });
  assert.deepEqual(a, b, "same seed, same interval");
  assert.ok(a.lo >= 0.5 && a.hi <= 0.7 && a.lo < 0.6 && a.hi > 0.6, JSON.stringify(a));
  // Discrete resample means often give the same percentiles, so compare the draws themselves.
  const draws = (seed: number): string => {
    const seen: string[] = [];
    bootstrapInterval(5, (idx) => (seen.push(idx.join("")), 0), { resamples: 20, seed });
    return seen.join("|");
  };
  assert.equal(draws(7), draws(7));
  assert.notEqual(draws(7), draws(8), "a different seed resamples differently");
  assert.deepEqual([bootstrapMeanInterval([0.3, 0.3, 0.3]).lo, bootstrapMeanInterval([0.3, 0.3, 0.3]).hi], [0.3, 0.3]);
  assert.deepEqual([bootstrapMeanInterval([0.42]).lo, bootstrapMeanInterval([0.42]).hi], [0.42, 0.42]);
  // Two units 0 and 1: resample means are 0, .5, 1 with probabilities 1/4, 1/2, 1/4, so the
  // 2.5% and 97.5% percentiles are 0 and 1.
  const t = bootstrapMeanInterval([0, 1], { resamples: 4000, seed: 1 });
  assert.deepEqual([t.lo, t.hi], [0, 1]);
  // and the share of resamples with mean .5 is near 1/2
  let half = 0;
  bootstrapInterval(2, (idx) => {
    const m = (idx[0] + idx[1]) / 2;
    if (m === 0.5) half++;
    return m;
  }, { resamples: 4000, seed: 1 });
  close(half / 4000, 0.5, 0.03, "two-point resampling");
  close(quantileSorted([1, 2, 3, 4], 0.5), 2.5, 1e-12);
  assert.throws(() => bootstrapMeanInterval([]), /no values/);
});

test("count-table bootstrap: resampled counts sum to n, two-cell proportions", () => {
  // 10 units, 3 in cell 1: the resampled share of cell 1 has mean .3 and sd sqrt(.21/10) = .145,
  // so its 95% percentile interval is roughly .3 +/- .28 (discrete steps of .1).
  const cells = Int32Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  let sumsOk = true;
  const iv = bootstrapCountsInterval(cells, 2, (c) => {
    if (c[0] + c[1] !== 10) sumsOk = false;
    return c[1] / 10;
  }, { resamples: 2000, seed: 3 });
  assert.ok(sumsOk);
  assert.ok(iv.lo >= 0 && iv.lo <= 0.1 && iv.hi >= 0.5 && iv.hi <= 0.7, JSON.stringify(iv));
  assert.deepEqual(iv, bootstrapCountsInterval(cells, 2, (c) => c[1] / 10, { resamples: 2000, seed: 3 }));
  // flat 2x2 table [[2,1],[0,1]]: class 0 F1 = 4/5, class 1 F1 = 2/3
  close(macroF1FromCounts([2, 1, 0, 1], 2), (0.8 + 2 / 3) / 2, 1e-12);
});

test("Pearson and Spearman agree with scipy.stats on a tied sample", () => {
  // scipy 1.17.1: pearsonr(x, y) -> r .10492284287735881, p .7729913615627264,
  // confidence_interval() (Fisher z) -> (-0.561818407022287, 0.6890302986922733); spearmanr -> .13471506281091267
  const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
  const y = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8];
  const r = pearson(x, y);
  close(r.value, 0.10492284287735881, 1e-14, "r");
  close(r.pValue, 0.7729913615627264, 1e-12, "p");
  close(r.interval!.lo, -0.561818407022287, 1e-12, "lo");
  close(r.interval!.hi, 0.6890302986922733, 1e-12, "hi");
  close(spearman(x, y).value, 0.13471506281091267, 1e-14, "rho");
});
