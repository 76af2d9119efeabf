// Figure 1 (H1, task selection): tau_RA accuracy versus k, with chance and gold. If tau_RA rises
// above chance as k grows, the remapped task was learnt in context, which H1 says cannot happen.
import type { VariantKMetrics } from "../metrics";
import { chanceOf, completeness, curve, plainRuns, runsOfSeries, type FigureContext } from "./common";
import type { Figure } from "./types";

export function figureRaVsK(metrics: readonly VariantKMetrics[], ctx: FigureContext): Figure {
  const series = [
    curve(metrics, "ra-string", "tau_RA, random strings (ra-string)", "model"),
    curve(metrics, "ra-token", "tau_RA, random tokens (ra-token)", "model"),
    curve(metrics, "gold", "gold labels", "reference"),
  ];
  const chance = chanceOf(metrics);
  const needed = ["ra-string", "ra-token", "gold"];
  const c = completeness(needed, (v) => plainRuns(metrics, v).length > 0, ctx.kCurve);
  // A curve needs several k: one k is a point, not the paper's figure.
  const ks = new Set(series.flatMap((s) => s.points.map((p) => p.x)));
  const fewK =
    c.status === "complete" && ks.size < 3
      ? { status: "partial" as const, missing: { variants: needed, k: ctx.kCurve, text: `A curve needs several k (found ${ks.size}): run ${needed.join(", ")} at k = ${ctx.kCurve.join(", ")}.` } }
      : undefined;
  return {
    id: "h1-ra-vs-k",
    number: 1,
    hypothesis: "H1",
    title: "tau_RA accuracy versus k (H1)",
    caption:
      "Labels replaced by random strings or single tokens (the same map in every demonstration and in the answer). Under H1 (ICL only selects a pre-trained task) tau_RA stays at chance for every k; rising above chance while gold does means the new mapping is learnt in context.",
    verdicts: ["H1"],
    panels: [{ kind: "points", title: "", xLabel: "k (demonstrations)", yLabel: "accuracy", series, refLines: chance === undefined ? [] : [{ name: "chance", y: chance }] }],
    runs: runsOfSeries(series),
    ...(fewK ?? c),
  };
}
