// Correlations and their randomization tests, against hand computations, scipy and a textbook example.
import { test } from "node:test";
import assert from "node:assert/strict";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { pearsonR, spearmanRho, averageRanks, spearmanExactPValue, stratifiedPermutationCorrelation, macroF1FromCounts } from "../../src/core/stats";
import { ranksWithinStrata, stratifiedBootstrapInterval, withinSeedCorrelation, withinStrataR } from "../../src/core/stats";
import { at } from "../support/at";

const close = (actual: number, expected: number, tol: number, what = ""): void => assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected} +/- ${tol}, got ${actual}`);

test("Pearson r: hand computation", () => {
  // x = 1..5, y = 2,4,5,4,5. means 3 and 4; dx = -2,-1,0,1,2; dy = -2,0,1,0,1
  // Sxy = 4+0+0+0+2 = 6, Sxx = 10, Syy = 6  ->  r = 6 / sqrt(60) = 0.7745967
  close(pearsonR([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 0.7745967, 1e-7, "r");
  assert.ok(Number.isNaN(pearsonR([1, 2, 3], [5, 5, 5])), "constant series -> NaN");
  assert.throws(() => pearsonR([1, 2], [1]), /differ in length/);
});

test("average ranks for ties", () => {
  assert.deepEqual(averageRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]);
  assert.deepEqual(averageRanks([3, 1, 3, 3]), [3, 1, 3, 3]);
});

test("Spearman rho with ties: hand computation", () => {
  // ranks x = 1..5; y = 2,4,5,4,5 -> ranks 1, 2.5, 4.5, 2.5, 4.5 (mean 3)
  // d = -2,-.5,1.5,-.5,1.5; Sxd = 4+.5+0-.5+3 = 7; Sdd = 4+.25+2.25+.25+2.25 = 9; Sxx = 10
  close(spearmanRho([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 7 / Math.sqrt(90), 1e-12, "rho");
});

test("Spearman textbook example (Wikipedia: IQ vs hours of TV) gives -29/165", () => {
  const iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
  const tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
  close(spearmanRho(iq, tv), -29 / 165, 1e-12, "rho");
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

test("flat count table macro-F1", () => {
  // flat 2x2 table [[2,1],[0,1]]: class 0 F1 = 4/5, class 1 F1 = 2/3
  close(macroF1FromCounts([2, 1, 0, 1], 2), (0.8 + 2 / 3) / 2, 1e-12);
});

test("Pearson and Spearman agree with scipy.stats on a tied sample", () => {
  // scipy 1.17.1: pearsonr(x, y) -> r .10492284287735881; spearmanr -> .13471506281091267
  const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
  const y = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8];
  close(pearsonR(x, y), 0.10492284287735881, 1e-14, "r");
  close(spearmanRho(x, y), 0.13471506281091267, 1e-14, "rho");
});

test("stratified permutation correlation: a seed effect is not a correlation; a within-seed one is", () => {
  // Three seeds whose demo sets shift both accuracies (0.2, 0.5, 0.8) with no relation inside a seed:
  // pooled Pearson r is large, the within-seed r is near 0 and not significant.
  const strata: number[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const noise = [0.03, -0.02, 0.01, -0.04, 0.02, 0.0, -0.01, 0.04];
  const noise2 = [-0.01, 0.03, -0.03, 0.02, 0.0, -0.02, 0.04, -0.01];
  [0.2, 0.5, 0.8].forEach((shift, s) => {
    for (let i = 0; i < 8; i++) {
      strata.push(s);
      x.push(shift + at(noise, i));
      y.push(shift + at(noise2, (i + 3 * s) % 8));
    }
  });
  assert.ok(pearsonR(x, y) > 0.9, "pooled r is dominated by the seed effect");
  const confounded = stratifiedPermutationCorrelation(x, y, strata, { draws: 1999 });
  assert.ok(confounded.r < 0.5, `within-seed r ${confounded.r}`);
  assert.ok(confounded.pGreater > 0.05, `p ${confounded.pGreater}`);
  assert.equal(confounded.strata, 3);
  // A real relation inside every seed: y = x + small noise.
  const y2 = x.map((v, i) => v + at(noise2, i % 8) / 4);
  const real = stratifiedPermutationCorrelation(x, y2, strata, { draws: 1999 });
  assert.ok(real.r > 0.8 && real.pGreater < 0.001, JSON.stringify(real));
  assert.equal(real.pGreater, 1 / 2000, "no permutation beats the observed ordering");
  assert.ok(real.pLess > 0.99);
  // Deterministic; one point per seed leaves nothing to correlate.
  assert.deepEqual(stratifiedPermutationCorrelation(x, y2, strata, { draws: 99 }), stratifiedPermutationCorrelation(x, y2, strata, { draws: 99 }));
  const flat = stratifiedPermutationCorrelation([0.1, 0.5, 0.9], [0.2, 0.6, 0.7], [1, 2, 3]);
  assert.ok(Number.isNaN(flat.r));
  assert.equal(flat.pGreater, 1);
});

test("within-strata r is Pearson r of the stratum-centred values; ranks are taken within each stratum", () => {
  const x = [0.1, 0.3, 0.2, 0.7, 0.9, 0.8];
  const y = [0.2, 0.5, 0.1, 0.6, 0.9, 0.95];
  const strata = [1, 1, 1, 2, 2, 2];
  const centred = (v: number[]) => v.map((a, i) => a - (i < 3 ? (at(v, 0) + at(v, 1) + at(v, 2)) / 3 : (at(v, 3) + at(v, 4) + at(v, 5)) / 3));
  close(withinStrataR(x, y, strata), pearsonR(centred(x), centred(y)), 1e-12, "within r");
  close(withinStrataR(x, y, [0, 0, 0, 0, 0, 0]), pearsonR(x, y), 1e-12, "one stratum: plain r");
  assert.equal(withinStrataR(x, y, strata), stratifiedPermutationCorrelation(x, y, strata, { draws: 9 }).r);
  assert.deepEqual(ranksWithinStrata([0.3, 0.1, 0.3, 5, 4, 6], strata), [2.5, 1, 2.5, 2, 1, 3]);
  assert.ok(Number.isNaN(withinStrataR([0.1, 0.5, 0.9], [0.2, 0.6, 0.7], [1, 2, 3])), "one point per stratum: nothing varies");
});

/** Standard normal pairs with correlation rho (Box-Muller on a seeded stream). */
function normalPairs(n: number, rho: number, seed: number): { x: number[]; y: number[] } {
  const rng = xoroshiro128plus(seed);
  const u = () => (rng.next() >>> 0) / 4294967296 + 1 / 8589934592;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    const a = r * Math.cos(t);
    const b = r * Math.sin(t);
    x.push(a);
    y.push(rho * a + Math.sqrt(1 - rho * rho) * b);
  }
  return { x, y };
}

test("stratified bootstrap interval for a within-seed r: deterministic, around r, about 95% coverage", () => {
  // 3 seeds x 20 functions g; each seed shifts both accuracies (a seed effect the centring removes).
  const strata = Array.from({ length: 60 }, (_, i) => Math.floor(i / 20));
  const one = normalPairs(60, 0.5, 7);
  const x = one.x.map((v, i) => v + 3 * at(strata, i));
  const y = one.y.map((v, i) => v - 2 * at(strata, i));
  const ci = stratifiedBootstrapInterval(x, y, strata)!;
  assert.deepEqual(ci, stratifiedBootstrapInterval(x, y, strata), "seeded: the same data give the same interval");
  const r = withinStrataR(x, y, strata);
  assert.ok(ci.lo < r && r < ci.hi, `${ci.lo} < ${r} < ${ci.hi}`);
  assert.ok(ci.lo > -1 && ci.hi < 1 && ci.hi - ci.lo < 0.6, JSON.stringify(ci));
  assert.equal(ci.method, "stratified-bootstrap-percentile");
  assert.equal(ci.resamples, 1999);
  // Coverage of the true rho = 0.5 over 200 simulated studies (the percentile interval is a little
  // liberal at n = 60; 95% nominal).
  let covered = 0;
  const runs = 200;
  for (let t = 0; t < runs; t++) {
    const d = normalPairs(60, 0.5, 1000 + t);
    const c = stratifiedBootstrapInterval(d.x, d.y, strata, { resamples: 499, seed: t })!;
    if (c.lo <= 0.5 && 0.5 <= c.hi) covered++;
  }
  assert.ok(covered / runs > 0.88 && covered / runs < 0.99, `coverage ${covered / runs}`);
  // Spearman: ranks within seeds, so a monotone transform of y changes nothing.
  const rho = stratifiedBootstrapInterval(x, y, strata, { ranks: true })!;
  assert.deepEqual(
    stratifiedBootstrapInterval(
      x,
      y.map((v) => Math.exp(v)),
      strata,
      { ranks: true },
    ),
    rho,
  );
  // Nothing varying within a seed: no r, no interval.
  assert.equal(stratifiedBootstrapInterval([0.1, 0.5, 0.9], [0.2, 0.6, 0.7], [1, 2, 3]), undefined);
  // Two distinct points per seed: most resamples repeat one point, so no interval is given.
  assert.equal(stratifiedBootstrapInterval([0, 1, 0, 1], [0, 1, 1, 0], [1, 1, 2, 2]), undefined);
});

test("withinSeedCorrelation: the permutation test and the interval of the same r (Pearson, or Spearman on within-seed ranks)", () => {
  const strata = Array.from({ length: 40 }, (_, i) => i % 4);
  const d = normalPairs(40, 0.7, 3);
  const c = withinSeedCorrelation(d.x, d.y, strata);
  const t = stratifiedPermutationCorrelation(d.x, d.y, strata);
  assert.equal(c.r, t.r);
  assert.equal(c.pGreater, t.pGreater);
  assert.deepEqual(c.interval, stratifiedBootstrapInterval(d.x, d.y, strata));
  const s = withinSeedCorrelation(d.x, d.y, strata, { ranks: true });
  assert.equal(s.r, stratifiedPermutationCorrelation(ranksWithinStrata(d.x, strata), ranksWithinStrata(d.y, strata), strata).r);
  assert.ok(s.interval && s.interval.lo < s.r && s.r < s.interval.hi);
});
