// Hypothesis verdicts (Li, Hou, Sachan, Cotterell, "What Do Language Models Learn in Context?
// The Structured Task Hypothesis", ACL 2024): what the probes that were run say about
//   H1 task selection, H2 meta-learning, H3 structured task selection,
// with the numbers, the runs and every condition checked behind each statement. A verdict never
// guesses: when a needed variant was not run its status is "not-run" and it says what to add; when
// the seeds are too few for the exact tests it says "inconclusive: n seeds" instead of a p-value.
// Inference: docs/STATISTICS.md (one method, src/core/stats/inference.ts).
import type { VariantKMetrics } from "../metrics";
import type { Verdict, VerdictOptions } from "./common";
import { h1 } from "./h1";
import { h2 } from "./h2";
import { h3Chain, h3Correlation, h3Natural } from "./h3";

export * from "./common";
export { h1, h2, h3Natural, h3Chain, h3Correlation };

/** All verdicts for the metrics of one model and task. */
export function verdicts(metrics: readonly VariantKMetrics[], opts: VerdictOptions = {}): Verdict[] {
  return [h1(metrics, opts), h2(metrics, opts), h3Natural(metrics, opts), h3Chain(metrics, opts), h3Correlation(metrics, opts)];
}
