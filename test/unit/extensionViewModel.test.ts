// The panel's view model is a projection of the run's one analysis (src/core/analysis.ts): every
// number it carries is the core's, and it carries aggregates, not records.
import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracySeries, baselineLines, buildRunView, confusionView, labelBiasView, queryPage, queryDetail, lensPredictions, summarizeRun } from "../../src/shared/viewModel";
import { accuracyDatasets } from "../../src/shared/chartData";
import { toVerdictCard } from "../../src/shared/verdictCards";
import { analyseRun, metricsAt } from "../../src/core/analysis";
import { makeRecords } from "../support/extensionFixtures";
import { at } from "../support/at";

test("accuracy series are the summary rows: estimate, interval where there is one, records", () => {
  const recs = makeRecords({
    variants: ["gold", "ra-string"],
    ks: [4, 0],
    seeds: [1, 2, 3, 4, 5, 6],
    queries: 10,
    labels: ["a", "b"],
    correct: (v, k, i) => (v === "gold" ? i % 10 < 8 : k === 0 ? i % 2 === 0 : i % 3 === 0),
  });
  const a = analyseRun({ records: recs });
  const { series, ks, variants } = accuracySeries(a);
  assert.deepEqual(ks, [0, 4]);
  assert.deepEqual(variants, ["gold", "ra-string"]);
  for (const s of series) {
    for (const p of s.points) {
      const row = a.summary.find((r) => r.variant === s.variant && r.k === p.k)!;
      assert.equal(p.acc, row.accuracy.value);
      assert.equal(p.lo, row.accuracy.low);
      assert.equal(p.hi, row.accuracy.high);
      assert.equal(p.n, 60);
    }
  }
  // Two seeds give no interval: the point has none and the chart draws no band for it.
  const two = analyseRun({ records: makeRecords({ variants: ["gold"], ks: [0], seeds: [1, 2], queries: 10, labels: ["a", "b"], correct: () => true }) });
  const p = at(at(accuracySeries(two).series, 0).points, 0);
  assert.equal(p.lo, undefined);
  assert.ok(!accuracyDatasets(accuracySeries(two).series, [0], baselineLines(two)).some((d) => d.kind === "band-lo"));
});

test("confusion and label bias are the core's counts", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [2], seeds: [0], queries: 6, labels: ["x", "y", "z"], correct: (_v, _k, i) => i !== 1 });
  const a = analyseRun({ records: recs });
  const cm = confusionView(a, "gold", 2);
  assert.deepEqual(cm.labels, ["x", "y", "z"]);
  // query 1 has gold y, predicted z; the rest are right (2 per label).
  assert.deepEqual(cm.matrix, [
    [2, 0, 0],
    [0, 1, 1],
    [0, 0, 2],
  ]);
  assert.deepEqual(cm.matrix, metricsAt(a, "gold", 2)!.confusion.counts);
  const lb = labelBiasView(a, "gold", 2);
  assert.deepEqual(
    lb.shares.map((x) => +x.toFixed(4)),
    [2 / 6, 1 / 6, 3 / 6].map((x) => +x.toFixed(4)),
  );
  assert.deepEqual(
    lb.goldShares.map((x) => +x.toFixed(4)),
    [1 / 3, 1 / 3, 1 / 3].map((x) => +x.toFixed(4)),
  );
  assert.deepEqual(confusionView(a, "missing", 2).matrix, []);
});

test("baselines are the summary rows' per-k majority and logistic regression of the selected variant", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [1, 2], seeds: [0, 1], queries: 4, labels: ["a", "b", "c", "d"], correct: () => true });
  const raw = [
    { variant: "gold", k: 1, seed: 0, n: 10, majorityCorrect: 3, logregCorrect: 4 },
    { variant: "gold", k: 1, seed: 1, n: 10, majorityCorrect: 3, logregCorrect: 6 },
    { variant: "gold", k: 2, seed: 0, n: 10, majorityCorrect: 2, logregCorrect: 9 },
    { variant: "ra-string", k: 2, seed: 0, n: 10, majorityCorrect: 0, logregCorrect: 0 },
  ];
  const b = baselineLines(analyseRun({ records: recs, baselines: raw }));
  assert.equal(b.chance, 0.25);
  assert.deepEqual(b.logreg, [
    { k: 1, acc: 0.5 },
    { k: 2, acc: 0.9 },
  ]);
  assert.deepEqual(b.majority, [
    { k: 1, acc: 0.3 },
    { k: 2, acc: 0.2 },
  ]);
  const none = baselineLines(analyseRun({ records: recs }));
  assert.deepEqual(none.majority, []);
  assert.deepEqual(none.logreg, []);
});

test("a 20,000-record run is reduced to what is drawn; grid pages are bounded", () => {
  const recs = makeRecords({
    variants: ["gold", "ra-string", "pa-word", "flipped", "random-labels"],
    ks: [0, 1, 2, 4, 8],
    seeds: [1, 2, 3, 4],
    queries: 200,
    labels: ["neg", "pos"],
    correct: (_v, k, i) => (i * 7 + k) % 3 !== 0,
  });
  assert.equal(recs.length, 20000);
  const results = { records: recs, manifest: { demoFile: { path: "/w/s.icl.jsonl" } as never, model: { fileName: "m.gguf" } } };
  const view = buildRunView("r1", results, analyseRun(results));
  assert.equal(view.records, 20000);
  assert.equal(view.series.length, 5);
  assert.equal(view.file, "s.icl.jsonl");
  assert.equal(view.model, "m.gguf");
  assert.equal(view.selection.variant, "gold");
  const json = JSON.stringify(view);
  assert.ok(json.length < 30000, `view model is ${json.length} bytes: it must carry aggregates, not records`);
  const page = queryPage("r1", recs, "gold", 8, 100, 50);
  assert.equal(page.total, 800);
  assert.equal(page.rows.length, 50);
  assert.equal(at(page.rows, 0).k, 8);
  assert.equal(at(page.rows, 0).variant, "gold");
  assert.equal(at(recs, at(page.rows, 0).key).queryIndex, at(page.rows, 0).queryIndex);
  assert.equal(queryPage("r1", recs, "gold", 8, 0, 100000).rows.length, 500, "page size is capped");
});

test("query detail carries every label score of the record", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [1], seeds: [0], queries: 3, labels: ["a", "b"], correct: () => false });
  const d = queryDetail("r", recs, 2)!;
  assert.equal(d.row.key, 2);
  assert.deepEqual(
    d.labels.map((l) => l.label),
    ["a", "b"],
  );
  assert.equal(d.labels.find((l) => l.label === d.row.predicted)!.prob, 0.7);
  assert.equal(queryDetail("r", recs, 99), undefined);
  // The raw first-token logit passes through where the record has it, and is absent where not.
  assert.ok(d.labels.every((l) => !("firstTokenLogit" in l)));
  at(at(recs, 2).labels, 1).firstTokenLogit = 3.25;
  assert.deepEqual(
    queryDetail("r", recs, 2)!.labels.map((l) => l.firstTokenLogit),
    [undefined, 3.25],
  );
});

test("chart datasets hold exactly the core's accuracies", () => {
  const recs = makeRecords({ variants: ["gold", "ra-string"], ks: [0, 2, 4], seeds: [1], queries: 8, labels: ["a", "b"], correct: (v, k, i) => (v === "gold" ? i % 8 < k + 2 : i % 2 === 0) });
  const a = analyseRun({ records: recs });
  const view = buildRunView("r", { records: recs }, a);
  const sets = accuracyDatasets(view.series, view.ks, view.baselines);
  const gold = sets.find((d) => d.kind === "accuracy" && d.label === "gold")!;
  for (const p of gold.data) {
    const sub = recs.filter((r) => r.variant === "gold" && r.k === p.x);
    assert.equal(p.y, sub.filter((r) => r.predicted === r.gold).length / sub.length, "one seed, distinct inputs: the plain share");
    assert.equal(p.y, metricsAt(a, "gold", p.x)!.accuracy.value);
  }
  assert.ok(
    sets.some((d) => d.kind === "band-hi" && d.variant === "ra-string"),
    "one seed: Clopper-Pearson bands",
  );
  const chance = sets.find((d) => d.kind === "chance")!;
  assert.deepEqual(chance.data, [
    { x: 0, y: 0.5 },
    { x: 4, y: 0.5 },
  ]);
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

test("run summary marks unfinished runs and takes the best accuracy from the analysis", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [1], seeds: [0], queries: 2, labels: ["a", "b"], correct: () => true });
  const a = analyseRun({ records: recs });
  assert.equal(summarizeRun("r", { records: recs, manifest: { status: "interrupted" } }, a).complete, false);
  assert.equal(summarizeRun("r", { records: recs, manifest: { status: "complete" } }, a).complete, true);
  assert.deepEqual(summarizeRun("r", { records: recs }, a).best, [{ variant: "gold", acc: 1 }]);
});

test("verdict cards are the core's verdicts through the one adapter (H1 contradicted when tau_RA beats chance)", () => {
  // 6 seeds: the fewest with which an exact sign-flip test over seeds can reach p < 0.025.
  const recs = makeRecords({ variants: ["gold", "ra-string"], ks: [0, 4], seeds: [1, 2, 3, 4, 5, 6], queries: 60, labels: ["a", "b"], correct: (_v, k, i) => (k === 0 ? i % 2 === 0 : i % 10 !== 0) });
  const a = analyseRun({ records: recs });
  const view = buildRunView("r", { records: recs }, a);
  assert.deepEqual(view.verdicts, a.verdicts.map(toVerdictCard));
  const h1 = view.verdicts.find((v) => v.id === "H1")!;
  assert.equal(h1.status, "contradicted", h1.text);
  assert.ok(h1.numbers.length > 0);
  assert.ok(h1.conditions.length > 0 && h1.conditions.every((c) => c.status === "pass"));
  const h2 = view.verdicts.find((v) => v.id === "H2");
  assert.equal(h2?.status, "not-run", "neither tau_PA nor tau_g-Linear was run, so H2 says so");
  assert.deepEqual(h2?.missing, ["pa-word", "pa-token", "g-token", "g-linear"]);
  assert.deepEqual(buildRunView("r", { records: [] }, analyseRun({ records: [] })).verdicts, [], "no records: no cards");
});

test("a study read with figures (Li et al.) opens on the Hypotheses view; one read from the charts (Min et al.) does not", () => {
  const recs = makeRecords({ variants: ["gold"], ks: [0, 4], seeds: [1], queries: 4, labels: ["a", "b"], correct: () => true });
  const view = (study?: object) => {
    const results = { records: recs, manifest: study ? { study } : {} } as never;
    return buildRunView("r", results, analyseRun(results));
  };
  const li = view({ id: "li2024", name: "Li et al. 2024", k: 32, kCurve: [0, 4], draws: 50, figures: ["h1-ra-vs-k"] });
  assert.equal(li.study, "Li et al. 2024");
  assert.equal(li.hypothesesFirst, true);
  const min = view({ id: "min2022", name: "Min et al. 2022", k: 16, kCurve: [], draws: 0, figures: [] });
  assert.equal(min.study, "Min et al. 2022");
  assert.equal(min.hypothesesFirst, undefined);
  assert.equal(view().hypothesesFirst, undefined);
  assert.equal(view().study, undefined);
});
