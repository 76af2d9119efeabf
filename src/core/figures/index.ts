// The paper's six figures (types.ts) from a run's metrics and verdicts: one builder per claim.
import type { VariantKMetrics } from "../metrics";
import type { Verdict } from "../verdicts/common";
import { contextOf } from "./common";
import { figureRaVsK } from "./h1";
import { figureIclVsLinear, figurePaVsLogreg } from "./h2";
import { figureChain, figureNaturalVsRandom, figureRaVsG } from "./h3";
import type { Figure } from "./types";

export * from "./types";
export { contextOf, type FigureContext } from "./common";

/** Every figure, in the paper's order; `study` (a study run's manifest) says which k and draws a missing figure needs. */
export function hypothesisFigures(metrics: readonly VariantKMetrics[], verdicts: readonly Verdict[], study?: { k?: number; kCurve?: number[]; draws?: number }): Figure[] {
  const ctx = contextOf(metrics, study);
  const v = (id: string) => verdicts.find((x) => x.id === id);
  return [
    figureRaVsK(metrics, ctx),
    figurePaVsLogreg(metrics, ctx),
    figureIclVsLinear(metrics, v("H2"), ctx),
    figureRaVsG(metrics, v("H3-correlation"), ctx),
    figureNaturalVsRandom(metrics, ctx),
    figureChain(metrics, v("H3-chain"), ctx),
  ];
}
