// The panel's warnings view (src/shared/warningsView.ts): the badge count and the list per code
// from the results file, the grid page of one code's queries across variants and k, and the
// query row / detail fields the grid and the detail pane show.
import { test } from "node:test";
import assert from "node:assert/strict";
import { warningQueryPage, warningsView } from "../../src/shared/warningsView";
import { buildRunView, queryDetail, queryPage, toRow } from "../../src/shared/viewModel";
import type { ResultsLike } from "../../src/shared/resultsShape";
import { analyseRun } from "../../src/core/analysis";
import { fixtureResults as fixtureFile } from "../support/resultsFixture";
import { at } from "../support/at";

/** The results file as the editor reads it (leniently typed). */
const fixtureResults = () => fixtureFile() as unknown as ResultsLike & ReturnType<typeof fixtureFile>;

test("warningsView: queries with warnings, one row per code with meaning, action and where", () => {
  const r = fixtureResults();
  const v = warningsView(r);
  assert.equal(v.queries, 2);
  assert.deepEqual(
    v.codes.map((c) => [c.code, c.queries, c.severity]),
    [
      ["boundary-merge", 1, "warning"],
      ["label-tie", 1, "warning"],
    ],
  );
  assert.match(at(v.codes, 0).action, /space/);
  assert.deepEqual(at(v.codes, 1).cells, [{ variant: "ra-string", k: 0, queries: 1 }]);
  // A file without a stored summary (written by hand, or an older build's live snapshot) is counted from its records.
  const { warnings: _w, ...bare } = r;
  assert.deepEqual(
    warningsView(bare as ResultsLike).codes.map((c) => c.code),
    ["boundary-merge", "label-tie"],
  );
  r.warnings = {
    run: [{ code: "variant-fallback", message: "pa-word (seed 1): no examples", variant: "pa-word", seed: 1 }],
    summary: [{ code: "variant-fallback", queries: 0, occurrences: 0, calibration: 0, run: 1, cells: [] }],
  };
  assert.deepEqual(at(warningsView(r).codes, 0).runMessages, ["pa-word (seed 1): no examples"]);
  // buildRunView leaves warnings to the panel (the statistics views stay apart).
  const f = fixtureResults();
  assert.equal(buildRunView("run1", f, analyseRun(f)).warnings, undefined);
});

test("warningQueryPage: the queries carrying one code, across variants and k, with their record keys", () => {
  const r = fixtureResults();
  const page = warningQueryPage("run1", r.records, "label-tie", 0, 100, { variant: "gold", k: 0 });
  assert.equal(page.warning, "label-tie");
  assert.equal(page.total, 1);
  const row = at(page.rows, 0);
  assert.deepEqual([row.variant, row.k, row.queryIndex, row.predicted, row.correct], ["ra-string", 0, 3, "", false]);
  assert.deepEqual(row.tied, ["bamok", "tusef"]);
  assert.deepEqual(row.warnings, ["label-tie"]);
  assert.equal(at(r.records, row.key).queryIndex, 3, "the key is the record's index");
  assert.equal(warningQueryPage("run1", r.records, "prob-underflow", 0, 100, { variant: "gold", k: 0 }).total, 0);
  // The plain cell page marks rows with warnings too, and carries no filter.
  const cell = queryPage("run1", r.records, "gold", 4, 0, 100);
  assert.equal(cell.warning, undefined);
  assert.deepEqual(
    cell.rows.filter((x) => x.warnings).map((x) => [x.seed, x.queryIndex, x.warnings]),
    [[1, 3, ["boundary-merge"]]],
  );
  const d = queryDetail("run1", r.records, cell.rows.find((x) => x.warnings)!.key)!;
  assert.equal(d.warnings?.[0]?.code, "boundary-merge");
  assert.match(d.warnings![0].message, /label "positive"/);
  assert.equal(toRow(at(r.records, 0), 0).warnings, undefined, "no warnings, no field");
});
