// Correlation coefficients with confidence intervals (for the H3 correlation study).
import { Interval, zForLevel } from "./intervals";
import { studentTUpperTail } from "./special";

export interface CorrelationResult {
  /** Pearson r or Spearman rho; NaN when undefined (n < 2 or a constant series). */
  value: number;
  n: number;
  /** Fisher-z interval; absent when n < 4 or value is NaN. */
  interval?: Interval;
  /** Two-sided p-value of "no correlation" from t = r sqrt((n-2)/(1-r^2)), df = n-2 (approximate for Spearman). */
  pValue: number;
}

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

function tTestPValue(r: number, n: number): number {
  if (Number.isNaN(r) || n < 3) return NaN;
  if (Math.abs(r) >= 1) return 0;
  const t = r * Math.sqrt((n - 2) / (1 - r * r));
  return Math.min(1, 2 * studentTUpperTail(Math.abs(t), n - 2));
}

function fisherInterval(r: number, n: number, variance: number, level: number, method: Interval["method"]): Interval | undefined {
  if (Number.isNaN(r) || n < 4) return undefined;
  if (Math.abs(r) >= 1) return { lo: r, hi: r, level, method };
  const z = Math.atanh(r);
  const half = zForLevel(level) * Math.sqrt(variance);
  return { lo: Math.tanh(z - half), hi: Math.tanh(z + half), level, method };
}

/**
 * Pearson r with a Fisher-z interval: tanh(atanh(r) +/- z_{(1+level)/2} / sqrt(n - 3)).
 * Needs n >= 4 for the interval.
 */
export function pearson(x: readonly number[], y: readonly number[], level = 0.95): CorrelationResult {
  const r = pearsonR(x, y);
  const n = x.length;
  return { value: r, n, interval: n >= 4 ? fisherInterval(r, n, 1 / (n - 3), level, "fisher-z") : undefined, pValue: tTestPValue(r, n) };
}

/**
 * Spearman rho = Pearson r of average ranks (ties handled exactly, not by the 1 - 6 sum d^2
 * shortcut). Interval: Fisher z with variance 1.06 / (n - 3) (Fieller, Hartley & Pearson 1957),
 * the usual large-sample approximation for rank correlations; needs n >= 4.
 */
export function spearman(x: readonly number[], y: readonly number[], level = 0.95): CorrelationResult {
  checkPairs(x, y);
  const n = x.length;
  const rho = pearsonR(averageRanks(x), averageRanks(y));
  return { value: rho, n, interval: n >= 4 ? fisherInterval(rho, n, 1.06 / (n - 3), level, "fisher-z-spearman") : undefined, pValue: tTestPValue(rho, n) };
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
