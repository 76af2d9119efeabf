// Warnings as results (src/core/warnings.ts) and the one prediction rule (src/core/labelDecision.ts):
// the table covers every code, counts per run and per variant/k, and ties are no prediction, with a
// gold rank that agrees with correctness on every input (property test).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatWarningCounts, summarizeWarnings, WARNING_CODES, WARNING_INFO, warningInfo, runWarningsOf, type ScoreWarning } from "../../src/core/warnings";
import { decideLabels, goldRankOf, NO_PREDICTION, topIndices, uniqueArgmax } from "../../src/core/labelDecision";
import { toCalibrationRecord, toQueryRecord } from "../../src/core/experiment/records";
import { calibrate } from "../../src/core/calibration";
import type { MaterializedItem, PlanGroup } from "../../src/core/experiment/plan";
import type { LabelScore } from "../../src/core/types";
import { at } from "../support/at";

const ls = (pairs: [string, number][]): LabelScore[] => pairs.map(([label, logProb]) => ({ label, logProb, meanLogProb: logProb, firstTokenLogProb: logProb, tokens: 1, prob: 0.5 }));
const w = (code: ScoreWarning["code"], labels?: string[]): ScoreWarning => ({ code, message: `${code} found`, ...(labels ? { labels } : {}) });

test("every warning code has a title, a meaning and an action", () => {
  assert.deepEqual(Object.keys(WARNING_INFO).sort(), [...WARNING_CODES].sort());
  for (const code of WARNING_CODES) {
    const i = WARNING_INFO[code];
    assert.ok(i.title.length > 5 && i.meaning.length > 40 && i.action.length > 20, code);
    assert.ok(/[.!]$/.test(i.meaning) && /[.!]$/.test(i.action), `${code}: full sentences`);
  }
  assert.equal(warningInfo("from-the-future").title, "from-the-future", "unknown codes get a generic entry");
  assert.match(warningInfo("from-the-future").action, /Update icl-probe/);
});

test("docs/ENGINE.md's warnings table and the README explain every code", () => {
  const root = join(__dirname, "..", "..", "..");
  const engine = readFileSync(join(root, "docs", "ENGINE.md"), "utf8");
  const readme = readFileSync(join(root, "README.md"), "utf8");
  for (const code of WARNING_CODES) {
    assert.match(engine, new RegExp(`^\\| \`${code}\` \\|`, "m"), `ENGINE.md has a row for ${code}`);
    assert.ok(readme.includes(`\`${code}\``), `README mentions ${code}`);
  }
});

test("summarizeWarnings: records, occurrences, calibration and run warnings per code, with variant/k cells", () => {
  const records = [
    { variant: "gold", k: 0, warnings: [w("boundary-merge", ["a"]), w("boundary-merge", ["b"]), w("shared-first-token")] },
    { variant: "gold", k: 0, warnings: [w("boundary-merge", ["a"])] },
    { variant: "gold", k: 4, warnings: [w("boundary-merge", ["a"])] },
    { variant: "pa-token", k: 4 },
    { variant: "pa-token", k: 4, warnings: [w("label-tie", ["a", "b"])] },
  ];
  const s = summarizeWarnings(records, [{ warnings: [w("boundary-merge")] }, {}], [{ code: "variant-fallback", message: "x", variant: "ra-token", seed: 1 }]);
  assert.deepEqual(
    s.map((c) => [c.code, c.queries, c.occurrences, c.calibration, c.run]),
    [
      ["boundary-merge", 3, 4, 1, 0],
      ["shared-first-token", 1, 1, 0, 0],
      ["label-tie", 1, 1, 0, 0],
      ["variant-fallback", 0, 0, 0, 1],
    ],
  );
  assert.deepEqual(at(s, 0).cells, [
    { variant: "gold", k: 0, queries: 2 },
    { variant: "gold", k: 4, queries: 1 },
  ]);
  assert.deepEqual(summarizeWarnings([{ variant: "gold", k: 0 }]), [], "no warnings, no entries");
  assert.equal(formatWarningCounts({ "label-tie": 1, "boundary-merge": 3, "shared-first-token": 1 }), "boundary-merge=3 shared-first-token=1 label-tie=1");
  assert.equal(formatWarningCounts({}), "");
  // A stored summary is used as is; without one it is computed from the records.
  assert.equal(runWarningsOf({ records, warnings: { run: [], summary: [] } }).summary.length, 0);
  assert.equal(runWarningsOf({ records }).summary.length, 3);
});

test("decideLabels: the unique maximum, or no prediction with the tied labels; never the first label", () => {
  assert.deepEqual(
    decideLabels(
      ls([
        ["a", -1],
        ["b", -2],
      ]),
    ),
    { predicted: "a" },
  );
  assert.deepEqual(
    decideLabels(
      ls([
        ["a", -2],
        ["b", -1],
        ["c", -1],
      ]),
    ),
    { predicted: NO_PREDICTION, tied: ["b", "c"] },
  );
  assert.deepEqual(
    decideLabels(
      ls([
        ["a", -3],
        ["b", -3],
      ]),
    ),
    { predicted: "", tied: ["a", "b"] },
  );
  assert.deepEqual(topIndices([1, 3, 3, 2]), [1, 2]);
  assert.equal(uniqueArgmax([1, 3, 3]), -1);
  assert.equal(uniqueArgmax([1, 3, 2]), 1);
  assert.equal(uniqueArgmax([]), -1);
  // goldRank counts equal scores against the gold.
  assert.equal(
    goldRankOf(
      ls([
        ["a", -1],
        ["b", -1],
      ]),
      "a",
    ),
    2,
  );
  assert.equal(
    goldRankOf(
      ls([
        ["a", -1],
        ["b", -2],
        ["c", -1],
      ]),
      "b",
    ),
    3,
  );
  assert.equal(
    goldRankOf(
      ls([
        ["a", -1],
        ["b", -2],
      ]),
      "a",
    ),
    1,
  );
});

test("property: predicted === gold exactly when goldRank === 1, on scores with many ties", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -3, max: 0 }), { minLength: 1, maxLength: 6 }), fc.nat(), (scores, g) => {
      const labels = ls(scores.map((s, i) => [`l${i}`, s]));
      const gold = at(labels, g % labels.length).label;
      const d = decideLabels(labels);
      const rank = goldRankOf(labels, gold);
      assert.equal(d.predicted === gold, rank === 1);
      assert.equal(d.tied === undefined, d.predicted !== NO_PREDICTION);
      assert.ok(rank >= 1 && rank <= labels.length);
    }),
    { numRuns: 500 },
  );
});

const group: PlanGroup = { id: "gold|k2|s1", variant: "gold", k: 2, seed: 1, demoIndices: [3, 4], queries: [7], calibrationInputs: [] };
const item: MaterializedItem = { id: "gold|k2|s1|q7", kind: "query", queryIndex: 7, input: "x", gold: "b", prefix: "", query: "", labelSep: " ", labels: ["a", "b"], demos: [] };

test("toQueryRecord: a tie is no prediction, wrong, ranked against the gold, with a label-tie warning; engine warnings kept", () => {
  const r = toQueryRecord(
    group,
    item,
    ls([
      ["a", -1.5],
      ["b", -1.5],
    ]),
    [],
    [w("boundary-merge", ["b"])],
  );
  assert.equal(r.predicted, "");
  assert.deepEqual(r.tied, ["a", "b"]);
  assert.equal(r.goldRank, 2);
  assert.deepEqual(
    r.warnings?.map((x) => x.code),
    ["boundary-merge", "label-tie"],
  );
  assert.deepEqual(r.warnings?.[1]?.labels, ["a", "b"]);
  assert.match(r.warnings![1].message, /labels "a", "b" tie for the highest score \(logProb -1\.5000\)/);
  const ok = toQueryRecord(
    group,
    item,
    ls([
      ["a", -2],
      ["b", -1],
    ]),
    [],
  );
  assert.equal(ok.predicted, "b");
  assert.equal(ok.goldRank, 1);
  assert.equal(ok.tied, undefined);
  assert.equal(ok.warnings, undefined, "no warnings, no field");
  // An engine's own label-tie warning is not doubled.
  const again = toQueryRecord(
    group,
    item,
    ls([
      ["a", -1],
      ["b", -1],
    ]),
    [],
    [w("label-tie", ["a", "b"])],
  );
  assert.equal(again.warnings?.filter((x) => x.code === "label-tie").length, 1);
  const c = toCalibrationRecord(
    group,
    { ...item, kind: "calibration" },
    ls([
      ["a", -1],
      ["b", -1],
    ]),
    [w("prob-underflow", ["a"])],
  );
  assert.deepEqual(
    c.warnings?.map((x) => x.code),
    ["prob-underflow", "label-tie"],
  );
});

test("calibration: a calibrated tie is no prediction either", () => {
  assert.equal(calibrate([0.5, 0.5], [0.5, 0.5]).predicted, -1);
  const r = toQueryRecord(
    group,
    item,
    ls([
      ["a", -1],
      ["b", -2],
    ]).map((l, i) => ({ ...l, prob: i === 0 ? 2 / 3 : 1 / 3 })),
    [
      ls([
        ["a", -1],
        ["b", -2],
      ]).map((l, i) => ({ ...l, prob: i === 0 ? 2 / 3 : 1 / 3 })),
    ],
  );
  assert.equal(r.calibrated?.predicted, "", "dividing by the content-free prior makes the labels tie");
});
