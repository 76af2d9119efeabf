// Confidence intervals for proportions.
import { normalQuantile } from "./special";

/** A two-sided confidence interval. `method` says how it was computed (shown in reports). */
export interface Interval {
  lo: number;
  hi: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  method: "wilson" | "bootstrap-seeds" | "bootstrap-queries" | "fisher-z" | "fisher-z-spearman" | "none";
}

/** z such that P(|Z| <= z) = level (1.959964 for 0.95). */
export function zForLevel(level = 0.95): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  return normalQuantile(1 - (1 - level) / 2);
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998, method 3,
 * no continuity correction). Chosen over the Wald interval because it stays inside [0, 1]
 * and keeps near-nominal coverage at the small n and extreme accuracies probes produce.
 *   centre = (x + z^2/2) / (n + z^2),  half = z / (n + z^2) * sqrt(x (n - x) / n + z^2 / 4)
 * n = 0 gives the uninformative [0, 1].
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): Interval {
  if (!(n >= 0) || !(successes >= 0) || successes > n) {
    throw new RangeError(`wilsonInterval: need 0 <= successes <= n, got successes=${successes}, n=${n}`);
  }
  if (n === 0) return { lo: 0, hi: 1, level, method: "wilson" };
  const z = zForLevel(level);
  const z2 = z * z;
  const denom = n + z2;
  const centre = (successes + z2 / 2) / denom;
  const half = (z / denom) * Math.sqrt((successes * (n - successes)) / n + z2 / 4);
  // Clamp only against float round-off (e.g. x = n gives hi = 1 + 1e-17).
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half), level, method: "wilson" };
}
