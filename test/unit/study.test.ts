// Studies as data (src/core/study): each catalog entry resolves into the grid of an ordinary plan,
// with the paper's k, seeds and draws as defaults the user overrides; the plan runs only the
// grid's cells, and a run's settings grow by a figure's missing runs without losing a cell.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDemoFile } from "../../src/core/demoFile";
import { planExperiment, PlanError } from "../../src/core/experiment/plan";
import { STUDIES, StudyError, extendSettings, findStudy, resolveStudy, withStudyGrid } from "../../src/core/study";
import { studyPlanText } from "../../src/core/study/describe";
import { FIGURE_IDS } from "../../src/core/figures/types";
import { expandVariantKeys, getVariant } from "../../src/core/variants";
import type { ProbeSettings } from "../../src/core/types";
import { at } from "../support/at";
import { defined } from "../../src/core/defined";

const root = join(__dirname, "..", "..", "..");
const sentiment = readFileSync(join(root, "examples", "sentiment.icl.jsonl"), "utf8");
const li = findStudy("li2024")!;
const min = findStudy("min2022")!;

/** Resolves a study on the sentiment example and plans it, as the CLI and the editor do. */
function planned(id: string, opts = {}) {
  const def = findStudy(id)!;
  const r = resolveStudy(def, opts);
  const file = parseDemoFile(sentiment, "sentiment.icl.jsonl", r.overrides);
  assert.deepEqual(
    file.problems.filter((p) => p.severity === "error"),
    [],
  );
  const settings = withStudyGrid(file.settings, r);
  return { r, file, settings, plan: planExperiment({ file, settings }) };
}

test("the catalog: Li et al. 2024 first, Min et al. 2022 second; every block names known variants and figures", () => {
  assert.deepEqual(
    STUDIES.map((s) => s.id),
    ["li2024", "min2022"],
  );
  for (const s of STUDIES) {
    for (const b of s.blocks) {
      for (const id of [...(b.variants ?? []), ...(b.draws ?? [])]) assert.ok(getVariant(id), `${s.id} block ${b.id}: ${id} is a variant`);
      for (const f of b.figures) assert.ok(s.figures.includes(f), `${s.id} block ${b.id} feeds ${f}, one of its figures`);
    }
    for (const f of s.figures) assert.ok(FIGURE_IDS.includes(f));
    assert.ok(s.notes.length > 0, "the defaults say why");
  }
  assert.deepEqual(li.figures, FIGURE_IDS, "Li et al.'s six figures, in the paper's order");
  assert.equal(li.defaults.k, 32);
  assert.equal(li.defaults.draws, 50);
  assert.equal(min.defaults.k, 16);
});

test("Li et al. 2024 defaults: k = 32 plus the tau_RA k curve, 10 seeds, 50 paired draws of g", () => {
  const { r, settings, plan } = planned("li2024");
  assert.deepEqual(r.overrides.seeds, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(r.overrides.queries, 32, "32 + k 32 fit the 96 reviews");
  assert.deepEqual(r.overrides.k, [0, 4, 8, 16, 32]);
  assert.deepEqual(r.manifest, { id: "li2024", name: "Li et al. 2024", k: 32, kCurve: [0, 4, 8, 16, 32], draws: 50, figures: [...FIGURE_IDS] });
  const curve = r.grid.find((g) => g.k.length > 1);
  assert.deepEqual(curve, { variants: ["gold", "ra-string", "ra-token", "pa-word", "pa-token"], k: [0, 4, 8, 16, 32] });
  // The blocks at the main k run first (the first demo set measured is a typical one); the tables keep the catalog's order.
  assert.deepEqual(
    r.grid.map((g) => g.k),
    [[32], [32], [32], [0, 4, 8, 16, 32]],
  );
  assert.deepEqual(r.overrides.variants.slice(0, 3), ["gold", "ra-string", "ra-token"]);
  assert.deepEqual([at(plan.groups, 0).variant, at(plan.groups, 0).k], ["ra-synonym", 32]);
  const draws = r.grid.find((g) => g.variants.some((v) => v.startsWith("g-token")))!;
  assert.deepEqual(draws.k, [32]);
  assert.ok(draws.variants.includes("ra-token#0..49") && draws.variants.includes("g-token#0..49"));
  // Every cell of the grid, and only those: 5 curve variants x 5 k, 8 natural/chain at k = 32, the draws at k = 32.
  const drawIds = draws.variants.length;
  const cells = new Set(plan.groups.map((g) => `${g.variant}|${g.k}`));
  assert.equal(cells.size, 25 + 8 + 50 * drawIds);
  assert.ok(cells.has("ra-token|16") && cells.has("ra-chain-5|32") && cells.has("g-token#49|32"));
  assert.ok(!cells.has("ra-chain-5|16") && !cells.has("g-token#0|0"), "no cell outside the grid");
  assert.equal(plan.totalQueries, cells.size * 10 * 32);
  assert.equal(settings.variants.length, new Set(settings.variants).size);
  assert.match(
    studyPlanText(r.manifest, plan, "sentiment.icl.jsonl"),
    new RegExp(
      `^Li et al\\. 2024 on sentiment\\.icl\\.jsonl: ${plan.totalQueries.toLocaleString("en-US")} queries in ${plan.groups.length.toLocaleString("en-US")} demo sets \\(10 seeds x 32 queries; k = 32; k curve 0, 4, 8, 16, 32; 50 random g; ${cells.size} variant x k runs\\)`,
    ),
  );
});

test("a grid plan draws the same query pools and demo sets as the full grid (comparisons stay paired)", () => {
  const { file, settings, plan } = planned("li2024", { seeds: [1, 2], queries: 6, draws: 2 });
  const full: ProbeSettings = { ...settings, grid: undefined, variants: expandVariantKeys(settings.variants) };
  const fullPlan = planExperiment({ file, settings: full });
  assert.deepEqual(plan.queryPools, fullPlan.queryPools);
  for (const g of plan.groups) {
    const same = fullPlan.groups.find((h) => h.id === g.id);
    assert.ok(same, g.id);
    assert.deepEqual(g, same);
  }
  assert.ok(plan.groups.length < fullPlan.groups.length);
  // Order: block by block, then variant, k and seed.
  assert.deepEqual(
    plan.groups.slice(0, 3).map((g) => [g.variant, g.k, g.seed]),
    [
      ["ra-synonym", 32, 1],
      ["ra-synonym", 32, 2],
      ["ra-antonym", 32, 1],
    ],
  );
  const curve = plan.groups.findIndex((g) => g.variant === "gold");
  assert.deepEqual(
    plan.groups.slice(curve, curve + 3).map((g) => [g.variant, g.k, g.seed]),
    [
      ["gold", 0, 1],
      ["gold", 0, 2],
      ["gold", 4, 1],
    ],
  );
});

test("options override the defaults; the plan caps queries to the file as for any run; a subset of figures runs their blocks", () => {
  const head = JSON.stringify({ "icl-probe": 1, labels: ["negative", "positive"] });
  const fifty = [head, ...sentiment.split("\n").slice(1, 51)].join("\n");
  const small = resolveStudy(li, {});
  const file = parseDemoFile(fifty, "fifty.icl.jsonl", small.overrides);
  assert.ok(
    file.problems.some((p) => p.code === "queries-capped"),
    "the parser says the queries are capped",
  );
  assert.equal(defined(planExperiment({ file, settings: withStudyGrid(file.settings, small) }).queryPools[1], "seed 1's query pool").length, 50 - 32);
  const o = resolveStudy(li, { seeds: [3, 4], k: 8, kCurve: [0, 2, 8], draws: 1 });
  assert.deepEqual(o.overrides.k, [0, 2, 8]);
  assert.deepEqual(o.overrides.seeds, [3, 4]);
  assert.ok(
    o.grid.some((g) => g.variants.includes("g-token#0")),
    "one draw is written #0",
  );
  const fig3 = resolveStudy(li, { figures: ["h3-chain"] });
  assert.deepEqual(
    fig3.grid.map((g) => g.variants[0]),
    ["ra-chain-1", "gold"],
    "figure 6 needs the chain and, for its references, the curve",
  );
  assert.deepEqual(fig3.manifest.figures, [...FIGURE_IDS], "the manifest keeps all the study's figures");
  const none = resolveStudy(li, { draws: 0 });
  assert.ok(!none.grid.some((g) => g.variants.some((v) => v.includes("#"))));
  assert.match(none.notes.join(" "), /draws = 0/);
  assert.throws(
    () => resolveStudy(li, { figures: ["h2-icl-vs-linear"], draws: 0 }),
    (e: unknown) => e instanceof StudyError && /nothing to run/.test((e as Error).message),
  );
  assert.throws(() => resolveStudy(min, { figures: ["h1-ra-vs-k"] }), StudyError);
  assert.throws(() => resolveStudy(li, { draws: -1 }), StudyError);
  assert.throws(() => resolveStudy(li, { seeds: [] }), StudyError);
});

test("Min et al. 2022: k = 16 with gold at k = 0, 6 seeds, label and format ablations", () => {
  const { r, plan } = planned("min2022");
  assert.deepEqual(r.overrides.k, [0, 16]);
  assert.deepEqual(r.overrides.seeds, [1, 2, 3, 4, 5, 6]);
  const cells = new Set(plan.groups.map((g) => `${g.variant}|${g.k}`));
  assert.deepEqual([...cells].sort(), [
    "correct-0|16",
    "correct-25|16",
    "correct-50|16",
    "correct-75|16",
    "gold|0",
    "gold|16",
    "inputs-only|16",
    "labels-only|16",
    "no-label-space|16",
    "random-labels|16",
  ]);
  assert.equal(r.manifest.draws, 0);
});

test("a grid must agree with the settings it comes with", () => {
  const { file, settings } = planned("min2022", { queries: 4 });
  assert.throws(
    () => planExperiment({ file, settings: { ...settings, grid: [...settings.grid!, { variants: ["gold"], k: [8] }] } }),
    (e: unknown) => e instanceof PlanError && /k = 8/.test((e as Error).message),
  );
  assert.throws(
    () => planExperiment({ file, settings: { ...settings, grid: [{ variants: ["flipped"], k: [16] }] } }),
    (e: unknown) => e instanceof PlanError && /flipped/.test((e as Error).message),
  );
  assert.throws(
    () => planExperiment({ file, settings: { ...settings, grid: [{ variants: ["gold"], k: [16] }] } }),
    (e: unknown) => e instanceof PlanError && /in no block/.test((e as Error).message),
  );
});

test("extendSettings: a figure's missing runs join the grid; every earlier cell stays", () => {
  const { file, settings, plan } = planned("li2024", { seeds: [1, 2], queries: 4, draws: 2, figures: ["h1-ra-vs-k"] });
  const grown = extendSettings(settings, { variants: ["ra-token#0..1", "g-token#0..1"], k: [32] });
  const next = planExperiment({ file, settings: grown });
  const ids = new Set(next.groups.map((g) => g.id));
  for (const g of plan.groups) assert.ok(ids.has(g.id), `${g.id} is still planned`);
  assert.ok(next.groups.some((g) => g.variant === "g-token#1" && g.k === 32));
  assert.equal(next.totalQueries, plan.totalQueries + 2 * 2 * 2 * 4, "2 ids x 2 draws x 2 seeds x 4 queries");
  // A run without a grid grows the same way (its variants x k become the first block).
  const plain = { ...settings, grid: undefined, variants: ["gold"], k: [0, 4] };
  assert.deepEqual(extendSettings(plain, { variants: ["ra-token"], k: [] }).grid, [
    { variants: ["gold"], k: [0, 4] },
    { variants: ["ra-token"], k: [0, 4] },
  ]);
});
