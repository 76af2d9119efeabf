// Correlations and their randomization tests (the H3 correlation study and the chain trend).
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";

function checkPairs(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`correlation: x and y differ in length (${x.length} vs ${y.length})`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new RangeError(`correlation: non-finite value at index ${i}`);
  }
}

/** Plain Pearson product-moment r (two-pass, numerically stable). NaN if n < 2 or a series is constant. */
export function pearsonR(x: readonly number[], y: readonly number[]): number {
  checkPairs(x, y);
  const n = x.length;
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
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
  const order = values.map((v, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const ranks = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]] = avg;
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
      const mean = idx.reduce((a, i) => a + v[i], 0) / idx.length;
      for (const i of idx) out[i] = v[i] - mean;
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
    for (let i = 0; i < cx.length; i++) s += cx[i] * yy[i];
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
      for (let t = idx.length - 1; t > 0; t--) {
        const u = uniformInt(rng, 0, t);
        const i = idx[t];
        const j = idx[u];
        const tmp = perm[i];
        perm[i] = perm[j];
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
  let i = 0;
  while (i < n) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i];
      [perm[j], perm[i]] = [perm[i], perm[j]];
      visit();
      c[i]++;
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
