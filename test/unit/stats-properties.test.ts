// Property tests (fast-check) for the statistics: invariants that must hold for any input.
import { test } from "node:test";
import fc from "fast-check";
import { wilsonInterval, binomialTestGreater, macroF1, accuracy, spearman, pearson, averageRanks, bootstrapMeanInterval } from "../../src/core/stats";
import { calibrate } from "../../src/core/calibration";

const runs = { numRuns: 200, seed: 42 };

test("Wilson interval lies in [0, 1] and contains the observed proportion", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))), ([n, x]) => {
      const w = wilsonInterval(x, n);
      return w.lo >= 0 && w.hi <= 1 && w.lo <= x / n + 1e-12 && x / n <= w.hi + 1e-12;
    }),
    runs,
  );
});

test("binomial p-value is a probability and falls as successes rise", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.nat(), (n, p0, r) => {
      const x = r % n;
      const a = binomialTestGreater(x, n, p0);
      const b = binomialTestGreater(x + 1, n, p0);
      return a >= 0 && a <= 1 && b >= 0 && b <= a + 1e-12;
    }),
    runs,
  );
});

const labelsArb = fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d"), fc.constantFrom("a", "b", "c", "d")), { minLength: 1, maxLength: 60 });

test("macro-F1 and accuracy lie in [0, 1] and are 1 exactly for perfect predictions", () => {
  fc.assert(
    fc.property(labelsArb, (pairs) => {
      const gold = pairs.map((p) => p[0]);
      const pred = pairs.map((p) => p[1]);
      const f = macroF1(gold, pred);
      const a = accuracy(gold, pred);
      const perfect = gold.every((g, i) => g === pred[i]);
      return f >= 0 && f <= 1 && a >= 0 && a <= 1 && (perfect ? f === 1 && a === 1 : f < 1 && a < 1);
    }),
    runs,
  );
});

test("correlations lie in [-1, 1], Spearman is invariant under monotone transforms, ranks sum to n(n+1)/2", () => {
  const series = fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), { minLength: 4, maxLength: 40 });
  fc.assert(
    fc.property(series, (xy) => {
      const x = xy.map((p) => p[0]);
      const y = xy.map((p) => p[1]);
      const s = spearman(x, y).value;
      const r = pearson(x, y).value;
      const sExp = spearman(x.map((v) => Math.exp(v / 10)), y).value;
      const n = x.length;
      const rankSum = averageRanks(x).reduce((a, b) => a + b, 0);
      const inRange = (v: number): boolean => Number.isNaN(v) || (v >= -1 && v <= 1);
      const sameRho = Number.isNaN(s) ? Number.isNaN(sExp) : Math.abs(s - sExp) < 1e-9;
      return inRange(s) && inRange(r) && sameRho && Math.abs(rankSum - (n * (n + 1)) / 2) < 1e-9;
    }),
    runs,
  );
});

test("bootstrap interval of a mean lies within [min, max] of the values", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }), fc.nat(1000), (vals, seed) => {
      const iv = bootstrapMeanInterval(vals, { resamples: 200, seed });
      return iv.lo >= Math.min(...vals) - 1e-12 && iv.hi <= Math.max(...vals) + 1e-12 && iv.lo <= iv.hi;
    }),
    { numRuns: 100, seed: 42 },
  );
});

test("calibration returns a distribution and is the identity for a uniform p_cf", () => {
  const probs = fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 2, maxLength: 6 });
  fc.assert(
    fc.property(probs, probs, (p, cf) => {
      const L = Math.min(p.length, cf.length);
      const q = calibrate(p.slice(0, L), cf.slice(0, L));
      const sum = q.probs.reduce((a, b) => a + b, 0);
      const u = calibrate(p.slice(0, L), new Array(L).fill(1 / L));
      const sp = p.slice(0, L).reduce((a, b) => a + b, 0);
      return Math.abs(sum - 1) < 1e-9 && q.probs.every((v) => v >= 0) && u.probs.every((v, i) => Math.abs(v - p[i] / sp) < 1e-9);
    }),
    runs,
  );
});
