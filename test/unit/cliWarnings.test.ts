// The warnings block of the CLI's run summary: one entry per code with its counts and where, an
// example message, and what to do; nothing for a run without warnings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { warningLines } from "../../src/cli/warnings";
import { fixtureResults } from "../support/resultsFixture";
import { at } from "../support/at";

test("warningLines: counts, where, an example and what to do per code", () => {
  const lines = warningLines(fixtureResults());
  assert.equal(lines[0], "warnings: 2 of 20 queries carry warnings (all of them in results.json and report.html)");
  const text = lines.join("\n");
  assert.match(text, /^ {2}boundary-merge \[warning\]: label merges with the prompt; 1 query \(gold k=4: 1\)$/m);
  assert.match(text, /^ {4}e\.g\. label "positive": joint tokenization changes/m);
  assert.match(text, /^ {4}what to do: Separate the label from the text before it with a space/m);
  assert.match(text, /^ {2}label-tie \[warning\]: labels tie; 1 query \(ra-string k=0: 1\)$/m);
});

test("warningLines: run-level warnings are listed with their messages; no warnings, no lines", () => {
  const r = fixtureResults();
  r.records.forEach((x) => delete x.warnings);
  r.warnings = {
    run: [{ code: "variant-fallback", message: "ra-token (seed 1): took every word-like token", variant: "ra-token", seed: 1 }],
    summary: [{ code: "variant-fallback", queries: 0, occurrences: 0, calibration: 0, run: 1, cells: [] }],
  };
  const lines = warningLines(r);
  assert.match(at(lines, 0), /0 of 20 queries carry warnings, 1 about the run/);
  assert.ok(lines.includes("    ra-token (seed 1): took every word-like token"));
  assert.deepEqual(warningLines({ ...r, warnings: { run: [], summary: [] } }), []);
});
