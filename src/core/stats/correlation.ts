// Correlations and their randomization tests (the H3 correlation study and the chain trend).
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { defined } from "../defined";

function checkPairs(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`correlation: x and y differ in length (${x.length} vs ${y.length})`);
  for (const [i, xi] of x.entries()) {
    if (!Number.isFinite(xi) || !Number.isFinite(y[i])) throw new RangeError(`correlation: non-finite value at index ${i}`);
  }
}

/** Plain Pearson product-moment r (two-pass, numerically stable). NaN if n < 2 or a series is constant. */
export function pearsonR(x: readonly number[], y: readonly number[]): number {
  checkPairs(x, y);
  const n = x.length;
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  // checkPairs made x and y the same length n.
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Ranks 1..n with ties given the average of the ranks they span (as scipy.stats.rankdata
 * "average"), e.g. [10, 20, 20, 30] -> [1, 2.5, 2.5, 4].
 */
export function averageRanks(values: readonly number[]): number[] {
  // Sort the values with their positions (the sort's tie-break keeps it stable and seed-free).
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v || a.i - b.i);
  const ranks = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    const first = order[i]!;
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.v === first.v) j++;
    const avg = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]!.i] = avg;
    i = j + 1;
  }
  return ranks;
}

export interface PermutationCorrelation {
  /** Pearson r of the values centred within their stratum (NaN when nothing varies within a stratum). */
  r: number;
  /** Points and strata behind it. */
  n: number;
  strata: number;
  /** One-sided p-values (Monte-Carlo permutation test: (1 + hits) / (1 + draws)). */
  pGreater: number;
  pLess: number;
  /** Permutations drawn (the observed ordering counts once more). */
  draws: number;
}

/**
 * Correlation of x and y within strata, with a stratified permutation test: y is shuffled among the
 * points of the same stratum (a seed: its points share a demo set, so a seed effect must not pass for
 * a correlation), and r of the stratum-centred values is compared with the observed one. Seeded
 * (xoroshiro128plus), so the same data give the same p. The smallest p is 1 / (draws + 1).
 */
export function stratifiedPermutationCorrelation(x: readonly number[], y: readonly number[], strata: readonly number[], opts: { draws?: number; seed?: number } = {}): PermutationCorrelation {
  checkPairs(x, y);
  if (strata.length !== x.length) throw new RangeError(`correlation: ${strata.length} strata for ${x.length} points`);
  const draws = opts.draws ?? 9999;
  const groups = new Map<number, number[]>();
  strata.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  const centred = (v: readonly number[]): number[] => {
    const out = new Array<number>(v.length);
    for (const idx of groups.values()) {
      // idx holds positions below strata.length, which is v's length (checked above).
      const mean = idx.reduce((a, i) => a + v[i]!, 0) / idx.length;
      for (const i of idx) out[i] = v[i]! - mean;
    }
    return out;
  };
  const cx = centred(x);
  const cy = centred(y);
  const r = cx.length >= 2 ? pearsonR(cx, cy) : NaN;
  const base = { r, n: x.length, strata: groups.size, draws };
  if (Number.isNaN(r)) return { ...base, pGreater: 1, pLess: 1 };
  // With centred x, r orders the permutations as sum(cx * y) does (the norms do not change).
  const dot = (yy: readonly number[]): number => {
    let s = 0;
    for (let i = 0; i < cx.length; i++) s += cx[i]! * yy[i]!;
    return s;
  };
  const observed = dot(cy);
  const eps = 1e-12 * (Math.abs(observed) + 1);
  const rng = xoroshiro128plus(opts.seed ?? 20240604);
  const perm = cy.slice();
  let ge = 0;
  let le = 0;
  for (let b = 0; b < draws; b++) {
    for (const idx of groups.values()) {
      // Fisher-Yates within the stratum.
      // t and u are below idx.length; idx's positions are below perm.length.
      for (let t = idx.length - 1; t > 0; t--) {
        const u = uniformInt(rng, 0, t);
        const i = idx[t]!;
        const j = idx[u]!;
        const tmp = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = tmp;
      }
    }
    const d = dot(perm);
    if (d >= observed - eps) ge++;
    if (d <= observed + eps) le++;
  }
  return { ...base, pGreater: (1 + ge) / (1 + draws), pLess: (1 + le) / (1 + draws) };
}

/**
 * Exact one-sided permutation p-value of Spearman's rho for small n (2..8): the share of all
 * n! orderings of y whose rho is <= (alternative "less") or >= ("greater") the observed one.
 * Used for the synonym-chain trend (m = 1..5), where asymptotic tests are meaningless.
 */
export function spearmanExactPValue(x: readonly number[], y: readonly number[], alternative: "less" | "greater"): number {
  checkPairs(x, y);
  const n = x.length;
  if (n < 2 || n > 8) throw new RangeError(`spearmanExactPValue: n must be 2..8, got ${n}`);
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const observed = pearsonR(rx, ry);
  if (Number.isNaN(observed)) return 1;
  const eps = 1e-12;
  let hits = 0;
  let total = 0;
  const perm = ry.slice();
  // Heap's algorithm over all orderings of y's ranks.
  const c = new Array<number>(n).fill(0);
  const visit = (): void => {
    const r = pearsonR(rx, perm);
    total++;
    if (alternative === "less" ? r <= observed + eps : r >= observed - eps) hits++;
  };
  visit();
  // i < n and j <= i index c and perm, both of length n.
  let i = 0;
  while (i < n) {
    const ci = c[i]!;
    if (ci < i) {
      const j = i % 2 === 0 ? 0 : ci;
      [perm[j], perm[i]] = [perm[i]!, perm[j]!];
      visit();
      c[i] = ci + 1;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  return hits / total;
}

/** Spearman's rho: Pearson r of average ranks (ties handled exactly). NaN when a series is constant. */
export function spearmanRho(x: readonly number[], y: readonly number[]): number {
  checkPairs(x, y);
  return pearsonR(averageRanks(x), averageRanks(y));
}

/**
 * Ranks within each stratum (average ranks for ties): a seed's points ranked among themselves, so
 * Spearman's rho within seeds is Pearson r of these ranks centred per seed.
 */
export function ranksWithinStrata(values: readonly number[], strata: readonly number[]): number[] {
  const out = new Array<number>(values.length);
  const groups = new Map<number, number[]>();
  strata.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  for (const idx of groups.values()) {
    const ranks = averageRanks(idx.map((i) => defined(values[i], "value of a stratum's point")));
    idx.forEach((i, j) => (out[i] = defined(ranks[j], "rank of a stratum's point")));
  }
  return out;
}

/** Pearson r of the values centred within their stratum (the within-seed correlation); NaN when nothing varies within a stratum. */
export function withinStrataR(x: readonly number[], y: readonly number[], strata: readonly number[]): number {
  const sums = new Map<number, { n: number; x: number; y: number }>();
  // x, y and strata have one entry per point (the callers check the lengths).
  strata.forEach((s, i) => {
    const t = sums.get(s) ?? { n: 0, x: 0, y: 0 };
    t.n++;
    t.x += x[i]!;
    t.y += y[i]!;
    sums.set(s, t);
  });
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const t = defined(sums.get(strata[i]!), "a point's stratum sums");
    const dx = x[i]! - t.x / t.n;
    const dy = y[i]! - t.y / t.n;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // Below this the centred values are rounding noise of equal accuracies, not variation.
  const tiny = 1e-24 * x.length;
  if (sxx <= tiny || syy <= tiny) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

export interface CorrelationInterval {
  lo: number;
  hi: number;
  level: number;
  /** Bootstrap resamples drawn (those where r could not be computed are left out, at most 5%). */
  resamples: number;
  method: "stratified-bootstrap-percentile";
}

/**
 * Percentile interval for the within-strata correlation by a stratified bootstrap: each resample
 * draws, within every stratum (seed), as many points as it has, with replacement, and recomputes
 * r (with `ranks`, Spearman's rho: the resampled values re-ranked within their stratum). The
 * points are functions g, each seed drawing its own, so they are the units resampled; seeds stay
 * fixed strata, as in the permutation test (a seed's demo set is shared by its points, and
 * centring within it removes its effect). Seeded (xoroshiro128plus), so the same data give the
 * same interval. Undefined when r itself is undefined or more than 5% of the resamples leave
 * nothing varying within a stratum (too few distinct points for an interval).
 */
export function stratifiedBootstrapInterval(
  x: readonly number[],
  y: readonly number[],
  strata: readonly number[],
  opts: { level?: number; resamples?: number; seed?: number; ranks?: boolean } = {},
): CorrelationInterval | undefined {
  checkPairs(x, y);
  if (strata.length !== x.length) throw new RangeError(`correlation: ${strata.length} strata for ${x.length} points`);
  const level = opts.level ?? 0.95;
  const resamples = opts.resamples ?? 1999;
  const observed = opts.ranks ? withinStrataR(ranksWithinStrata(x, strata), ranksWithinStrata(y, strata), strata) : withinStrataR(x, y, strata);
  if (Number.isNaN(observed)) return undefined;
  // A resample keeps each stratum's size, so it is laid out stratum by stratum in fixed blocks.
  const groups = new Map<number, number[]>();
  strata.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  const blocks = [...groups.values()];
  const n = x.length;
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  const rx = new Float64Array(n);
  const ry = new Float64Array(n);
  // For rho, each point's value as the index of its distinct value within its stratum: a
  // resample's within-stratum average ranks then follow from counts, without sorting.
  const xr = blocks.map((idx) => new DistinctRanks(idx.map((i) => defined(x[i], "x of a stratum's point"))));
  const yr = blocks.map((idx) => new DistinctRanks(idx.map((i) => defined(y[i], "y of a stratum's point"))));
  const picked = new Int32Array(n);
  const rng = xoroshiro128plus(opts.seed ?? 20240605);
  const rs: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let t = 0;
    for (const idx of blocks) {
      for (let j = 0; j < idx.length; j++) {
        const u = uniformInt(rng, 0, idx.length - 1);
        const i = idx[u]!; // u < idx.length; idx's positions are below x.length = y.length
        picked[t] = u;
        bx[t] = x[i]!;
        by[t] = y[i]!;
        t++;
      }
    }
    let r: number;
    if (opts.ranks) {
      let start = 0;
      blocks.forEach((idx, g) => {
        defined(xr[g], "x ranks of a stratum").rank(picked, start, idx.length, rx);
        defined(yr[g], "y ranks of a stratum").rank(picked, start, idx.length, ry);
        start += idx.length;
      });
      r = blockR(rx, ry, blocks);
    } else r = blockR(bx, by, blocks);
    if (!Number.isNaN(r)) rs.push(r);
  }
  if (rs.length < 0.95 * resamples) return undefined;
  rs.sort((a, b) => a - b);
  const a = (1 - level) / 2;
  // Percentile interval: the (B+1)a-th and (B+1)(1-a)-th order statistics (Davison & Hinkley 1997, 5.2).
  const at = (q: number): number => defined(rs[Math.min(rs.length - 1, Math.max(0, Math.round((rs.length + 1) * q) - 1))], "bootstrap order statistic");
  return { lo: at(a), hi: at(1 - a), level, resamples: rs.length, method: "stratified-bootstrap-percentile" };
}

/** withinStrataR for values laid out block by block (block b holds blocks[b].length values): the bootstrap's inner loop. */
function blockR(x: Float64Array, y: Float64Array, blocks: readonly (readonly number[])[]): number {
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  let start = 0;
  for (const idx of blocks) {
    const end = start + idx.length;
    let mx = 0;
    let my = 0;
    // The blocks' lengths sum to x.length = y.length, so i < end stays in range.
    for (let i = start; i < end; i++) {
      mx += x[i]!;
      my += y[i]!;
    }
    mx /= idx.length;
    my /= idx.length;
    for (let i = start; i < end; i++) {
      const dx = x[i]! - mx;
      const dy = y[i]! - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    start = end;
  }
  const tiny = 1e-24 * x.length;
  if (sxx <= tiny || syy <= tiny) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** One stratum's values by distinct value, so that a resample's average ranks come from counts (as averageRanks). */
class DistinctRanks {
  /** For each point of the stratum, the index of its value among the sorted distinct values. */
  private readonly level: Int32Array;
  private readonly counts: Float64Array;
  private readonly ranks: Float64Array;
  constructor(values: readonly number[]) {
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    const at = new Map(distinct.map((v, i) => [v, i]));
    this.level = Int32Array.from(values.map((v) => defined(at.get(v), "a value's distinct index")));
    this.counts = new Float64Array(distinct.length);
    this.ranks = new Float64Array(distinct.length);
  }
  /** Average ranks of the resampled points picked[start..start+m) (indices into this stratum), written into out[start..]. */
  rank(picked: Int32Array, start: number, m: number, out: Float64Array): void {
    // picked[start..start+m) are indices into this stratum (below level.length); levels are below counts.length = ranks.length.
    this.counts.fill(0);
    for (let j = 0; j < m; j++) this.counts[this.level[picked[start + j]!]!]!++;
    let below = 0;
    for (let d = 0; d < this.counts.length; d++) {
      const count = this.counts[d]!;
      this.ranks[d] = below + (count + 1) / 2;
      below += count;
    }
    for (let j = 0; j < m; j++) out[start + j] = this.ranks[this.level[picked[start + j]!]!]!;
  }
}

export interface WithinSeedCorrelation extends PermutationCorrelation {
  /** Undefined where stratifiedBootstrapInterval gives none. */
  interval?: CorrelationInterval;
}

/**
 * The one within-seed correlation of the verdicts (H2's tau_g-ICL vs tau_g-Linear, H3's tau_RA vs
 * tau_g-ICL): r (or with `ranks` Spearman's rho) of the seed-centred values, the stratified
 * permutation test for its sign, and the stratified bootstrap interval (docs/STATISTICS.md).
 */
export function withinSeedCorrelation(x: readonly number[], y: readonly number[], seeds: readonly number[], opts: { level?: number; ranks?: boolean } = {}): WithinSeedCorrelation {
  const xx = opts.ranks ? ranksWithinStrata(x, seeds) : x;
  const yy = opts.ranks ? ranksWithinStrata(y, seeds) : y;
  const test = stratifiedPermutationCorrelation(xx, yy, seeds);
  const interval = Number.isNaN(test.r) ? undefined : stratifiedBootstrapInterval(x, y, seeds, { level: opts.level, ranks: opts.ranks });
  return { ...test, ...(interval ? { interval } : {}) };
}
