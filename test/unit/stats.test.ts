// Statistics checked against hand computations (shown in comments) and textbook values.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  wilsonInterval,
  zForLevel,
  binomialTestGreater,
  twoProportionZTest,
  bonferroniAlpha,
  normalQuantile,
  normalCdf,
  erfc,
  logChoose,
  studentTUpperTail,
} from "../../src/core/stats";

const close = (actual: number, expected: number, tol: number, what = ""): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected} +/- ${tol}, got ${actual}`);

test("normal quantile and CDF match table values", () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-12, "z_0.975");
  close(normalQuantile(0.95), 1.6448536269514722, 1e-12, "z_0.95");
  close(normalQuantile(0.5), 0, 1e-15, "median");
  close(normalCdf(1.96), 0.9750021048517795, 1e-12, "Phi(1.96)");
  close(erfc(3), 2.209049699858544e-5, 1e-17, "erfc(3)");
  close(erfc(1), 0.15729920705028513, 1e-14, "erfc(1)");
  close(zForLevel(0.95), 1.959963984540054, 1e-12);
  // Student t: the 97.5% point of t(10) is 2.228139 (any t table).
  close(studentTUpperTail(2.228139, 10), 0.025, 1e-6, "t10");
  // ln C(10, 3) = ln 120
  close(logChoose(10, 3), Math.log(120), 1e-12);
  assert.throws(() => normalQuantile(1.5), /\[0, 1\]/);
});

test("Wilson interval: hand computation for 5/10", () => {
  // z = 1.959964, z^2 = 3.841459; n + z^2 = 13.841459
  // centre = (5 + 1.920729) / 13.841459 = 0.5
  // half = 1.959964 / 13.841459 * sqrt(5*5/10 + 3.841459/4) = 0.141601 * sqrt(3.460365) = 0.141601 * 1.860206 = 0.263406
  const w = wilsonInterval(5, 10);
  close(w.lo, 0.5 - 0.263406, 2e-6, "lo");
  close(w.hi, 0.5 + 0.263406, 2e-6, "hi");
  assert.equal(w.method, "wilson");
  assert.equal(w.level, 0.95);
});

test("Wilson interval: Newcombe (1998) Table II values", () => {
  // Newcombe RG, Stat Med 17:857-872, method 3 (score without continuity correction).
  const cases: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0.0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ];
  for (const [x, n, lo, hi] of cases) {
    const w = wilsonInterval(x, n);
    close(w.lo, lo, 6e-5, `${x}/${n} lo`);
    close(w.hi, hi, 6e-5, `${x}/${n} hi`);
  }
  // 0/20 exactly: hi = 2 * centre = 3.841459 / 23.841459 = 0.161125
  close(wilsonInterval(0, 20).hi, 3.841459 / 23.841459, 1e-6);
  // n = 0: no information
  assert.deepEqual([wilsonInterval(0, 0).lo, wilsonInterval(0, 0).hi], [0, 1]);
  assert.equal(wilsonInterval(10, 10).hi, 1);
  assert.throws(() => wilsonInterval(11, 10), /successes <= n/);
});

test("exact one-sided binomial test", () => {
  // P(X >= 8 | n=10, p=.5) = (C(10,8)+C(10,9)+C(10,10)) / 2^10 = (45+10+1)/1024
  close(binomialTestGreater(8, 10, 0.5), 56 / 1024, 1e-12, "8/10");
  // P(X >= 3 | n=3, p=1/3) = 1/27
  close(binomialTestGreater(3, 3, 1 / 3), 1 / 27, 1e-12, "3/3");
  // P(X >= 1 | n=5, p=.25) = 1 - .75^5 = 0.7626953125
  close(binomialTestGreater(1, 5, 0.25), 0.7626953125, 1e-12, "1/5");
  assert.equal(binomialTestGreater(0, 5, 0.25), 1);
  // Large n stays finite: P(X >= 5000 | n=10000, p=.5) = 1/2 + P(X=5000)/2, and by Stirling
  // P(X = n/2) ~ sqrt(2/(pi n)) (1 - 1/(4n)) = 0.0079786, so the tail is 0.5039893.
  close(binomialTestGreater(5000, 10000, 0.5), 0.5 + 0.0079786 / 2, 2e-6, "n=10000");
  // 20,000 queries at 2 classes: 10,300 correct is ~4.24 sd above chance -> p ~ 1.1e-5
  const p = binomialTestGreater(10300, 20000, 0.5);
  assert.ok(p > 5e-6 && p < 2e-5, `p=${p}`);
  assert.throws(() => binomialTestGreater(3, 2, 0.5), /successes <= n/);
  assert.throws(() => binomialTestGreater(1.5, 2, 0.5), /integers/);
});

test("two-proportion z-test: hand computation", () => {
  // 60/100 vs 40/100: pooled .5, se = sqrt(.25 * .02) = .0707107, z = .2 / .0707107 = 2.828427
  // one-sided p = 1 - Phi(2.828427) = 0.0023389
  const r = twoProportionZTest(60, 100, 40, 100);
  close(r.z, 2.828427, 1e-6, "z");
  close(r.pValue, 0.0023389, 1e-7, "p");
  close(twoProportionZTest(40, 100, 60, 100).pValue, 1 - 0.0023389, 1e-7, "reverse");
  assert.equal(twoProportionZTest(10, 10, 10, 10).pValue, 0.5);
  // 10/10 vs 0/10: pooled .5, se = sqrt(.25 * .2) = .223607, z = 1 / .223607 = 4.472136
  close(twoProportionZTest(10, 10, 0, 10).z, 4.472136, 1e-6, "z extreme");
  assert.equal(bonferroniAlpha(0.05, 5), 0.01);
  assert.equal(bonferroniAlpha(0.05, 0), 0.05);
});

test("exact binomial p-values agree with scipy.stats.binomtest(alternative='greater')", () => {
  // Reference values printed by scipy 1.17.1 (binomtest(k, n, p, alternative="greater").pvalue).
  close(binomialTestGreater(37, 100, 0.25), 0.0051821015007819365, 1e-13, "37/100 vs .25");
  close(binomialTestGreater(13, 20, 1 / 3), 0.003724568974289156, 1e-13, "13/20 vs 1/3");
  close(binomialTestGreater(5300, 10000, 0.5) / 1.038016847960306e-9, 1, 1e-9, "5300/10000 (relative)");
  // scipy.stats.t.sf(1.3, 7)
  close(studentTUpperTail(1.3, 7), 0.11738391769618862, 1e-12, "t7");
});
