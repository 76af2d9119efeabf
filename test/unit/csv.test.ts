// CSV export: one row per query x label, values intact through quoting (commas, quotes, newlines).
import { test } from "node:test";
import assert from "node:assert/strict";
import Papa from "papaparse";
import { scoresCsv, SCORE_COLUMNS, summaryCsv, SUMMARY_COLUMNS } from "../../src/core/results/csv";
import type { SummaryRow } from "../../src/core/results/summary";
import { analyseRun } from "../../src/core/analysis";
import { fixtureResults } from "../support/resultsFixture";
import { at } from "../support/at";

test("scores CSV has one row per query x label with exact values", () => {
  const r = fixtureResults();
  const csv = scoresCsv(r);
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.meta.fields, [...SCORE_COLUMNS]);
  assert.equal(
    parsed.data.length,
    r.records.reduce((a, x) => a + x.labels.length, 0),
  );
  // Row order: records in order, labels in order.
  const rec = at(r.records, 11);
  const rows = parsed.data.filter((d) => d.variant === "gold" && d.k === "4" && d.seed === "2" && d.query_index === "3");
  assert.equal(rows.length, 2);
  assert.equal(at(rows, 0).input, "line one\nline two, with comma", "newline and comma survive quoting");
  assert.equal(at(rows, 1).label, "positive");
  assert.equal(at(rows, 1).is_gold, "1");
  assert.equal(Number(at(rows, 1).prob), at(rec.labels, 1).prob, "full precision");
  assert.equal(Number(at(rows, 1).log_prob), -0.3);
  assert.equal(at(rows, 0).predicted, rec.predicted);
  assert.equal(at(rows, 0).correct, rec.predicted === rec.gold ? "1" : "0");
  assert.equal(at(rows, 0).demo_indices, "10 11 12 13");
  assert.equal(at(rows, 0).calibrated_prob, "");
  // A quote in an input is doubled, not lost.
  assert.equal(at(parsed.data, 0).input, 'input 0, "quoted"');
});

test("summary CSV writes every column, empty for missing numbers", () => {
  const row: SummaryRow = {
    variant: "gold",
    family: "reference",
    k: 4,
    seeds: 2,
    n: 8,
    prompts: 8,
    accuracy: { value: 0.875, low: NaN, high: NaN, method: "sign-flip-seeds" },
    macroF1: { value: 0.87, low: NaN, high: NaN, method: "none" },
    units: "seeds",
    minP: 0.25,
    perSeedAccuracy: [],
    meanGoldRank: 1.125,
    meanGoldLogProb: -0.4,
    chance: 0.5,
    majority: 0.5,
    logreg: 0.625,
    pAboveChance: 0.01,
    labelShare: { negative: 0.375, positive: 0.625 },
    labels: ["negative", "positive"],
  };
  const parsed = Papa.parse<Record<string, string>>(summaryCsv([row]), { header: true, skipEmptyLines: true });
  assert.deepEqual(parsed.meta.fields, [...SUMMARY_COLUMNS]);
  const d = at(parsed.data, 0);
  assert.equal(d.accuracy, "0.875");
  assert.equal(d.interval, "sign-flip-seeds");
  assert.equal(d.accuracy_low, "", "2 seeds: no interval");
  assert.equal(d.p_above_chance, "0.01");
  assert.equal(d.min_p, "0.25");
  assert.equal(d.prompts, "8");
  assert.equal(d.calibrated_accuracy, "");
  assert.equal(d.logreg, "0.625");
  assert.equal(d.label_share, "negative=0.3750 positive=0.6250");
  assert.equal(d.warnings, "");
  const withWarnings = Papa.parse<Record<string, string>>(summaryCsv([{ ...row, warnings: { "label-tie": 2, "boundary-merge": 8 } }]), { header: true, skipEmptyLines: true });
  assert.equal(at(withWarnings.data, 0).warnings, "boundary-merge=8 label-tie=2", "codes in table order with their query counts");
});

test("scores CSV: a tie has an empty prediction and lists the tied labels; warnings per row concern its label or the query", () => {
  const parsed = Papa.parse<Record<string, string>>(scoresCsv(fixtureResults()), { header: true, skipEmptyLines: true });
  const tie = parsed.data.filter((d) => d.variant === "ra-string" && d.k === "0" && d.query_index === "3");
  assert.deepEqual(
    tie.map((d) => [d.label, d.predicted, d.correct, d.tied, d.gold_rank, d.warnings]),
    [
      ["bamok", "", "0", "bamok|tusef", "2", "label-tie"],
      ["tusef", "", "0", "bamok|tusef", "2", "label-tie"],
    ],
  );
  const merged = parsed.data.filter((d) => d.variant === "gold" && d.k === "4" && d.seed === "1" && d.query_index === "3");
  assert.deepEqual(
    merged.map((d) => [d.label, d.warnings]),
    [
      ["negative", ""],
      ["positive", "boundary-merge"],
    ],
    "only the label that merges",
  );
  assert.ok(parsed.data.filter((d) => d.warnings !== "").length === 3);
  const rows = summaryCsv(analyseRun(fixtureResults()).summary);
  const s = Papa.parse<Record<string, string>>(rows, { header: true, skipEmptyLines: true }).data;
  assert.deepEqual(
    s.map((d) => [d.variant, d.k, d.warnings]),
    [
      ["gold", "0", ""],
      ["gold", "4", "boundary-merge=1"],
      ["ra-string", "0", "label-tie=1"],
      ["ra-string", "4", ""],
    ],
  );
});
