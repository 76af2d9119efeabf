// View-model aggregation for the results panel: numbers checked against hand counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { wilson, accuracySeries, buildRunView, confusion, labelBias, queryPage, queryDetail, baselines, lensPredictions, summarizeRun } from "../../src/shared/viewModel";
import { accuracyDatasets } from "../../src/shared/chartData";
import { computeVerdictCards } from "../../src/shared/verdictCards";
import { makeRecords } from "../support/extensionFixtures";

test("wilson interval matches the closed form (8/10 -> 0.490..0.943)", () => {
  const { lo, hi } = wilson(8, 10);
  assert.ok(Math.abs(lo - 0.4902) < 1e-3, `lo ${lo}`);
  assert.ok(Math.abs(hi - 0.9433) < 1e-3, `hi ${hi}`);
  assert.deepEqual(wilson(0, 0), { lo: 0, hi: 1 });
  const z = wilson(0, 20);
  assert.equal(z.lo, 0);
  assert.ok(z.hi > 0.1 && z.hi < 0.2);
});

test("accuracy per variant and k pools seeds and sorts k", () => {
  const recs = makeRecords({ variants: ["gold", "ra-string"], ks: [4, 0], seeds: [1, 2], queries: 10, labels: ["a", "b"], correct: (v, k, i) => (v === "gold" ? i % 10 < 8 : k === 0 ? i % 2 === 0 : false) });
  const { series, ks, variants } = accuracySeries(recs);
  assert.deepEqual(ks, [0, 4]);
  assert.deepEqual(variants, ["gold", "ra-string"]);
  const gold = series.find((s) => s.variant === "gold")!;
  assert.deepEqual(gold.points.map((p) => p.k), [0, 4]);
  assert.equal(gold.points[0].n, 20);
  assert.equal(gold.points[0].acc, 16 / 20);
  const ra = series.find((s) => s.variant === "ra-string")!;
  assert.equal(ra.points[0].acc, 0.5);
  assert.equal(ra.points[1].acc, 0);
  assert.ok(ra.points[1].hi > 0 && ra.points[1].lo === 0);
});

test("confusion and label bias count gold x predicted", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [2], seeds: [0], queries: 6, labels: ["x", "y", "z"], correct: (_v, _k, i) => i !== 1 });
  const cm = confusion(recs, "gold", 2);
  assert.deepEqual(cm.labels, ["x", "y", "z"]);
  // query 1 has gold y, predicted z; the rest are right (2 per label).
  assert.deepEqual(cm.matrix, [[2, 0, 0], [0, 1, 1], [0, 0, 2]]);
  const lb = labelBias(recs, "gold", 2);
  assert.deepEqual(lb.shares.map((x) => +x.toFixed(4)), [2 / 6, 1 / 6, 3 / 6].map((x) => +x.toFixed(4)));
  assert.deepEqual(lb.goldShares.map((x) => +x.toFixed(4)), [1 / 3, 1 / 3, 1 / 3].map((x) => +x.toFixed(4)));
});

test("baselines come from the results' baseline records, pooled per k", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [1, 2], seeds: [0], queries: 4, labels: ["a", "b", "c", "d"], correct: () => true });
  const raw = [
    { variant: "gold", k: 1, seed: 0, n: 10, majorityCorrect: 3, logregCorrect: 4 },
    { variant: "gold", k: 1, seed: 1, n: 10, majorityCorrect: 3, logregCorrect: 6 },
    { variant: "gold", k: 2, seed: 0, n: 10, majorityCorrect: 2, logregCorrect: 9 },
    { variant: "ra-string", k: 2, seed: 0, n: 10, majorityCorrect: 0, logregCorrect: 0 },
  ];
  const b = baselines(recs, raw);
  assert.equal(b.chance, 0.25);
  assert.deepEqual(b.logreg, [{ k: 1, acc: 0.5 }, { k: 2, acc: 0.9 }]);
  assert.equal(b.majority, 8 / 30);
  const noRaw = baselines(recs, undefined);
  assert.equal(noRaw.majority, 0.25);
  assert.deepEqual(noRaw.logreg, []);
});

test("a 20,000-record run is reduced to what is drawn; grid pages are bounded", () => {
  const recs = makeRecords({ variants: ["gold", "ra-string", "pa-word", "flipped", "random-labels"], ks: [0, 1, 2, 4, 8], seeds: [1, 2, 3, 4], queries: 200, labels: ["neg", "pos"], correct: (_v, k, i) => (i * 7 + k) % 3 !== 0 });
  assert.equal(recs.length, 20000);
  const view = buildRunView("r1", { records: recs, manifest: { demoFile: { path: "/w/s.icl.jsonl" } as never, model: { fileName: "m.gguf" } } });
  assert.equal(view.records, 20000);
  assert.equal(view.series.length, 5);
  assert.equal(view.file, "s.icl.jsonl");
  assert.equal(view.model, "m.gguf");
  assert.equal(view.selection.variant, "gold");
  const json = JSON.stringify(view);
  assert.ok(json.length < 20000, `view model is ${json.length} bytes: it must carry aggregates, not records`);
  const page = queryPage("r1", recs, "gold", 8, 100, 50);
  assert.equal(page.total, 800);
  assert.equal(page.rows.length, 50);
  assert.equal(page.rows[0].k, 8);
  assert.equal(page.rows[0].variant, "gold");
  assert.equal(recs[page.rows[0].key].queryIndex, page.rows[0].queryIndex);
  assert.equal(queryPage("r1", recs, "gold", 8, 0, 100000).rows.length, 500, "page size is capped");
});

test("query detail carries every label score of the record", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [1], seeds: [0], queries: 3, labels: ["a", "b"], correct: () => false });
  const d = queryDetail("r", recs, 2)!;
  assert.equal(d.row.key, 2);
  assert.deepEqual(d.labels.map((l) => l.label), ["a", "b"]);
  assert.equal(d.labels.find((l) => l.label === d.row.predicted)!.prob, 0.7);
  assert.equal(queryDetail("r", recs, 99), undefined);
});

test("chart datasets hold exactly the accuracies of the records", () => {
  const recs = makeRecords({ variants: ["gold", "ra-string"], ks: [0, 2, 4], seeds: [1], queries: 8, labels: ["a", "b"], correct: (v, k, i) => (v === "gold" ? i % 8 < k + 2 : i % 2 === 0) });
  const view = buildRunView("r", { records: recs });
  const sets = accuracyDatasets(view.series, view.ks, view.baselines);
  const gold = sets.find((d) => d.kind === "accuracy" && d.label === "gold")!;
  for (const p of gold.data) {
    const sub = recs.filter((r) => r.variant === "gold" && r.k === p.x);
    assert.equal(p.y, sub.filter((r) => r.predicted === r.gold).length / sub.length);
  }
  assert.ok(sets.some((d) => d.kind === "band-hi" && d.variant === "ra-string"));
  const chance = sets.find((d) => d.kind === "chance")!;
  assert.deepEqual(chance.data, [{ x: 0, y: 0.5 }, { x: 4, y: 0.5 }]);
});

test("lens predictions: one entry per query at the largest k, seeds counted", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [0, 4], seeds: [1, 2], queries: 3, labels: ["a", "b"], correct: (_v, k, i) => k === 4 && i % 2 === 0 });
  const m = lensPredictions(recs, "gold");
  assert.equal(m.size, 3);
  const q0 = m.get(0)!;
  assert.equal(q0.n, 2);
  assert.ok(q0.nCorrect <= 2);
  assert.equal(lensPredictions(recs, "missing").size, 0);
});

test("run summary marks unfinished runs", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [1], seeds: [0], queries: 2, labels: ["a", "b"], correct: () => true });
  assert.equal(summarizeRun("r", { records: recs, manifest: { status: "interrupted" } }).complete, false);
  assert.equal(summarizeRun("r", { records: recs, manifest: { status: "complete" } }).complete, true);
  assert.deepEqual(summarizeRun("r", { records: recs }).best, [{ variant: "gold", acc: 1 }]);
});

test("verdict cards come from the core verdict rules (H1 contradicted when tau_RA beats chance)", () => {
  // 6 seeds: the fewest with which an exact sign-flip test over seeds can reach p < 0.025.
  const recs = makeRecords({ variants: ["gold", "ra-string"], ks: [0, 4], seeds: [1, 2, 3, 4, 5, 6], queries: 60, labels: ["a", "b"], correct: (_v, k, i) => (k === 0 ? i % 2 === 0 : i % 10 !== 0) });
  const view = buildRunView("r", { records: recs }, undefined, undefined, computeVerdictCards);
  const h1 = view.verdicts.find((v) => v.id === "H1");
  assert.ok(h1, `verdicts: ${view.verdicts.map((v) => v.id).join(",")}`);
  assert.equal(h1!.status, "contradicted", h1!.text);
  assert.ok(h1!.numbers.length > 0);
  const h2 = view.verdicts.find((v) => v.id === "H2");
  assert.equal(h2?.status, "not-run", "pa-word was not run, so H2 says so");
  assert.deepEqual(buildRunView("r", { records: recs }).verdicts, [], "without a verdict function and none in the file: no cards");
});
