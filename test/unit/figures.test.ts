// The paper's figures (src/core/figures) are projections of the run's one analysis: every mark is a
// metric, baseline or verdict point of the core, a figure whose runs are missing says what to add,
// and the SVG renderer draws exactly the figure's numbers (in data-* attributes the e2e tests read).
import { test } from "node:test";
import assert from "node:assert/strict";
import { analyseRun, metricsAt } from "../../src/core/analysis";
import { logregBySeed, seriesVs } from "../../src/core/compare";
import { FIGURE_IDS, type Figure, type PointsPanel, type ScatterPanel, type BinsPanel } from "../../src/core/figures/types";
import type { BaselineRecord } from "../../src/core/results/schema";
import type { QueryRecord } from "../../src/core/types";
import { figureCss, figureSvg, PAPER_THEME } from "../../src/shared/figureSvg";
import { groupRuns, runsText } from "../../src/shared/figureRuns";
import { makeRecords } from "../support/extensionFixtures";
import { at } from "../support/at";

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const L = ["negative", "positive"];

/** Deterministic accuracies that differ by variant, k and seed (a hash of the three). */
function acc(variant: string, k: number, i: number): boolean {
  let h = 2166136261;
  for (const c of `${variant}|${k}|${i}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  const base = variant === "gold" ? 0.85 : variant.startsWith("ra-chain") ? 0.9 - 0.08 * Number(variant.slice(-1)) : variant.startsWith("g-") ? 0.7 : 0.55;
  return ((h >>> 0) % 1000) / 1000 < base + k / 100;
}

function studyRecords(): { records: QueryRecord[]; baselines: BaselineRecord[] } {
  const records = [
    ...makeRecords({ variants: ["gold", "ra-string", "ra-token", "pa-word", "pa-token"], ks: [0, 4, 8], seeds: SEEDS, queries: 10, labels: L, correct: acc }),
    ...makeRecords({
      variants: ["ra-synonym", "ra-antonym", "ra-keyword", "ra-chain-1", "ra-chain-2", "ra-chain-3", "ra-chain-4", "ra-chain-5"],
      ks: [8],
      seeds: SEEDS,
      queries: 10,
      labels: L,
      correct: acc,
    }),
    ...makeRecords({ variants: [0, 1, 2, 3].flatMap((d) => [`ra-token#${d}`, `g-token#${d}`, `g-linear#${d}`]), ks: [8], seeds: SEEDS, queries: 10, labels: L, correct: acc }),
  ];
  // Logistic regression on tau_PA's demos: 6 or 7 of 10 per seed.
  const baselines: BaselineRecord[] = ["pa-word", "pa-token"].flatMap((variant) =>
    [4, 8].flatMap((k) => SEEDS.map((seed) => ({ variant, k, seed, n: 10, majorityCorrect: 5, logregCorrect: 6 + (seed % 2) }))),
  );
  return { records, baselines };
}

const study = { k: 8, kCurve: [0, 4, 8], draws: 4 };
function analysed() {
  const { records, baselines } = studyRecords();
  return analyseRun({ records, baselines, manifest: { study } });
}
const points = (f: Figure, i = 0) => f.panels[i] as PointsPanel;
const unescape = (s: string): string =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

test("six figures in the paper's order, each naming its verdicts; complete when every run is there", () => {
  const a = analysed();
  assert.deepEqual(
    a.figures.map((f) => f.id),
    FIGURE_IDS,
  );
  assert.deepEqual(
    a.figures.map((f) => f.number),
    [1, 2, 3, 4, 5, 6],
  );
  assert.deepEqual(
    a.figures.map((f) => f.verdicts),
    [["H1"], ["H2"], ["H2"], ["H3-correlation"], ["H3-natural"], ["H3-chain"]],
  );
  assert.deepEqual(
    a.figures.map((f) => f.status),
    ["complete", "complete", "complete", "complete", "complete", "complete"],
  );
  for (const f of a.figures) assert.ok(f.runs.length > 0 && f.caption.length > 40, f.id);
});

test("figure 1: tau_RA and gold over k are the core's accuracies and intervals, with chance", () => {
  const a = analysed();
  const f = points(at(a.figures, 0));
  assert.deepEqual(
    f.series.map((s) => s.name),
    ["tau_RA, random strings (ra-string)", "tau_RA, random tokens (ra-token)", "gold labels"],
  );
  for (const [s, v] of [
    [at(f.series, 0), "ra-string"],
    [at(f.series, 1), "ra-token"],
    [at(f.series, 2), "gold"],
  ] as const) {
    assert.deepEqual(
      s.points.map((p) => p.x),
      [0, 4, 8],
    );
    for (const p of s.points) {
      const m = metricsAt(a, v, p.x as number)!;
      assert.equal(p.y, m.accuracy.value);
      assert.equal(p.lo, m.accuracy.interval!.lo, "8 seeds give a 95% interval");
      assert.equal(p.hi, m.accuracy.interval!.hi);
      assert.equal(p.units, "8 seeds");
      assert.deepEqual(p.run, { variant: v, k: p.x });
    }
  }
  assert.deepEqual(f.refLines, [{ name: "chance", y: 0.5 }]);
});

test("figure 2: logistic regression on tau_PA's demos is the seed-level inference of compare.ts", () => {
  const a = analysed();
  const f = points(at(a.figures, 1));
  const lr = f.series.find((s) => s.name === "logistic regression on pa-word's demos")!;
  assert.equal(lr.role, "baseline");
  assert.deepEqual(
    lr.points.map((p) => p.x),
    [4, 8],
    "no baseline at k = 0 in these records",
  );
  for (const p of lr.points) {
    const t = seriesVs(logregBySeed(metricsAt(a, "pa-word", p.x as number)!)!, 0.5)!;
    assert.equal(p.y, t.estimate);
    assert.equal(p.lo, t.interval!.lo);
    assert.ok(Math.abs(p.y - 0.65) < 1e-12, "6 or 7 of 10 per seed");
  }
});

test("figures 3 and 4: one point per random g (draw x seed), from the paired draws and the H3 verdict", () => {
  const a = analysed();
  const f3 = at(a.figures, 2);
  const sc = f3.panels[0] as ScatterPanel;
  assert.equal(sc.points.length, 4 * SEEDS.length);
  for (const p of sc.points) {
    const lin = metricsAt(a, `g-linear#${p.draw}`, 8)!.perSeed.find((s) => s.seed === p.seed)!;
    const icl = metricsAt(a, `g-token#${p.draw}`, 8)!.perSeed.find((s) => s.seed === p.seed)!;
    assert.equal(p.x, lin.accuracy);
    assert.equal(p.y, icl.accuracy);
  }
  assert.ok(sc.diagonal);
  // The correlation and the ICL-below-least-squares test are the H2 verdict's own numbers.
  const h2 = a.verdicts.find((x) => x.id === "H2")!;
  const stat = (name: string) => sc.stats.find((s) => s.name === name)?.value ?? "";
  const n2 = (key: string) => (h2.numbers[key] as number).toFixed(2);
  assert.equal(stat("within-seed Pearson r").split(";")[0], `${n2("tau_g within-seed Pearson r")} (95% CI ${n2("tau_g Pearson r CI low")} to ${n2("tau_g Pearson r CI high")})`);
  assert.match(stat("within-seed Spearman rho"), /^-?\d\.\d\d \(95% CI -?\d\.\d\d to -?\d\.\d\d\); one-sided permutation p = /);
  assert.equal(
    stat("ICL below least squares"),
    (() => {
      const c = h2.conditions.find((x) => x.id === "icl-below-linear")!;
      return `${c.status}: ${c.detail}`;
    })(),
  );
  assert.match(stat("tau_g-ICL (pooled draws)"), /95% CI .*8 seeds/);
  const means = points(f3, 1);
  assert.deepEqual(means.categories, ["in context (g-token)", "least squares (g-linear)"]);

  const v = a.verdicts.find((x) => x.id === "H3-correlation")!;
  const f4 = at(a.figures, 3);
  const bins = f4.panels[0] as BinsPanel;
  const sc4 = f4.panels[1] as ScatterPanel;
  assert.deepEqual(
    sc4.points,
    v.points!.map((p) => ({ x: p.g, y: p.ra, draw: p.draw, seed: p.seed })),
  );
  assert.deepEqual(
    bins.bins,
    v.bins!.map((b) => ({ lo: b.lo, hi: b.hi, count: b.count, mean: b.meanRA })),
  );
  assert.equal(v.numbers["tau_RA"], "ra-token", "the study's token draws");
  assert.deepEqual(
    groupRuns(f4.runs).map((g) => g.label),
    ["ra-token#0..3", "g-token#0..3"],
  );
});

test("figures 5 and 6: natural vs random g at one k, and the chain over m, with intervals", () => {
  const a = analysed();
  const f5 = points(at(a.figures, 4));
  assert.deepEqual(f5.categories, ["random (ra-string)", "synonym", "antonym", "keyword"]);
  const random = at(at(f5.series, 0).points, 0);
  assert.equal(random.y, metricsAt(a, "ra-string", 8)!.accuracy.value);
  assert.deepEqual(
    at(f5.series, 1).points.map((p) => [p.x, p.y]),
    ["ra-synonym", "ra-antonym", "ra-keyword"].map((v, i) => [["synonym", "antonym", "keyword"][i], metricsAt(a, v, 8)!.accuracy.value]),
  );
  assert.deepEqual(
    f5.refLines.map((r) => r.name),
    ["chance", "gold"],
  );
  const f6 = points(at(a.figures, 5));
  assert.deepEqual(
    at(f6.series, 0).points.map((p) => p.x),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual(
    at(f6.series, 0).points.map((p) => p.y),
    [1, 2, 3, 4, 5].map((m) => metricsAt(a, `ra-chain-${m}`, 8)!.accuracy.value),
  );
  assert.deepEqual(
    f6.refLines.map((r) => r.name),
    ["chance", "gold", "random (ra-string)"],
  );
});

test("missing runs: each figure says which variants to add, at which k", () => {
  const { records } = studyRecords();
  const some = analyseRun({ records: records.filter((r) => r.variant === "gold" || r.variant === "ra-string"), manifest: { study: { k: 32, kCurve: [0, 8, 32], draws: 50 } } });
  const [f1, f2, f3, f4, f5, f6] = some.figures;
  assert.ok(f1 && f2 && f3 && f4 && f5 && f6, `six figures, got ${some.figures.length}`);
  assert.equal(f1.status, "partial");
  assert.deepEqual(f1.missing, { variants: ["ra-token"], k: [0, 8, 32], text: "Add ra-token at k = 0, 8, 32." });
  assert.equal(f2.status, "partial");
  assert.deepEqual(f2.missing!.variants, ["pa-word", "pa-token"]);
  assert.equal(f3.status, "missing");
  assert.deepEqual(f3.missing, { variants: ["g-token#0..49", "g-linear#0..49"], k: [32], text: "Add g-token#0..49 and g-linear#0..49 at k = 32 (g-token#n and g-linear#n share the n-th g)." });
  assert.deepEqual(f4.missing!.variants, ["ra-token#0..49", "g-token#0..49"]);
  assert.equal(f5.status, "missing", "at the study's k = 32 neither natural nor random g ran");
  assert.deepEqual(f5.missing, { variants: ["ra-synonym", "ra-antonym", "ra-keyword", "ra-string"], k: [32], text: "Add ra-synonym, ra-antonym, ra-keyword, ra-string at k = 32." });
  assert.deepEqual(f6.missing!.variants, ["ra-chain-1", "ra-chain-2", "ra-chain-3", "ra-chain-4", "ra-chain-5"]);
  // Fewer draws than the study planned: partial, with the draws still to add.
  const { records: all, baselines } = studyRecords();
  const short = analyseRun({ records: all, baselines, manifest: { study: { ...study, draws: 10 } } });
  assert.equal(at(short.figures, 3).status, "partial");
  assert.match(at(short.figures, 3).missing!.text, /Only 4 of 10 draws/);
  // An empty run: nothing drawn, everything to add.
  const empty = analyseRun({ records: [] });
  assert.ok(empty.figures.every((f) => f.status === "missing" && f.missing && f.missing.variants.length > 0));
});

test("the SVG draws the figure's numbers: one mark per point, with its values in data attributes", () => {
  const a = analysed();
  for (const f of a.figures) {
    const svg = figureSvg(f);
    assert.equal(svg, figureSvg(f), "same input, same bytes");
    assert.doesNotMatch(svg, /\sstyle=/, "no inline style attributes (content security policies refuse them)");
    assert.match(svg, new RegExp(`^<svg [^>]*data-figure="${f.id}" data-status="complete"`));
    const marks: Record<string, string>[] = [...svg.matchAll(/<(circle|rect) data-mark="(point|bin)"([^>]*)>/g)].map((m) =>
      Object.fromEntries([...at(m, 3).matchAll(/data-([a-z]+)="([^"]*)"/g)].map((x) => [x[1], unescape(at(x, 2))])),
    );
    const expected: Record<string, string>[] = f.panels.flatMap((p): Record<string, string>[] =>
      p.kind === "points"
        ? p.series.flatMap((s) => s.points.map((q) => ({ series: s.name, x: String(q.x), y: String(q.y) })))
        : p.kind === "scatter"
          ? p.points.map((q) => ({ x: String(q.x), y: String(q.y), draw: String(q.draw), seed: String(q.seed) }))
          : p.bins.filter((b) => b.count > 0).map((b) => ({ y: String(b.mean), count: String(b.count) })),
    );
    assert.equal(marks.length, expected.length, `${f.id}: one mark per point`);
    expected.forEach((e, i) => {
      for (const [k, v] of Object.entries(e)) assert.equal(at(marks, i)[k], v, `${f.id} mark ${i} ${k}`);
    });
  }
  const f1 = figureSvg(at(a.figures, 0), { title: true, fixedSize: true });
  assert.match(f1, /width="440" height="\d+(\.\d+)?"/);
  assert.match(f1, /<text[^>]*>Figure 1\. tau_RA accuracy versus k \(H1\)<\/text>/);
  assert.match(f1, /fill="#ffffff"/, "an exported file has a white background");
});

test("the SVG escapes text and exposes every colour role to a page's CSS", () => {
  const a = analysed();
  const f = structuredClone(at(a.figures, 0));
  at((f.panels[0] as PointsPanel).series, 0).name = `<script>"&'`;
  const svg = figureSvg(f);
  assert.ok(!svg.includes("<script>"));
  assert.match(svg, /&lt;script&gt;&quot;&amp;&#39;/);
  const css = figureCss({ fg: "var(--fg)", muted: "m", grid: "g", bg: "b", palette: PAPER_THEME.palette });
  for (const role of [...svg.matchAll(/class="([^"]+)"/g)].flatMap((m) => at(m, 1).split(" ")).filter((c) => /^[fs]-/.test(c))) assert.ok(css.includes(`.${role}{`), `${role} is styled`);
});

test("runs behind a figure are grouped for display: draws as a range", () => {
  assert.deepEqual(
    groupRuns([
      { variant: "gold", k: 0 },
      { variant: "gold", k: 8 },
      { variant: "ra-token#0", k: 8 },
      { variant: "ra-token#1", k: 8 },
      { variant: "ra-token#2", k: 8 },
      { variant: "g-token#0", k: 8 },
      { variant: "g-token#5", k: 8 },
    ]),
    [
      { label: "gold", variant: "gold", k: [0, 8] },
      { label: "ra-token#0..2", variant: "ra-token#0", k: [8] },
      { label: "g-token#n (2 draws)", variant: "g-token#0", k: [8] },
    ],
  );
  assert.equal(runsText([{ variant: "ra-chain-1", k: 32 }]), "ra-chain-1 at k = 32");
});
