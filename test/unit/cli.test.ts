// The CLI in-process (no model): help, exit codes, demo-file problems as file:line:col, preview's
// exact prompt and mapping table, report from a results file.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/cliRun";
import { fixtureResults } from "../support/resultsFixture";
import { at } from "../support/at";

const dir = mkdtempSync(join(tmpdir(), "icl-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = runCli;

const demo = join(dir, "mini.icl.jsonl");
writeFileSync(
  demo,
  [
    JSON.stringify({ "icl-probe": 1, template: "Review: {input}\nSentiment: {label}", separator: "\n\n", k: [2], seeds: [7], queries: 3 }),
    ...Array.from({ length: 12 }, (_, i) => JSON.stringify({ input: `movie ${i} was ${i % 2 ? "fine" : "bad"}`, label: i % 2 ? "positive" : "negative" })),
  ].join("\n") + "\n",
);

test("help and usage errors", async () => {
  const h = await cli("help");
  assert.equal(h.code, 0);
  assert.match(h.out, /icl-probe run <demo file>/);
  const u = await cli("frobnicate");
  assert.equal(u.code, 1);
  assert.match(u.err, /unknown command "frobnicate"/);
  const k = await cli("run", demo, "--k", "x");
  assert.equal(k.code, 1);
});

test("a bad demo file exits 2 and prints every problem as file:line:col", async () => {
  const bad = join(dir, "bad.icl.jsonl");
  writeFileSync(bad, '{"input": "ok", "label": "a"}\n{"input": "oops", \n{"input": "", "label": "b"}\n{"input": "x", "label": "b"}\n');
  const r = await cli("run", bad, "--out", join(dir, "never"));
  assert.equal(r.code, 2);
  const lines = r.err.split("\n").filter((l) => /: error: /.test(l));
  assert.ok(lines.length >= 2, r.err);
  const esc = bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  assert.ok(
    lines.every((l) => new RegExp(`^${esc}:\\d+:\\d+: error: `).test(l)),
    r.err,
  );
  assert.ok(
    lines.some((l) => /:2:\d+: error: /.test(l)),
    "the broken JSON on line 2 is reported",
  );
  assert.ok(
    lines.some((l) => /:3:\d+: error: /.test(l)),
    "the empty input on line 3 is reported too",
  );
  assert.ok(!existsSync(join(dir, "never")), "nothing is written");
  const missing = await cli("run", join(dir, "absent.icl.jsonl"));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /absent\.icl\.jsonl:1:1: error: file not found/);
});

test("a grid that does not fit the file exits 2 with a hint", async () => {
  const r = await cli("run", demo, "--k", "12");
  assert.equal(r.code, 2);
  assert.match(r.err, /k = 12 \(from the settings override\) needs more examples than the 12 valid ones/);
});

test("preview prints the exact prompt and the mapping table, without a model", async () => {
  const r = await cli("preview", demo, "--variant", "ra-string", "--seed", "7", "--k", "2");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /variant\s+ra-string: /);
  assert.match(r.out, /seed 7, k = 2, demos #\d+ #\d+, query #\d+ \(line \d+\)/);
  assert.match(r.out, /mapping \(label\)\n {2}negative -> [a-z]+\n {2}positive -> [a-z]+/);
  const prompt = at(at(r.out.split("----- prompt (exact text; the label follows it) -----\n"), 1).split("\n----- end of prompt -----"), 0);
  // Two demos and the query, the template intact, labels replaced, no trailing space.
  assert.equal((prompt.match(/^Review: movie \d+ was (fine|bad)$/gm) ?? []).length, 3);
  assert.equal((prompt.match(/^Sentiment: [a-z]+$/gm) ?? []).length, 2);
  assert.ok(prompt.endsWith("Sentiment:"), JSON.stringify(prompt.slice(-30)));
  assert.doesNotMatch(prompt, /Sentiment: (positive|negative)$/m, "ra-string replaces the label words");
  // Same arguments, same output (deterministic).
  assert.equal((await cli("preview", demo, "--variant", "ra-string", "--seed", "7", "--k", "2")).out, r.out);
  const other = await cli("preview", demo, "--variant", "ra-string", "--seed", "8", "--k", "2");
  assert.notEqual(other.out, r.out);
});

test("preview of a token-level variant explains why it needs the model; unknown variants are usage errors", async () => {
  const t = await cli("preview", demo, "--variant", "pa-token");
  assert.equal(t.code, 1);
  assert.match(t.err, /token ids/);
  const u = await cli("preview", demo, "--variant", "nonsense");
  assert.equal(u.code, 1);
  assert.match(u.err, /unknown variant "nonsense"/);
});

test("a malformed variant key is a VariantError, reported with its hint (exit 2)", async () => {
  const r = await cli("preview", demo, "--variant", "ra-string#x");
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^icl-probe: Variant key 'ra-string#x': the part after '#' must be a draw number/m);
  assert.match(r.err, /Write e\.g\. 'ra-string#1'\./);
  assert.doesNotMatch(r.err, /unexpected error/);
});

test("report writes a self-contained page; an invalid results file exits 2 naming the path", async () => {
  const res = join(dir, "results.json");
  writeFileSync(res, JSON.stringify(fixtureResults()));
  const r = await cli("report", res, "--out", join(dir, "r.html"));
  assert.equal(r.code, 0, r.err);
  assert.match(readFileSync(join(dir, "r.html"), "utf8"), /<canvas id="chart-acc">/);
  const bad = fixtureResults() as unknown as { records: { goldRank: unknown }[] };
  at(bad.records, 2).goldRank = 0;
  writeFileSync(res, JSON.stringify(bad));
  const b = await cli("report", res);
  assert.equal(b.code, 2);
  assert.match(b.err, /results\.json: at \/records\/2\/goldRank: invalid results file: must be >= 1/);
});

test("the bin shim runs the built CLI and passes its exit code through", async () => {
  const { spawnSync } = await import("node:child_process");
  const bin = join(__dirname, "..", "..", "..", "bin", "icl-probe.js");
  const ok = spawnSync(process.execPath, [bin, "help"], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /Exit codes:/);
  const bad = spawnSync(process.execPath, [bin, "run"], { encoding: "utf8" });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /run: missing demo file/);
});
