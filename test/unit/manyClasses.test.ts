// Many classes: cost grows with what the user looks at. A 1,727-class results file (the size of
// the largest function-vector word-pair task) renders a report under 5 MB with the most frequent
// confusions and a capped per-class table, every row in classes.csv / confusions.csv; the panel's
// confusion payload is the top confusions, not 3 million cells; aggregation allocates no L x L
// matrix. Small label sets keep the full matrix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { renderReport } from "../../src/report";
import { buildReportData } from "../../src/report/model";
import { classesCsv, confusionsCsv } from "../../src/core/results/csv";
import { aggregate } from "../../src/core/metrics";
import { CLASS_ROWS_SHOWN, TOP_CONFUSIONS, classTables } from "../../src/core/results/classTables";
import { confusionView } from "../../src/shared/viewModel";
import { analyseRun } from "../../src/core/analysis";
import { macroF1FromConfusion, macroF1FromIndices, confusionMatrix } from "../../src/core/stats/classification";
import { fixtureResults } from "../support/resultsFixture";
import { classLabels, manyClassRun } from "../support/manyClasses";
import { at } from "../support/at";

const L = 1727;
const labels = classLabels(L);
const manyClassResults = (variants: string[], ks: number[], queries: number) => manyClassRun(L, variants, ks, queries);

test("a 1,727-class run: the report stays under 5 MB, with top confusions, capped per-class tables and links to the full CSVs", () => {
  const r = manyClassResults(["gold", "ra-string"], [0, 4], 8);
  const html = renderReport(r);
  assert.ok(html.length < 5_000_000, `report is ${(html.length / 1e6).toFixed(2)} MB`);
  const d = buildReportData(r);
  const c = d.confusions.find((x) => x.variant === "gold")!;
  assert.equal(c.classes, L);
  assert.equal(c.counts, undefined, "no L x L matrix");
  assert.ok(c.top!.length <= TOP_CONFUSIONS && c.top!.length > 0);
  assert.deepEqual(c.top![0], { gold: "word0", predicted: "word1", count: 1, share: 1 });
  assert.ok(c.rows!.length <= CLASS_ROWS_SHOWN);
  assert.match(html, /<a href="classes\.csv">classes\.csv<\/a> \(every class\)/);
  assert.match(html, /table class="top-confusions"/);
  assert.ok(d.distributions.every((x) => x.perLabel.length <= 12 && x.of === L));
  // The full tables are linear in records: one row per class, one per confusion that occurred.
  const classes = classesCsv(r).trim().split("\n");
  assert.equal(classes.length, 1 + 4 * L);
  const conf = confusionsCsv(r).trim().split("\n");
  assert.equal(conf.length, 1 + 4 * 3, "3 wrong queries per variant and k");
});

test("the panel's confusion for many classes is the top confusions, not the matrix", () => {
  const r = manyClassResults(["gold"], [0], 12);
  const v = confusionView(analyseRun(r), "gold", 0);
  assert.deepEqual([v.labels.length, v.matrix.length, v.classes], [0, 0, L]);
  assert.equal(v.top!.length, 4);
  assert.ok(JSON.stringify(v).length < 2000);
  // Small label sets keep the matrix.
  const small = confusionView(analyseRun(fixtureResults()), "gold", 4);
  assert.deepEqual(small.matrix, [
    [3, 1],
    [0, 4],
  ]);
  assert.equal(small.top, undefined);
});

test("aggregation is linear in the classes: no dense matrix unless asked; macro-F1 unchanged", () => {
  const r = manyClassResults(["gold"], [0], 30);
  const m = at(aggregate(r.records), 0);
  assert.ok(!Object.keys(m).includes("confusion"), "the confusion matrix is not built eagerly");
  const gold = r.records.map((x) => x.gold);
  const pred = r.records.map((x) => x.predicted);
  const idx = new Map(labels.map((l, i) => [l, i]));
  assert.equal(
    macroF1FromIndices(
      L,
      gold.map((g) => idx.get(g)!),
      pred.map((p) => idx.get(p)!),
    ),
    macroF1FromConfusion(confusionMatrix(gold, pred, labels)),
  );
  assert.equal(m.macroF1.value, macroF1FromConfusion(confusionMatrix(gold, pred, labels)));
  // Still there when read (small files, tests).
  const small = aggregate(fixtureResults().records).find((x) => x.variant === "gold" && x.k === 4)!;
  assert.deepEqual(small.confusion.counts, [
    [3, 1],
    [0, 4],
  ]);
  // classTables agrees with the dense matrix on a small case.
  const t = classTables(
    fixtureResults().records.filter((x) => x.variant === "gold" && x.k === 4),
    ["negative", "positive"],
  );
  assert.deepEqual(
    t.pairs.map((p) => [p.gold, p.predicted, p.count]),
    [["negative", "positive", 1]],
  );
  assert.deepEqual(
    t.rows.map((x) => [x.label, x.n, x.correct]),
    [
      ["negative", 4, 3],
      ["positive", 4, 4],
    ],
  );
});
