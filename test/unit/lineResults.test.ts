// End-of-line results: the variant and k are named, ✓ only when every seed got the query right,
// ✗ when none did, ◐ when some did; a cancelled newer run never replaces a complete one silently.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDemoFile } from "../../src/core/demoFile";
import { defaultK, lineHover, lineResults, pickLineRun } from "../../src/extension/lineResults";
import { makeRecords } from "../support/extensionFixtures";
import { at } from "../support/at";

const TEXT = [
  JSON.stringify({ "icl-probe": 1, template: "Review: {input}\nSentiment: {label}", labels: ["negative", "positive"], k: [0, 2], seeds: [1, 2], queries: 3, variants: ["gold"] }),
  ...["great fun", "dull and slow", "a joy", "boring mess", "lovely work", "awful acting", "bright and warm", "tedious plot"].map((input, i) =>
    JSON.stringify({ input, label: i % 2 === 0 ? "positive" : "negative" }),
  ),
].join("\n");

test("one seed: the mark, the prediction and its p; the variant and k are named", () => {
  const file = parseDemoFile(TEXT, "/w/s.icl.jsonl");
  const records = makeRecords({ variants: ["gold"], ks: [0, 2], seeds: [1], queries: 3, labels: ["negative", "positive"], correct: (_v, _k, i) => i % 3 !== 1 });
  assert.equal(defaultK(records, "gold"), 2);
  const lines = lineResults(file, records, "gold", 2);
  assert.equal(lines.length, 3);
  assert.deepEqual(
    lines.map((l) => l.line),
    [1, 2, 3],
    "example i is on 0-based line i + 1 (header on line 0)",
  );
  for (const l of lines) {
    const r = at(records, at(l.seeds, 0).key);
    assert.equal(r.variant, "gold");
    assert.equal(r.k, 2);
    assert.equal(l.mark, r.predicted === r.gold ? "right" : "wrong");
    assert.equal(l.text, `gold, k=2: ${r.predicted === r.gold ? "✓" : "✗"} ${r.predicted} (p 0.70)`);
  }
});

test("several seeds: ✓ only when all are right, ✗ when none is, ◐ otherwise, with the count", () => {
  const file = parseDemoFile(TEXT, "/w/s.icl.jsonl");
  // i = query + seed * 3: query 0 right in both seeds, query 1 wrong in both, query 2 right in seed 1 only.
  const right = new Set([3, 6, 5]);
  const records = makeRecords({ variants: ["gold"], ks: [2], seeds: [1, 2], queries: 3, labels: ["negative", "positive"], correct: (_v, _k, i) => right.has(i) });
  const byLine = new Map(lineResults(file, records, "gold", 2).map((l) => [l.line, l]));
  assert.equal(byLine.get(1)!.mark, "right");
  assert.match(byLine.get(1)!.text, /^gold, k=2: ✓ 2 of 2 seeds right · /);
  assert.equal(byLine.get(2)!.mark, "wrong");
  assert.match(byLine.get(2)!.text, /^gold, k=2: ✗ 0 of 2 seeds right · predicted /);
  assert.equal(byLine.get(3)!.mark, "mixed");
  assert.match(byLine.get(3)!.text, /^gold, k=2: ◐ 1 of 2 seeds right/);
  assert.ok(!/✓/.test(byLine.get(2)!.text), "no check mark for 0 of 2 right");
  assert.deepEqual(
    byLine.get(3)!.seeds.map((s) => s.seed),
    [1, 2],
  );
});

test("a tie reads as a tie; the hover links each seed's record to the results panel", () => {
  const file = parseDemoFile(TEXT, "/w/s.icl.jsonl");
  const records = makeRecords({ variants: ["gold"], ks: [2], seeds: [1], queries: 3, labels: ["negative", "positive"], correct: () => true }).map((r, i) =>
    i === 0 ? { ...r, predicted: "", tied: ["negative", "positive"] } : r,
  );
  const l = at(lineResults(file, records, "gold", 2), 0);
  assert.equal(l.text, "gold, k=2: ✗ tie (negative, positive)");
  const md = lineHover(l, "s/2026", "gold", 2);
  assert.match(md, /seed 1: ✗ wrong, predicted \*\*tie \(negative, positive\)\*\*/);
  assert.ok(md.includes(`command:iclProbe.showQuery?${encodeURIComponent(JSON.stringify(["s/2026", 0]))}`));
  assert.match(at(lineResults(file, records, "gold", 2, { partial: true }), 1).text, /^partial run · gold, k=2: ✓/);
});

test("the lines show the newest complete run; a newer cancelled run is named, not shown", () => {
  const run = (runId: string, status: string, live = false) => ({ runId, status, live, name: runId });
  const a = pickLineRun([run("new", "interrupted"), run("old", "complete")])!;
  assert.equal(a.run.runId, "old");
  assert.equal(a.partial, false);
  assert.match(a.note ?? "", /newer run \(new\) was cancelled: these lines show old/);
  assert.equal(pickLineRun([run("new", "complete"), run("old", "complete")])!.note, undefined);
  assert.equal(pickLineRun([run("live", "running", true), run("old", "complete")])!.run.runId, "old", "a run being written is never shown");
  const only = pickLineRun([run("p", "interrupted")])!;
  assert.equal(only.partial, true);
  assert.match(only.note ?? "", /no complete run yet/);
  assert.equal(pickLineRun([]), undefined);
  assert.match(pickLineRun([run("f", "failed"), run("ok", "complete")])!.note ?? "", /was failed/);
});
