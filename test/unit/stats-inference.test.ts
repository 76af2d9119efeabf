// The inference method (src/core/stats/inference.ts) against hand computations, brute-force
// enumeration and published values.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  accuracyInference,
  binomialLowerTail,
  binomialUpperTail,
  clopperPearson,
  promptInference,
  seedInference,
  seedsNeeded,
  signFlipDistribution,
  signFlipInterval,
  signFlipPGreater,
  signFlipPLess,
  EXACT_SIGN_FLIP_MAX_UNITS,
} from "../../src/core/stats";
import { at } from "../support/at";

const close = (actual: number, expected: number, tol: number, what = ""): void => assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected} +/- ${tol}, got ${actual}`);

/** p_greater by the definition: share of sign patterns e with sum e_i |x_i - d| >= sum (x_i - d). */
function bruteGreater(xs: number[], d: number): number {
  const n = xs.length;
  let hits = 0;
  const obs = xs.reduce((a, x) => a + (x - d), 0);
  for (let mask = 0; mask < 2 ** n; mask++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += ((mask >>> i) & 1 ? -1 : 1) * Math.abs(at(xs, i) - d);
    if (s >= obs - 1e-12) hits++;
  }
  return hits / 2 ** n;
}

test("exact binomial tails and Clopper-Pearson against published values", () => {
  // P(X >= 60 | 100, .5) = 0.0284439 (R: binom.test(60, 100, alternative = "greater"))
  close(binomialUpperTail(60, 100, 0.5), 0.02844396682049, 1e-12, "upper tail");
  close(binomialLowerTail(40, 100, 0.5), 0.02844396682049, 1e-12, "lower tail, by symmetry");
  // P(X >= 5 | 8, .5) = 93/256
  close(binomialUpperTail(5, 8, 0.5), 93 / 256, 1e-14);
  assert.equal(binomialUpperTail(0, 8, 0.5), 1);
  // R: binom.test(5, 10)$conf.int = 0.1870860 0.8129140; binom.test(0, 10): upper 1 - 0.025^(1/10) = 0.3084971
  const cp = clopperPearson(5, 10);
  close(cp.lo, 0.187086, 1e-6, "lo");
  close(cp.hi, 0.812914, 1e-6, "hi");
  const zero = clopperPearson(0, 10);
  assert.equal(zero.lo, 0);
  close(zero.hi, 1 - 0.025 ** (1 / 10), 1e-10, "hi at 0");
  assert.equal(clopperPearson(10, 10).hi, 1);
  assert.equal(cp.method, "exact-binomial-prompts");
  assert.throws(() => clopperPearson(3, 0), /0 <= x <= n/);
});

test("sign-flip p-values equal brute-force enumeration", () => {
  const samples = [
    [0.1, 0.2, 0.3],
    [0.6, 0.55, 0.7, 0.4, 0.65, 0.5],
    [0.25, 0.25, 0.3, 0.2, 0.9, 0.25, 0.25],
    [-0.1, 0.05, 0.2, -0.3, 0.15],
  ];
  for (const xs of samples) {
    const dist = signFlipDistribution(xs);
    assert.equal(dist.exact, true);
    for (const d of [-0.2, 0, 0.1, 0.25, 0.3, 0.5, 0.62]) {
      close(signFlipPGreater(dist, d), bruteGreater(xs, d), 1e-12, `greater ${xs} at ${d}`);
      close(
        signFlipPLess(dist, d),
        bruteGreater(
          xs.map((x) => -x),
          -d,
        ),
        1e-12,
        `less ${xs} at ${d}`,
      );
    }
  }
  // Three positive values: only the identity pattern reaches the observed sum.
  assert.equal(seedInference([0.1, 0.2, 0.3], 0).pGreater, 1 / 8);
  assert.equal(seedInference([0.1, 0.2, 0.3], 0).minP, 1 / 8);
});

test("sign-flip interval: none below 6 seeds at 95%, order statistics of the crossings from 6 on", () => {
  assert.equal(signFlipInterval(signFlipDistribution([0.5, 0.6, 0.7, 0.55, 0.65])), undefined, "5 seeds: 2^-5 > 2.5%");
  const xs = [0.5, 0.6, 0.7, 0.55, 0.65, 0.62];
  const iv = signFlipInterval(signFlipDistribution(xs))!;
  // With 64 patterns the 95% bounds are the 2nd smallest / largest crossing points, where exactly one
  // pattern besides the identity still holds: the lower bound is the d at which flipping the single
  // smallest deviation ties, i.e. the mean of the five values above the minimum... checked against p.
  assert.ok(iv.lo < 0.603 && iv.hi > 0.603 && iv.lo >= 0.5 && iv.hi <= 0.7, JSON.stringify(iv));
  close(bruteGreater(xs, iv.lo), 2 / 64, 1e-12, "at the lower bound 2 of 64 patterns hold");
  assert.ok(bruteGreater(xs, iv.lo - 1e-6) <= 0.025, "just below it the test rejects");
  close(
    bruteGreater(
      xs.map((x) => -x),
      -iv.hi,
    ),
    2 / 64,
    1e-12,
    "upper bound",
  );
  assert.equal(iv.method, "sign-flip-seeds");
  assert.equal(seedsNeeded(0.025), 6);
  assert.equal(seedsNeeded(0.025 / 3), 7);
  assert.equal(seedsNeeded(0.005), 8);
});

test("more seeds than the exact limit: seeded Monte-Carlo patterns, deterministic and close to exact", () => {
  const xs = Array.from({ length: EXACT_SIGN_FLIP_MAX_UNITS + 4 }, (_, i) => 0.3 + ((i * 37) % 11) / 50);
  const a = seedInference(xs, 0.35);
  const b = seedInference(xs, 0.35);
  assert.deepEqual(a, b);
  assert.equal(signFlipDistribution(xs).exact, false);
  // the mean is .3933; against .35 the effect is clear, against the mean it is not
  assert.ok(a.pGreater < 0.01, String(a.pGreater));
  assert.ok(seedInference(xs, 0.3933).pGreater > 0.3);
  assert.ok(a.interval && a.interval.lo > 0.35 && a.interval.hi < 0.45, JSON.stringify(a.interval));
  assert.equal(a.minP, 2 ** -EXACT_SIGN_FLIP_MAX_UNITS, "(1 + hits) / (1 + draws) with 2^14 patterns in all");
});

test("prompt inference: the exact binomial test and its Clopper-Pearson interval in one object", () => {
  const t = promptInference(6, 12, 0.25);
  close(t.pGreater, binomialUpperTail(6, 12, 0.25), 1e-15);
  close(t.pGreater, 0.054402232170105, 1e-12, "P(X >= 6 | 12, .25) = sum_{i>=6} C(12,i) .25^i .75^(12-i)");
  assert.equal(t.units, 12);
  assert.equal(t.estimate, 0.5);
  close(t.minP, 0.25 ** 12, 1e-20);
  assert.deepEqual(t.interval, clopperPearson(6, 12));
  // the interval excludes chance exactly when p is at most 2.5%
  const sig = promptInference(8, 12, 0.25);
  assert.ok(sig.pGreater < 0.025 && sig.interval!.lo > 0.25);
  assert.ok(t.pGreater > 0.025 && t.interval!.lo < 0.25);
});

test("accuracy over seeds is never bolder than its pooled prompts: all-perfect seeds keep a finite-width interval", () => {
  // 8 seeds, each 48/48: the seeds show no spread (sign-flip interval [1, 1]), but 384 prompts
  // bound the accuracy below by the Clopper-Pearson bound 0.025^(1/384) = 0.9904.
  const t = accuracyInference(new Array(8).fill(1), 384, 384, 0.25);
  assert.equal(t.method, "sign-flip-seeds");
  assert.equal(t.estimate, 1);
  close(t.interval!.lo, 0.025 ** (1 / 384), 1e-9, "hull lower bound");
  assert.equal(t.interval!.hi, 1);
  assert.equal(t.pGreater, 1 / 256, "the claim rests on the seeds");
  // Few prompts per seed: the pooled test is the weaker one and decides.
  const few = accuracyInference([1, 1, 1, 1, 1, 1, 1, 0.5], 7.5, 8, 0.5);
  close(few.pGreater, binomialUpperTail(7.5, 8, 0.5), 1e-12);
  assert.ok(few.pGreater > 1 / 256);
  assert.ok(few.interval!.lo <= clopperPearson(7.5, 8).lo + 1e-12);
});
