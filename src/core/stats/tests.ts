// Hypothesis tests used by the verdicts.
import { logChoose, logSumExp, normalUpperTail } from "./special";

/**
 * Exact one-sided binomial test: P(X >= successes) for X ~ Binomial(n, p0), i.e. the p-value of
 * "accuracy > chance". Summed in log space (ln C(n,i) + i ln p0 + (n-i) ln(1-p0), then
 * log-sum-exp), so n in the tens of thousands neither under- nor overflows. O(n - successes).
 */
export function binomialTestGreater(successes: number, n: number, p0: number): number {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || n < 0 || successes > n) {
    throw new RangeError(`binomialTestGreater: need integers 0 <= successes <= n, got ${successes}/${n}`);
  }
  if (!(p0 >= 0 && p0 <= 1)) throw new RangeError(`binomialTestGreater: p0 must be in [0, 1], got ${p0}`);
  if (successes === 0) return 1;
  if (p0 === 0) return 0; // any success is impossible under H0
  if (p0 === 1) return 1;
  const lp = Math.log(p0);
  const lq = Math.log1p(-p0);
  const terms = new Float64Array(n - successes + 1);
  for (let i = successes; i <= n; i++) terms[i - successes] = logChoose(n, i) + i * lp + (n - i) * lq;
  return Math.min(1, Math.exp(logSumExp(terms)));
}

export interface ZTestResult {
  z: number;
  /** One-sided p-value for H1: p1 > p2. */
  pValue: number;
  p1: number;
  p2: number;
  diff: number;
}

/**
 * Two-proportion z-test with pooled variance, one-sided (H1: p1 > p2):
 *   p = (x1 + x2) / (n1 + n2),  z = (x1/n1 - x2/n2) / sqrt(p (1 - p) (1/n1 + 1/n2)).
 * Treats the two samples as independent; for the same queries under two conditions it is
 * conservative compared with a paired test. Degenerate pooled p (0 or 1) gives z = 0, p = 0.5
 * when the proportions are equal.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTestResult {
  if (!(n1 > 0 && n2 > 0)) throw new RangeError(`twoProportionZTest: both samples must be non-empty (n1=${n1}, n2=${n2})`);
  if (x1 < 0 || x1 > n1 || x2 < 0 || x2 > n2) throw new RangeError(`twoProportionZTest: counts out of range (${x1}/${n1}, ${x2}/${n2})`);
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const diff = p1 - p2;
  if (se === 0) return { z: diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity, pValue: diff > 0 ? 0 : diff < 0 ? 1 : 0.5, p1, p2, diff };
  const z = diff / se;
  return { z, pValue: normalUpperTail(z), p1, p2, diff };
}

/** Bonferroni-adjusted per-test threshold alpha / m (m >= 1). */
export function bonferroniAlpha(alpha: number, tests: number): number {
  return alpha / Math.max(1, tests);
}
