// The inference follows the design (issue 9): synthetic records whose right answer is known.
import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregate } from "../../src/core/metrics";
import { h1 } from "../../src/core/verdicts";
import { binomialUpperTail } from "../../src/core/stats";
import { analyseRun } from "../../src/core/analysis";
import { cell, seeds } from "../support/synthRecords";
import type { ResultsFile } from "../../src/core/results/schema";

const LABELS4 = ["w", "x", "y", "z"];

test("repeated prompts: 144 queries of 12 distinct prompts are 12 units (p about 0.05, not 3e-10)", () => {
  // One seed, a file that repeats each of 12 inputs 12 times; half the distinct prompts are right.
  const recs = cell("ra-string", 8, 1, 72, 144, { labels: LABELS4, distinct: 12 });
  const [m] = aggregate(recs);
  assert.ok(m, "metrics for the ra-string k=8 cell");
  assert.equal(m.n, 144);
  assert.equal(m.prompts, 12);
  assert.equal(m.accuracy.units, 12);
  assert.equal(m.accuracy.value, 0.5);
  // Exact over distinct prompts: P(X >= 6 | 12, 1/4) = .0544; pooling the 144 records would claim ~1e-10.
  assert.ok(Math.abs(m.accuracy.pAboveChance - 0.054402) < 1e-6, String(m.accuracy.pAboveChance));
  assert.ok(binomialUpperTail(72, 144, 0.25) < 1e-9, "what the pooled test said");
  // The interval is the Clopper-Pearson inversion of the same test, so it includes chance.
  assert.ok(m.accuracy.interval!.lo < 0.25 && m.accuracy.interval!.hi > 0.75);
  const v = h1([m]);
  assert.notEqual(v.status, "contradicted");
  assert.match(v.text, /0\.50 \(95% CI 0\.21-0\.79, 12 distinct prompts of 1 seed\)/);
  assert.match(v.text, /one-sided p = 0\.054, threshold 0\.0250; exact binomial test over 12 distinct prompts/);
});

test("one lucky seed: 7 seeds at chance and one perfect seed is not 'above chance'", () => {
  const recs = [...cell("ra-string", 8, 1, 48, 48, { labels: LABELS4 }), ...[2, 3, 4, 5, 6, 7, 8].flatMap((s) => cell("ra-string", 8, s, 12, 48, { labels: LABELS4 }))];
  const [m] = aggregate(recs);
  assert.ok(m, "metrics for the ra-string k=8 cell");
  // Pooled over the 384 queries: 132 right against 96 expected, a tiny binomial p.
  assert.ok(binomialUpperTail(132, 384, 0.25) < 1e-4);
  // Over seeds: only the sign of the lucky seed matters (the others sit exactly at chance): p = 1/2.
  assert.equal(m.accuracy.method, "sign-flip-seeds");
  assert.equal(m.accuracy.pAboveChance, 0.5);
  assert.ok(m.accuracy.interval!.lo <= 0.25, JSON.stringify(m.accuracy.interval));
  assert.notEqual(h1([m]).status, "contradicted");
});

test("a real effect across seeds: 8 seeds all above chance give p = 1/256; the same effect with 3 seeds is 'inconclusive: 3 seeds'", () => {
  const acc = [0.6, 0.65, 0.58, 0.7, 0.62, 0.66, 0.59, 0.64];
  const [m] = aggregate(seeds("ra-string", 8, acc, 48, { labels: LABELS4 }));
  assert.ok(m, "metrics for 8 seeds of ra-string k=8");
  assert.equal(m.accuracy.pAboveChance, 1 / 256);
  assert.ok(m.accuracy.interval!.lo > 0.25);
  const mean = acc.map((a) => Math.round(a * 48) / 48).reduce((a, b) => a + b, 0) / 8;
  assert.ok(Math.abs(m.accuracy.value - mean) < 1e-12);
  assert.equal(h1([m]).status, "contradicted");
  const [three] = aggregate(seeds("ra-string", 8, acc.slice(0, 3), 48, { labels: LABELS4 }));
  assert.ok(three, "metrics for 3 seeds of ra-string k=8");
  const v = h1([three]);
  assert.equal(v.status, "inconclusive");
  assert.match(v.text, /inconclusive: 3 seeds/);
  assert.equal(three.accuracy.interval, undefined);
});

test("the summary row quotes estimate, interval and p from the same inference", () => {
  const recs = seeds("gold", 4, [0.6, 0.65, 0.58, 0.7, 0.62, 0.66], 48, { labels: LABELS4 });
  const results = { records: recs, baselines: [], manifest: { settings: { variants: ["gold"] } } } as unknown as ResultsFile;
  const [row] = analyseRun(results).summary;
  assert.ok(row, "a summary row for the run");
  const [m] = aggregate(recs);
  assert.ok(m, "metrics for the run's records");
  assert.equal(row.accuracy.value, m.accuracy.value);
  assert.equal(row.accuracy.low, m.accuracy.interval!.lo);
  assert.equal(row.pAboveChance, m.accuracy.pAboveChance);
  assert.equal(row.accuracy.method, "sign-flip-seeds");
  assert.equal(row.units, "seeds");
  assert.equal(row.minP, 1 / 64);
});
