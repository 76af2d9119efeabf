// Experiment planning: deterministic, grouped by demo set, queries never among their own demos.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseDemoFile } from "../../src/core/demoFile";
import { planExperiment, materializeGroup, PlanError, VariantCache } from "../../src/core/experiment/plan";
import type { ProbeSettings } from "../../src/core/types";
import { at } from "../support/at";
import { defined } from "../../src/core/defined";

function demoText(n: number): string {
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ input: `example number ${i} ${i % 2 ? "good" : "bad"}`, label: i % 2 ? "positive" : "negative" }));
  return lines.join("\n") + "\n";
}

function setup(n: number, over: Partial<ProbeSettings> = {}) {
  const all: Partial<ProbeSettings> = { k: [0, 2, 4], seeds: [1, 2], queries: 6, selection: "fixed", balance: false, calibrate: false, variants: ["gold", "flipped", "ra-string"], ...over };
  // The demo-file validator checks k and queries itself; the planner must catch what it lets through.
  const file = parseDemoFile(demoText(n), "t.icl.jsonl", { ...all, k: all.k!.filter((k) => k < n), queries: Math.min(all.queries!, n - 1) });
  assert.deepEqual(
    file.problems.filter((p) => p.severity === "error"),
    [],
  );
  const settings: ProbeSettings = { ...file.settings, ...all };
  return { file, settings };
}

test("same inputs give the same plan and the same prompts", () => {
  const a = setup(30);
  const b = setup(30);
  const pa = planExperiment(a);
  const pb = planExperiment(b);
  assert.deepEqual(pa, pb);
  const va = new VariantCache(a.file, a.settings);
  const vb = new VariantCache(b.file, b.settings);
  for (let i = 0; i < pa.groups.length; i++) {
    assert.deepEqual(materializeGroup(pa, at(pa.groups, i), a.file, va), materializeGroup(pb, at(pb.groups, i), b.file, vb));
  }
});

test("fixed selection: one group per variant x k x seed, demos shared across variants, no query among demos", () => {
  const { file, settings } = setup(30);
  const plan = planExperiment({ file, settings });
  assert.equal(plan.groups.length, 3 * 3 * 2);
  assert.equal(plan.totalQueries, 3 * 3 * 2 * 6);
  for (const g of plan.groups) {
    assert.equal(g.demoIndices.length, g.k);
    assert.deepEqual(g.queries, plan.queryPools[g.seed]);
    const pool = new Set(plan.queryPools[g.seed]);
    assert.ok(
      g.demoIndices.every((d) => !pool.has(d)),
      `${g.id}: a query is among the demos`,
    );
    const same = plan.groups.filter((h) => h.k === g.k && h.seed === g.seed);
    for (const h of same) assert.deepEqual(h.demoIndices, g.demoIndices, "every variant sees the same demos");
  }
  // Order: variant, then k, then seed (so progress reads one variant at a time).
  assert.deepEqual(
    plan.groups.slice(0, 3).map((g) => [g.variant, g.k, g.seed]),
    [
      ["gold", 0, 1],
      ["gold", 0, 2],
      ["gold", 2, 1],
    ],
  );
  // Different seeds draw different query pools (30 examples: a collision would be a bug in seeding).
  assert.notDeepEqual(defined(plan.queryPools[1], "seed 1's query pool"), defined(plan.queryPools[2], "seed 2's query pool"));
});

test("per-query selection: one group per query, demos re-drawn and never containing the query", () => {
  const { file, settings } = setup(30, { selection: "per-query", variants: ["gold"], k: [4] });
  const plan = planExperiment({ file, settings });
  assert.equal(plan.groups.length, 2 * 6);
  for (const g of plan.groups) {
    assert.equal(g.queries.length, 1);
    assert.ok(!g.demoIndices.includes(at(g.queries, 0)));
  }
  const seed1 = plan.groups.filter((g) => g.seed === 1).map((g) => g.demoIndices.join(","));
  assert.ok(new Set(seed1).size > 1, "demo sets differ between queries");
});

test("materialized groups: calibration inputs first, one prefix per group, gold in the variant's label space", () => {
  const { file, settings } = setup(30, { calibrate: true });
  const plan = planExperiment({ file, settings });
  assert.equal(plan.totalCalibration, plan.groups.length * 3);
  const vc = new VariantCache(file, settings);
  const g = plan.groups.find((x) => x.variant === "flipped" && x.k === 4)!;
  const items = materializeGroup(plan, g, file, vc);
  assert.deepEqual(
    items.slice(0, 3).map((i) => [i.kind, i.input]),
    [
      ["calibration", "N/A"],
      ["calibration", ""],
      ["calibration", "[MASK]"],
    ],
  );
  assert.equal(items.length, 3 + g.queries.length);
  assert.equal(new Set(items.map((i) => i.prefix)).size, 1, "all items of a group share the demo prefix");
  for (const it of items.filter((i) => i.kind === "query")) {
    assert.ok(it.labels.includes(it.gold));
    const original = at(file.examples, it.queryIndex).label;
    assert.equal(it.goldAlt, original, "flipped keeps the original label as goldAlt");
    assert.notEqual(it.gold, original);
    assert.ok(!/\s$/.test(it.prefix + it.query), "the prompt never ends with whitespace");
  }
  // skip() leaves out finished queries (resume), calibration stays.
  const rest = materializeGroup(plan, g, file, vc, (q) => q === g.queries[0]);
  assert.equal(rest.length, items.length - 1);
});

test("--queries beyond the pool is capped (one rule with the parser's queries-capped note); a k leaving no query is a PlanError", () => {
  for (const selection of ["fixed", "per-query"] as const) {
    const { file, settings } = setup(12, { queries: 10, k: [4], selection });
    const plan = planExperiment({ file, settings });
    assert.equal(plan.queriesPerSeed, 8);
    for (const seed of settings.seeds) assert.equal(defined(plan.queryPools[seed], `seed ${seed}'s query pool`).length, 8);
  }
  const { file, settings } = setup(12, { queries: 10, k: [4] });
  assert.throws(
    () => planExperiment({ file, settings: { ...settings, k: [12] } }),
    (e: unknown) => e instanceof PlanError && /12 examples are too few for k = 12/.test(e.message) && /k values up to 11/.test(e.hint),
  );
  assert.throws(() => planExperiment({ file, settings: { ...settings, variants: [] } }), PlanError);
});

test("property: no query is ever among its own demos, in both modes, with or without balancing", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 10, max: 40 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: -1000, max: 1000 }),
      fc.constantFrom("fixed" as const, "per-query" as const),
      fc.boolean(),
      (n, queries, k, seed, selection, balance) => {
        fc.pre(n >= queries + k);
        const { file, settings } = setup(n, { queries, k: [k], seeds: [seed], selection, balance, variants: ["gold"] });
        const plan = planExperiment({ file, settings });
        for (const g of plan.groups) {
          for (const q of g.queries) if (g.demoIndices.includes(q)) return false;
          if (new Set(g.demoIndices).size !== g.demoIndices.length) return false;
        }
        return plan.totalQueries === queries;
      },
    ),
    { numRuns: 150, seed: 42 },
  );
});
