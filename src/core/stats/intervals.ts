// The interval type every statistic of ICL Probe reports (computed in inference.ts).

/** A two-sided confidence interval. `method` says how it was computed (shown in reports and CSV). */
export interface Interval {
  lo: number;
  hi: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  /** sign-flip-seeds: inverted exact sign-flip test over seeds; exact-binomial-prompts: Clopper-Pearson over distinct prompts (one seed). */
  method: "sign-flip-seeds" | "exact-binomial-prompts";
}
