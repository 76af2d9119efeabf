// H2 (meta-learning) figures.
// Figure 2: tau_PA (inputs ciphered) versus logistic regression on the same demonstrations, with
// gold and chance: a general learner on the demos should learn the ciphered task about as well as
// a bag-of-words learner does.
// Figure 3: tau_g-ICL versus tau_g-Linear across random g: if ICL were gradient-descent-like
// learning, it would match least squares on the same pairs and the two would correlate across g.
import type { VariantKMetrics } from "../metrics";
import { defined } from "../defined";
import { logregBySeed, seriesVs } from "../compare";
import { drawPairs, poolDraws, type Side } from "../verdicts/draws";
import type { Verdict } from "../verdicts/common";
import { estimateText } from "../verdicts/common";
import { chanceOf, completeness, correlationStats, curve, drawRuns, plainRuns, pointOfTested, runsOfSeries, type FigureContext } from "./common";
import type { Figure, FigurePoint, FigureRun, FigureSeries } from "./types";

/** Logistic regression on the demos of each run of `id`, over k: the core's seed-level inference, or the pooled accuracy for one seed. */
function logregCurve(metrics: readonly VariantKMetrics[], id: string, name: string, level: number): FigureSeries {
  const points: FigurePoint[] = [];
  for (const m of plainRuns(metrics, id)) {
    const run = { variant: m.variant, k: m.k };
    const lr = logregBySeed(m);
    const t = lr && seriesVs(lr, m.chance, level);
    if (t) points.push(pointOfTested(m.k, t, run));
    else if (m.baselines && m.baselines.n > 0) points.push({ x: m.k, y: m.baselines.logreg, units: `${m.seeds.length} seed`, run });
  }
  return { name, role: "baseline", line: true, points };
}

export function figurePaVsLogreg(metrics: readonly VariantKMetrics[], ctx: FigureContext, level = 0.95): Figure {
  const series = [
    curve(metrics, "pa-word", "tau_PA, word cipher (pa-word)", "model"),
    curve(metrics, "pa-token", "tau_PA, token permutation (pa-token)", "model"),
    logregCurve(metrics, "pa-word", "logistic regression on pa-word's demos", level),
    logregCurve(metrics, "pa-token", "logistic regression on pa-token's demos", level),
    curve(metrics, "gold", "gold labels", "reference"),
  ];
  const chance = chanceOf(metrics);
  const needed = ["pa-word", "pa-token", "gold"];
  const c = completeness(needed, (v) => plainRuns(metrics, v).length > 0, ctx.kCurve);
  return {
    id: "h2-pa-vs-logreg",
    number: 2,
    hypothesis: "H2",
    title: "tau_PA versus logistic regression on the same demonstrations (H2)",
    caption:
      "Inputs ciphered word by word (pa-word) or token by token (pa-token); logistic regression (bag of n-grams, fixed hyperparameters) is trained on exactly the demonstrations the model saw. Under H2 ICL learns the ciphered task like a simple learner does; tau_PA at chance while logistic regression learns it, with gold learnt, speaks against H2.",
    verdicts: ["H2"],
    panels: [{ kind: "points", title: "", xLabel: "k (demonstrations)", yLabel: "accuracy", series, refLines: chance === undefined ? [] : [{ name: "chance", y: chance }] }],
    runs: runsOfSeries(series),
    ...c,
  };
}

export function figureIclVsLinear(metrics: readonly VariantKMetrics[], verdict: Verdict | undefined, ctx: FigureContext, level = 0.95): Figure {
  const best = drawPairs(metrics, "g-linear", "g-token")[0];
  const range = (id: string) => `${id}#0..${ctx.draws - 1}`;
  const base = {
    id: "h2-icl-vs-linear" as const,
    number: 3,
    hypothesis: "H2" as const,
    title: "tau_g-ICL versus tau_g-Linear across random g (H2)",
    caption:
      "Each point is one random single-token map g (a draw within a seed): its accuracy learnt in context (g-token: input = label word, answer = g(label word)) against least squares on the model's input embeddings of the same demonstrations (g-linear). Under H2 the points lie near the diagonal and correlate; ICL far below least squares, or no correlation, speaks against gradient-descent-like learning.",
    verdicts: ["H2"],
  };
  const chance = chanceOf(metrics);
  const refLines = chance === undefined ? [] : [{ name: "chance", y: chance }];
  if (!best) {
    const ids = ["g-token", "g-linear"];
    const absent = ids.filter((id) => drawRuns(metrics, id).length === 0);
    const needed = (absent.length ? absent : ids).map(range);
    return {
      ...base,
      panels: [{ kind: "scatter", title: "", xLabel: "tau_g-Linear accuracy (least squares)", yLabel: "tau_g-ICL accuracy (in context)", points: [], diagonal: true, stats: [], refLines }],
      runs: [],
      status: "missing",
      missing: { variants: needed, k: [ctx.mainK], text: `Add ${needed.join(" and ")} at k = ${ctx.mainK} (g-token#n and g-linear#n share the n-th g).` },
    };
  }
  const k = best.k;
  // best's pairs all ran at k, so each side pools into one Side.
  const pooled = (runs: VariantKMetrics[], name: string): Side => defined(poolDraws(runs, name, level)[0], `${name} at k = ${k}`);
  const icl = pooled(
    best.pairs.map((p) => p.y),
    "g-token#* (pooled draws)",
  );
  const linear = pooled(
    best.pairs.map((p) => p.x),
    "g-linear#* (pooled draws)",
  );
  // The correlation and the ICL-below-least-squares test are the H2 verdict's (h2Linear.ts).
  const n = verdict?.numbers ?? {};
  const below = verdict?.conditions.find((c) => c.id === "icl-below-linear" && c.run?.k === k);
  const corrHere = n["tau_g correlation k"] === k;
  const stats = [
    { name: "functions g", value: `${best.points.length} (${best.pairs.length} draws x ${new Set(best.points.map((p) => p.seed)).size} seeds), k = ${k}` },
    ...(corrHere ? correlationStats(n, "tau_g ") : []),
    { name: "tau_g-ICL (pooled draws)", value: estimateText(icl.accuracy, level) },
    { name: "tau_g-Linear (pooled draws)", value: estimateText(linear.accuracy, level) },
    ...(below ? [{ name: "ICL below least squares", value: `${below.status}: ${below.detail}` }] : []),
  ];
  const means: FigureSeries[] = [
    { name: "tau_g-ICL (g-token)", role: "model", line: false, points: [pointOfTested("in context (g-token)", icl.accuracy)] },
    { name: "tau_g-Linear (g-linear)", role: "baseline", line: false, points: [pointOfTested("least squares (g-linear)", linear.accuracy)] },
  ];
  const runs: FigureRun[] = best.pairs.flatMap((p) => [
    { variant: p.y.variant, k },
    { variant: p.x.variant, k },
  ]);
  const short = best.pairs.length < ctx.draws;
  return {
    ...base,
    panels: [
      { kind: "scatter", title: `each g, k = ${k}`, xLabel: "tau_g-Linear accuracy (least squares)", yLabel: "tau_g-ICL accuracy (in context)", points: best.points, diagonal: true, stats, refLines },
      { kind: "points", title: "mean over g", xLabel: "", categories: ["in context (g-token)", "least squares (g-linear)"], yLabel: "accuracy", series: means, refLines },
    ],
    runs,
    status: short ? "partial" : "complete",
    ...(short
      ? {
          missing: {
            variants: [range("g-token"), range("g-linear")],
            k: [k],
            text: `Only ${best.pairs.length} of ${ctx.draws} draws of g ran at k = ${k}: add ${range("g-token")} and ${range("g-linear")}.`,
          },
        }
      : {}),
  };
}
