// Property tests (fast-check) for the statistics: invariants that must hold for any input.
import { test } from "node:test";
import fc from "fast-check";
import {
  macroF1,
  accuracy,
  spearmanRho,
  pearsonR,
  averageRanks,
  clopperPearson,
  binomialUpperTail,
  seedInference,
  signFlipDistribution,
  signFlipInterval,
  signFlipPGreater,
  signFlipPLess,
} from "../../src/core/stats";
import { calibrate } from "../../src/core/calibration";
import { at } from "../support/at";

const runs = { numRuns: 200, seed: 42 };

test("Clopper-Pearson lies in [0, 1], contains the observed proportion, and inverts the exact test", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }))),
      ([n, x]) => {
        const iv = clopperPearson(x, n);
        const inside = iv.lo >= 0 && iv.hi <= 1 && iv.lo <= x / n + 1e-12 && x / n <= iv.hi + 1e-12;
        // At the lower bound the one-sided p of "> lo" is exactly 2.5%.
        const inverts = x === 0 || Math.abs(binomialUpperTail(x, n, iv.lo) - 0.025) < 1e-6;
        return inside && inverts;
      },
    ),
    runs,
  );
});

test("binomial p-value is a probability and falls as successes rise", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.nat(), (n, p0, r) => {
      const x = r % n;
      const a = binomialUpperTail(x, n, p0);
      const b = binomialUpperTail(x + 1, n, p0);
      return a >= 0 && a <= 1 && b >= 0 && b <= a + 1e-12;
    }),
    runs,
  );
});

test("sign-flip interval and p-values agree: d is outside the interval exactly when a one-sided p is at most 2.5%", () => {
  const vals = fc.array(
    fc.integer({ min: 0, max: 40 }).map((v) => v / 40),
    { minLength: 6, maxLength: 9 },
  );
  fc.assert(
    fc.property(
      vals,
      fc.integer({ min: -10, max: 50 }).map((v) => v / 40 + 0.0125),
      (xs, d) => {
        const dist = signFlipDistribution(xs);
        const iv = signFlipInterval(dist)!;
        const outside = d < iv.lo || d > iv.hi;
        const rejects = signFlipPGreater(dist, d) <= 0.025 || signFlipPLess(dist, d) <= 0.025;
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        return outside === rejects && iv.lo <= mean + 1e-12 && mean <= iv.hi + 1e-12 && iv.lo >= Math.min(...xs) - 1e-12 && iv.hi <= Math.max(...xs) + 1e-12;
      },
    ),
    { numRuns: 150, seed: 42 },
  );
});

test("seed inference is shift-equivariant (testing x - c against 0 is testing x against c)", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 10 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, c) => {
      const a = seedInference(xs, c);
      const b = seedInference(
        xs.map((v) => v - c),
        0,
      );
      return Math.abs(a.pGreater - b.pGreater) < 1e-12 && Math.abs(a.pLess - b.pLess) < 1e-12;
    }),
    { numRuns: 100, seed: 42 },
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
      const s = spearmanRho(x, y);
      const r = pearsonR(x, y);
      const sExp = spearmanRho(
        x.map((v) => Math.exp(v / 10)),
        y,
      );
      const n = x.length;
      const rankSum = averageRanks(x).reduce((a, b) => a + b, 0);
      const inRange = (v: number): boolean => Number.isNaN(v) || (v >= -1 && v <= 1);
      const sameRho = Number.isNaN(s) ? Number.isNaN(sExp) : Math.abs(s - sExp) < 1e-9;
      return inRange(s) && inRange(r) && sameRho && Math.abs(rankSum - (n * (n + 1)) / 2) < 1e-9;
    }),
    runs,
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
      return Math.abs(sum - 1) < 1e-9 && q.probs.every((v) => v >= 0) && u.probs.every((v, i) => Math.abs(v - at(p, i) / sp) < 1e-9);
    }),
    runs,
  );
});
