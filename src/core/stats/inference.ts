// The one inference method of ICL Probe (docs/STATISTICS.md): exact tests over the units that were
// actually drawn, and intervals obtained by inverting the same tests, so that an interval excludes
// a value exactly when the test at that level rejects it.
//
// - Several seeds: the unit is the seed (a seed draws the query pool, the demo sets and the random
//   maps g / h). Exact sign-flip (Fisher randomization) test on the per-seed values; the interval is
//   the set of centres the test does not reject. With n seeds the smallest attainable one-sided p is
//   2^-n, so too few seeds give "inconclusive: n seeds", never a small p-value.
// - One seed: the unit is the distinct prompt (identical prompts give the same prediction and count
//   once). Exact binomial test against chance; its inversion is the Clopper-Pearson interval.
//
// The sign-flip test of H0 "the per-seed values are symmetric about d" with the sum statistic:
//   p_greater(d) = #{sign patterns e : sum e_i |x_i - d| >= sum (x_i - d)} / #patterns.
// For one pattern with A = {i : e_i = +1}, B = {i : e_i = -1} the event is
//   sum_{A} (d - x_i)_+ >= sum_{B} (x_i - d)_+,
// whose left side grows and right side shrinks with d: each pattern holds exactly for d >= c_e (its
// crossing point). So p_greater(d) = #{c_e <= d} / N is non-decreasing in d, the confidence set is
// an interval, and its bounds are order statistics of the crossing points. Computing the crossings
// once gives every p-value and the interval from the same numbers.
import betainc from "@stdlib/math-base-special-betainc";
import betaincinv from "@stdlib/math-base-special-betaincinv";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { Interval } from "./intervals";
import { defined } from "../defined";

/** Up to this many units every sign pattern is enumerated (2^14 = 16,384); beyond, a seeded random sample of that size. */
export const EXACT_SIGN_FLIP_MAX_UNITS = 14;
const SAMPLED_PATTERNS = 1 << EXACT_SIGN_FLIP_MAX_UNITS;
/** Seed of the pattern sample for more than EXACT_SIGN_FLIP_MAX_UNITS units (fixed: same file, same numbers). */
export const SIGN_FLIP_SEED = 20240604;
/** Slack for float round-off when a crossing point equals the tested value (e.g. every seed exactly at chance). */
const EPS = 1e-12;

export type InferenceMethod = "sign-flip-seeds" | "exact-binomial-prompts";

/** An estimate with its exact test and inverted interval over independent units. */
export interface Inference {
  method: InferenceMethod;
  /** Independent units behind the estimate: seeds, or distinct prompts for one seed. */
  units: number;
  /** Mean of the per-seed values, or successes / distinct prompts. */
  estimate: number;
  /** Two-sided interval at `level`; absent when the units cannot support one (fewer than 6 seeds at 95%). */
  interval?: Interval;
  /** Smallest one-sided p-value this design can produce (2^-seeds; for prompts the binomial tail of a perfect score). */
  minP: number;
}

/** One-sided p-values of an inference against a null value. */
export interface Tested extends Inference {
  /** The value tested against (chance, or 0 for differences). */
  nullValue: number;
  /** p-value of "true value > nullValue". */
  pGreater: number;
  /** p-value of "true value < nullValue". */
  pLess: number;
}

/** Crossing points of every sign pattern, for the "greater" direction, sorted ascending. */
export interface SignFlipDistribution {
  values: readonly number[];
  /** Patterns counted (2^n exact, or the sample plus the identity). */
  patterns: number;
  exact: boolean;
  /** Crossing points c_e ascending: p_greater(d) = #{c_e <= d} / patterns. */
  lowerCrossings: Float64Array;
  /** Crossing points of the mirrored data, negated, descending: p_less(d) = #{u_e >= d} / patterns. */
  upperCrossings: Float64Array;
}

/**
 * Crossing point of one pattern over the sorted values s (ascending): the smallest d with
 * sum_{A} (d - s_i)_+ >= sum_{B} (s_i - d)_+, where `inB[i]` marks B. -Infinity when B is empty.
 */
// The two loops below run per sign pattern (up to 2^14 of them) with k, i < n = s.length = inB.length.
function crossing(s: Float64Array, inB: Uint8Array): number {
  const n = s.length;
  let totalB = 0;
  let countB = 0;
  for (let i = 0; i < n; i++) {
    if (inB[i]) {
      totalB += s[i]!;
      countB++;
    }
  }
  if (countB === 0) return -Infinity;
  // g(d) at d = s_k: A terms over i < k (and equal values add 0), B terms over i > k.
  let cA = 0;
  let sA = 0;
  let cBle = 0; // B members with index <= k
  let sBle = 0;
  let prevD = NaN;
  let prevG = NaN;
  for (let k = 0; k < n; k++) {
    const d = s[k]!;
    if (inB[k]) {
      cBle++;
      sBle += d;
    }
    const gA = cA * d - sA;
    const gB = totalB - sBle - (countB - cBle) * d;
    const g = gA - gB;
    if (g >= 0) {
      if (k === 0 || !(d > prevD)) return d;
      // g is linear between s_{k-1} and s_k.
      return prevD + ((d - prevD) * -prevG) / (g - prevG);
    }
    prevD = d;
    prevG = g;
    if (!inB[k]) {
      cA++;
      sA += d;
    }
  }
  return defined(s[n - 1], "largest value"); // B is not empty, so n > 0
}

function crossingsOf(values: readonly number[], patterns: (visit: (inB: Uint8Array) => void) => void, count: number, order: number[]): Float64Array {
  const s = Float64Array.from(order, (i) => defined(values[i], "value in sorted order"));
  const out = new Float64Array(count);
  const sortedB = new Uint8Array(values.length);
  let j = 0;
  patterns((inB) => {
    // order is a permutation of the value positions, each below inB.length.
    for (let r = 0; r < order.length; r++) sortedB[r] = inB[order[r]!]!;
    out[j++] = crossing(s, sortedB);
  });
  return out.sort();
}

/**
 * The sign-flip distribution of per-unit values (at least 1). Exact for up to
 * EXACT_SIGN_FLIP_MAX_UNITS units; otherwise 2^14 - 1 seeded random patterns plus the identity
 * (a valid Monte-Carlo test: p = (1 + hits) / (1 + draws)).
 */
export function signFlipDistribution(values: readonly number[], seed = SIGN_FLIP_SEED): SignFlipDistribution {
  const n = values.length;
  if (n < 1) throw new RangeError("signFlipDistribution: need at least one value");
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`signFlipDistribution: non-finite value ${v}`);
  const exact = n <= EXACT_SIGN_FLIP_MAX_UNITS;
  const count = exact ? 2 ** n : SAMPLED_PATTERNS;
  const gen = (visit: (inB: Uint8Array) => void): void => {
    const inB = new Uint8Array(n);
    if (exact) {
      for (let mask = 0; mask < count; mask++) {
        for (let i = 0; i < n; i++) inB[i] = (mask >>> i) & 1;
        visit(inB);
      }
      return;
    }
    visit(inB); // the identity
    const rng = xoroshiro128plus(seed);
    for (let b = 1; b < count; b++) {
      for (let i = 0; i < n; i++) inB[i] = rng.next() & 1;
      visit(inB);
    }
  };
  const asc = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const lower = crossingsOf(values, gen, count, asc);
  // Mirror: p_less(d) on x equals p_greater(-d) on -x; the same patterns are replayed.
  const mirrored = values.map((v) => -v);
  const descIdx = mirrored.map((_, i) => i).sort((a, b) => mirrored[a]! - mirrored[b]! || a - b);
  const mirroredCross = crossingsOf(mirrored, gen, count, descIdx);
  const upper = Float64Array.from(mirroredCross, (c) => -c); // descending
  return { values: [...values], patterns: count, exact, lowerCrossings: lower, upperCrossings: upper };
}

/** p-value of "centre > d": share of patterns whose crossing is <= d. */
export function signFlipPGreater(dist: SignFlipDistribution, d: number): number {
  const a = dist.lowerCrossings;
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= d + EPS)
      lo = mid + 1; // mid < hi <= a.length
    else hi = mid;
  }
  return lo / dist.patterns;
}

/** p-value of "centre < d": share of mirrored crossings >= d. */
export function signFlipPLess(dist: SignFlipDistribution, d: number): number {
  const a = dist.upperCrossings; // descending
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! >= d - EPS)
      lo = mid + 1; // mid < hi <= a.length
    else hi = mid;
  }
  return lo / dist.patterns;
}

/**
 * Two-sided interval: the centres d that neither one-sided test rejects at (1 - level) / 2.
 * Undefined when the patterns are too few (p never goes below (1 - level) / 2: fewer than 6 seeds at 95%).
 */
export function signFlipInterval(dist: SignFlipDistribution, level = 0.95): Interval | undefined {
  const beta = (1 - level) / 2;
  const j = Math.floor(beta * dist.patterns + 1e-9); // 0-based index of the (floor(beta N) + 1)-th order statistic
  const lo = dist.lowerCrossings[j];
  const hi = dist.upperCrossings[j];
  // j is past the crossings when the level asks for more patterns than there are: no interval then.
  if (lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
  return { lo, hi, level, method: "sign-flip-seeds" };
}

/** Sign-flip inference of the mean of per-seed values, tested against `nullValue`. */
export function seedInference(values: readonly number[], nullValue: number, level = 0.95): Tested {
  const dist = signFlipDistribution(values);
  const estimate = values.reduce((a, v) => a + v, 0) / values.length;
  return {
    method: "sign-flip-seeds",
    units: values.length,
    estimate,
    interval: signFlipInterval(dist, level),
    minP: 1 / dist.patterns,
    nullValue,
    pGreater: signFlipPGreater(dist, nullValue),
    pLess: signFlipPLess(dist, nullValue),
  };
}

/** P(X >= x) for X ~ Binomial(n, p): I_p(x, n - x + 1); continuous in x, so a fractional count (a prompt whose duplicates disagree) interpolates. */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return Math.min(1, Math.max(0, betainc(p, x, n - x + 1)));
}

/** P(X <= x) for X ~ Binomial(n, p). */
export function binomialLowerTail(x: number, n: number, p: number): number {
  if (x >= n) return 1;
  if (x < 0) return 0;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  return Math.min(1, Math.max(0, betainc(p, x + 1, n - x, true, true)));
}

/** Clopper-Pearson interval: the inversion of the exact binomial test (Clopper & Pearson 1934). */
export function clopperPearson(x: number, n: number, level = 0.95): Interval {
  if (!(n > 0) || x < 0 || x > n) throw new RangeError(`clopperPearson: need 0 <= x <= n, n > 0 (got ${x}/${n})`);
  const beta = (1 - level) / 2;
  const lo = x <= 0 ? 0 : betaincinv(beta, x, n - x + 1);
  const hi = x >= n ? 1 : betaincinv(1 - beta, x + 1, n - x);
  return { lo, hi, level, method: "exact-binomial-prompts" };
}

/** Exact binomial inference over distinct prompts (one seed): `successes` of `units` prompts correct, tested against `nullValue`. */
export function promptInference(successes: number, units: number, nullValue: number, level = 0.95): Tested {
  if (!(units > 0)) throw new RangeError("promptInference: no prompts");
  const p0 = Math.min(1, Math.max(0, nullValue));
  return {
    method: "exact-binomial-prompts",
    units,
    estimate: successes / units,
    interval: clopperPearson(successes, units, level),
    minP: binomialUpperTail(units, units, p0),
    nullValue,
    pGreater: binomialUpperTail(successes, units, p0),
    pLess: binomialLowerTail(successes, units, p0),
  };
}

/**
 * Accuracy over several seeds: the sign-flip inference over the per-seed values, made no bolder
 * than what the prompts themselves show. The interval is the hull of the sign-flip interval and the
 * Clopper-Pearson interval of all distinct prompts pooled, and each p-value the larger of the two
 * tests' (an intersection-union test), so the interval still excludes a value exactly when the
 * test rejects it. Why: when every seed gets the same accuracy (all 1.00, say) the seeds show no
 * spread and the sign-flip interval has zero width, although each seed scored a finite number of
 * prompts. The claim itself always rests on the seeds: the pooled test can only weaken it.
 */
export function accuracyInference(perSeed: readonly number[], successes: number, prompts: number, nullValue: number, level = 0.95): Tested {
  const sf = seedInference(perSeed, nullValue, level);
  const cp = promptInference(successes, prompts, nullValue, level);
  const interval = sf.interval && cp.interval ? { ...sf.interval, lo: Math.min(sf.interval.lo, cp.interval.lo), hi: Math.max(sf.interval.hi, cp.interval.hi) } : undefined;
  return { ...sf, interval, pGreater: Math.max(sf.pGreater, cp.pGreater), pLess: Math.max(sf.pLess, cp.pLess), minP: Math.max(sf.minP, cp.minP) };
}

/** Seeds an exact sign-flip test needs before a one-sided p can fall below `threshold`. */
export function seedsNeeded(threshold: number): number {
  if (!(threshold > 0)) return Infinity;
  return Math.max(1, Math.floor(Math.log2(1 / threshold) + 1e-9) + 1);
}

/** Whether a test of this design can reach p < threshold at all (enough seeds / prompts). */
export function canReject(inf: Pick<Inference, "minP">, threshold: number): boolean {
  return inf.minP < threshold;
}
