// H3 (structured task selection) figures.
// Figure 4: tau_RA versus tau_g-ICL across random g, binned by tau_g accuracy (the paper's view)
// and as a scatter: under H3 a g that is easy to apply as a task is easy to learn as a label map.
// Figure 5: natural g (synonym, antonym, keyword) versus random g: natural maps compose tasks the
// model knows, so they should be easier.
// Figure 6: accuracy versus the order m of synonym chains: composed maps stay learnable but get
// harder with each hop.
import type { VariantKMetrics } from "../metrics";
import type { Verdict } from "../verdicts/common";
import { poolDraws, sideOf, type Side } from "../verdicts/draws";
import { chanceOf, completeness, correlationStats, drawRuns, plainRuns, pointOf, pointOfTested, runAt, runsOfSeries, type FigureContext } from "./common";
import type { Figure, FigureSeries } from "./types";

const NATURAL = [
  { id: "ra-synonym", name: "synonym" },
  { id: "ra-antonym", name: "antonym" },
  { id: "ra-keyword", name: "keyword" },
];
const CHAIN = [1, 2, 3, 4, 5].map((m) => `ra-chain-${m}`);

export function figureRaVsG(metrics: readonly VariantKMetrics[], verdict: Verdict | undefined, ctx: FigureContext): Figure {
  const base = {
    id: "h3-ra-vs-g" as const,
    number: 4,
    hypothesis: "H3" as const,
    title: "tau_RA versus tau_g-ICL across random g (H3)",
    caption:
      "Each point is one random map g (a draw within a seed): how well the model learns it as a label map (tau_RA: labels replaced by g) against how well it applies it as a task (tau_g-ICL: input = label word, answer = g(label word)). Left, the paper's view: mean tau_RA per bin of tau_g accuracy. Under H3 tau_RA rises with tau_g; the correlation is taken within seeds.",
    verdicts: ["H3-correlation"],
  };
  const chance = chanceOf(metrics);
  const refLines = chance === undefined ? [] : [{ name: "chance", y: chance }];
  const range = (id: string) => `${id}#0..${ctx.draws - 1}`;
  if (!verdict || !verdict.points || verdict.points.length === 0) {
    const ids = ["ra-token", "g-token"];
    const absent = ids.filter((id) => drawRuns(metrics, id).length === 0);
    const variants = (absent.length ? absent : ids).map(range);
    return {
      ...base,
      panels: [
        { kind: "bins", title: "binned by tau_g-ICL", xLabel: "tau_g-ICL accuracy (bin)", yLabel: "mean tau_RA accuracy", bins: [], refLines },
        { kind: "scatter", title: "each g", xLabel: "tau_g-ICL accuracy", yLabel: "tau_RA accuracy", points: [], diagonal: true, stats: [], refLines },
      ],
      runs: [],
      status: "missing",
      missing: { variants, k: [ctx.mainK], text: `Add ${variants.join(" and ")} at k = ${ctx.mainK} (ra-token#n and g-token#n share the n-th g).` },
    };
  }
  const n = verdict.numbers;
  const k = Number(n.k);
  const stats = [
    { name: "functions g", value: `${verdict.points.length} (${n["draws of g"]} draws x ${n.seeds ?? 1} seeds), k = ${k}` },
    { name: "pairs", value: `${n["tau_RA"]}#n with ${n["tau_g-ICL"]}#n` },
    ...correlationStats(n, ""),
  ];
  const draws = Number(n["draws of g"]);
  const short = draws < ctx.draws;
  const ids = [String(n["tau_RA"]), String(n["tau_g-ICL"])];
  return {
    ...base,
    panels: [
      {
        kind: "bins",
        title: "binned by tau_g-ICL",
        xLabel: "tau_g-ICL accuracy (bin)",
        yLabel: "mean tau_RA accuracy",
        bins: (verdict.bins ?? []).map((b) => ({ lo: b.lo, hi: b.hi, count: b.count, mean: b.meanRA })),
        refLines,
      },
      {
        kind: "scatter",
        title: "each g",
        xLabel: "tau_g-ICL accuracy",
        yLabel: "tau_RA accuracy",
        points: verdict.points.map((p) => ({ x: p.g, y: p.ra, draw: p.draw, seed: p.seed })),
        diagonal: true,
        stats,
        refLines,
      },
    ],
    runs: verdict.runs.map((r) => ({ variant: r.variant, k: r.k })),
    status: short ? "partial" : "complete",
    ...(short ? { missing: { variants: ids.map(range), k: [k], text: `Only ${draws} of ${ctx.draws} draws of g ran at k = ${k}: add ${ids.map(range).join(" and ")}.` } } : {}),
  };
}

/** The k of the natural-vs-random comparison: the largest k where a natural map ran (else the main k). */
function naturalK(metrics: readonly VariantKMetrics[], ctx: FigureContext): number {
  const ks = NATURAL.flatMap((n) => plainRuns(metrics, n.id).map((m) => m.k)).filter((k) => k > 0);
  return ks.length ? Math.max(...ks) : ctx.mainK;
}

/** Random g at k: the plain ra-string run, else its draws pooled per seed (as the H3-natural verdict compares). */
function randomSide(metrics: readonly VariantKMetrics[], k: number, level: number): Side | undefined {
  const plain = runAt(metrics, "ra-string", k);
  if (plain) return sideOf(plain);
  const draws = drawRuns(metrics, "ra-string").filter((m) => m.k === k);
  return draws.length ? poolDraws(draws, "ra-string#* (pooled draws)", level)[0] : undefined;
}

export function figureNaturalVsRandom(metrics: readonly VariantKMetrics[], ctx: FigureContext, level = 0.95): Figure {
  const k = naturalK(metrics, ctx);
  const random = randomSide(metrics, k, level);
  const randomCategory = "random (ra-string)";
  const categories = [randomCategory, ...NATURAL.map((n) => n.name)];
  const series: FigureSeries[] = [
    {
      name: "random g",
      role: "model",
      line: false,
      points: random ? [pointOfTested(randomCategory, random.accuracy, { variant: random.variant.startsWith("ra-string#") ? "ra-string#*" : random.variant, k })] : [],
    },
    {
      name: "natural g",
      role: "model",
      line: false,
      points: NATURAL.flatMap((n) => {
        const m = runAt(metrics, n.id, k);
        return m ? [pointOf(n.name, m)] : [];
      }),
    },
  ];
  const gold = runAt(metrics, "gold", k);
  const chance = chanceOf(metrics);
  const c = completeness([...NATURAL.map((n) => n.id), "ra-string"], (v) => (v === "ra-string" ? !!random : !!runAt(metrics, v, k)), [k]);
  return {
    id: "h3-natural-vs-random",
    number: 5,
    hypothesis: "H3",
    title: "Natural g versus random g (H3)",
    caption: `Labels mapped to a synonym, an antonym or a related keyword (WordNet or the file's word lists) against random strings, at k = ${k}, with 95% intervals over seeds. Under H3 natural maps, which compose tasks the model knows, are easier than random ones; the verdict compares each with random g seed by seed.`,
    verdicts: ["H3-natural"],
    panels: [
      {
        kind: "points",
        title: `k = ${k}`,
        xLabel: "label map g",
        categories,
        yLabel: "accuracy",
        series,
        refLines: [...(chance === undefined ? [] : [{ name: "chance", y: chance }]), ...(gold ? [{ name: "gold", y: gold.accuracy.value }] : [])],
      },
    ],
    runs: [
      ...runsOfSeries(series).filter((r) => r.variant !== "ra-string#*"),
      ...(random && random.variant.startsWith("ra-string#")
        ? drawRuns(metrics, "ra-string")
            .filter((m) => m.k === k)
            .map((m) => ({ variant: m.variant, k }))
        : []),
    ],
    ...c,
  };
}

export function figureChain(metrics: readonly VariantKMetrics[], verdict: Verdict | undefined, ctx: FigureContext): Figure {
  const vk = verdict && typeof verdict.numbers.k === "number" ? verdict.numbers.k : undefined;
  const ks = CHAIN.flatMap((id) => plainRuns(metrics, id).map((m) => m.k));
  const k = vk ?? (ks.length ? Math.max(...ks) : ctx.mainK);
  const points = CHAIN.flatMap((id, i) => {
    const m = runAt(metrics, id, k);
    return m ? [pointOf(i + 1, m)] : [];
  });
  const series: FigureSeries[] = [{ name: "synonym chain of order m (ra-chain-m)", role: "model", line: true, points }];
  const gold = runAt(metrics, "gold", k);
  const random = runAt(metrics, "ra-string", k);
  const chance = chanceOf(metrics);
  const c = completeness(CHAIN, (v) => !!runAt(metrics, v, k), [k]);
  return {
    id: "h3-chain",
    number: 6,
    hypothesis: "H3",
    title: "Accuracy versus synonym-chain order m (H3)",
    caption: `Labels mapped through m hops of synonyms (m = 1: a synonym; m = 2: a synonym of it; ...), at k = ${k}. Under H3 accuracy stays above chance but falls as m grows (each hop composes one more pre-trained task); gold and random strings at the same k for reference.`,
    verdicts: ["H3-chain"],
    panels: [
      {
        kind: "points",
        title: `k = ${k}`,
        xLabel: "chain order m",
        yLabel: "accuracy",
        series,
        refLines: [
          ...(chance === undefined ? [] : [{ name: "chance", y: chance }]),
          ...(gold ? [{ name: "gold", y: gold.accuracy.value }] : []),
          ...(random ? [{ name: "random (ra-string)", y: random.accuracy.value }] : []),
        ],
      },
    ],
    runs: runsOfSeries(series),
    ...c,
  };
}
