// Code-lens placement from a parsed demo file, variant previews (the exact prompt, never the
// model), and the results store's scan of saved runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDemoFile } from "../../src/core/demoFile";
import { lensSpecs } from "../../src/extension/lensModel";
import { applyFix, fixEdit } from "../../src/extension/problemFix";
import { buildPreview, promptForRecord } from "../../src/extension/previewText";
import { ResultsStore, runIdFor } from "../../src/extension/resultsStore";
import { makeRecords } from "../support/extensionFixtures";
import { at } from "../support/at";

const TEXT = [
  JSON.stringify({
    "icl-probe": 1,
    template: "Review: {input}\nSentiment: {label}",
    separator: "\n\n",
    labels: ["negative", "positive"],
    k: [0, 2],
    seeds: [1],
    queries: 4,
    variants: ["gold", "ra-string"],
  }),
  ...["great fun", "dull and slow", "a joy", "boring mess", "lovely work", "awful acting", "bright and warm", "tedious plot", "witty script", "flat jokes"].map((input, i) =>
    JSON.stringify({ input, label: i % 2 === 0 ? "positive" : "negative" }),
  ),
].join("\n");

test("header lenses sit above the header line; Cancel probe while one runs; the results lens names variant, k and run", () => {
  const file = parseDemoFile(TEXT, "/w/s.icl.jsonl");
  assert.deepEqual(
    file.problems.filter((p) => p.severity === "error"),
    [],
  );
  const plain = lensSpecs(file, "toy.gguf");
  assert.deepEqual(
    plain.map((l) => l.line),
    [0, 0, 0, 0],
  );
  assert.deepEqual(
    plain.map((l) => l.command),
    ["iclProbe.runProbe", "iclProbe.previewVariant", "iclProbe.previewVariant", "iclProbe.selectModel"],
  );
  assert.deepEqual(at(plain, 1).args, [undefined, "ra-string"]);
  assert.deepEqual(at(plain, 2).args, [undefined, "pa-word"]);
  assert.ok(at(plain, 3).title.includes("toy.gguf"));
  assert.equal(at(lensSpecs(file, "m", undefined, true), 0).command, "iclProbe.cancelProbe");
  const withRun = lensSpecs(file, "toy.gguf", { variant: "gold", k: 2, run: "s.icl.jsonl · 2026-12-01 12:03:04" });
  assert.equal(withRun.length, 5, "one lens for the results, none per query line");
  assert.ok(withRun.every((l) => l.line === 0));
  assert.equal(at(withRun, 4).title, "$(eye) gold, k=2");
  assert.match(at(withRun, 4).tooltip ?? "", /gold at k=2 from s\.icl\.jsonl · 2026-12-01 12:03:04/);
  const noted = at(lensSpecs(file, "toy.gguf", { variant: "gold", k: 2, run: "a", note: "a newer run (b) was cancelled" }), 4);
  assert.match(noted.title, /\$\(warning\)/);
  assert.match(noted.tooltip ?? "", /newer run \(b\) was cancelled/);
});

test("tau_PA preview shows ciphered inputs with intact labels, deterministically", () => {
  const a = buildPreview({ text: TEXT, path: "/w/s.icl.jsonl", variant: "pa-word", seed: 1, k: 2 });
  const b = buildPreview({ text: TEXT, path: "/w/s.icl.jsonl", variant: "pa-word", seed: 1, k: 2 });
  assert.equal(a, b);
  assert.match(a, /Mapping \(word\)/);
  assert.match(a, /Sentiment: (positive|negative)/);
  const prompt = a.split("─".repeat(72))[2] ?? "";
  assert.ok(prompt.includes("Review: "), a);
  const inputs = ["great fun", "dull and slow", "a joy", "boring mess", "lovely work", "awful acting", "bright and warm", "tedious plot", "witty script", "flat jokes"];
  assert.ok(!inputs.some((i) => prompt.includes(`Review: ${i}\n`)), "inputs are ciphered in the prompt");
});

test("tau_RA preview maps labels to new strings; errors and unknown variants are explained", () => {
  const ra = buildPreview({ text: TEXT, path: "/w/s.icl.jsonl", variant: "ra-string", seed: 1, k: 2 });
  assert.match(ra, /negative {2}-> {2}\S+/);
  assert.match(ra, /Candidate labels: /);
  assert.match(buildPreview({ text: TEXT, path: "/w/s.icl.jsonl", variant: "nope" }), /Unknown variant "nope"/);
  assert.match(buildPreview({ text: "{bad json", path: "/w/b.icl.jsonl", variant: "gold" }), /error\(s\); fix them to preview/);
  assert.match(buildPreview({ text: TEXT, path: "/w/s.icl.jsonl", variant: "pa-token" }), /tokenizer/);
});

test("promptForRecord rebuilds the scored prompt from demo indices", () => {
  const file = parseDemoFile(TEXT, "/w/s.icl.jsonl");
  const r = promptForRecord(TEXT, "/w/s.icl.jsonl", file.settings, { variant: "gold", seed: 1, queryIndex: 0, demoIndices: [3, 4] });
  assert.ok(r.prompt, r.note);
  assert.ok(r.prompt!.includes("Review: boring mess\nSentiment: negative"));
  assert.ok(r.prompt!.includes("Review: lovely work\nSentiment: positive"));
  assert.ok(r.prompt!.trimEnd().endsWith("Review: great fun\nSentiment:"));
  assert.match(promptForRecord(TEXT, "/w/s.icl.jsonl", file.settings, { variant: "gold", seed: 1, queryIndex: 99, demoIndices: [] }).note ?? "", /changed/);
});

test("results store scans results.json files and reports bad ones", () => {
  const dir = mkdtempSync(join(tmpdir(), "icl-store-"));
  try {
    const good = join(dir, "sent", "2026-01-01T00-00-00");
    mkdirSync(good, { recursive: true });
    const bad = join(dir, "broken");
    mkdirSync(bad);
    writeFileSync(join(bad, "results.json"), "{ not json");
    const store = new ResultsStore();
    const changes: (string | undefined)[] = [];
    store.onDidChange((id) => changes.push(id));
    assert.equal(store.scan(dir), 0);
    assert.equal(store.loadErrors.length, 1);
    assert.match(at(store.loadErrors, 0), /not valid JSON/);
    assert.equal(runIdFor(join(good, "results.json"), dir), "sent/2026-01-01T00-00-00");
    const records = makeRecords({ variants: ["gold"], ks: [1], seeds: [1], queries: 2, labels: ["a", "b"], correct: () => true });
    store.put({ runId: "live", results: { records, manifest: { demoFile: { path: "/w/x.icl.jsonl" } } }, live: true });
    assert.equal(store.latestFor("/w/x.icl.jsonl")?.runId, "live");
    assert.deepEqual(changes, ["live"]);
    assert.equal(at(store.summaries(), 0).complete, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("quick fixes from Problem.fix remove their problem", () => {
  const text = [
    JSON.stringify({ "icl-probe": 1, labels: ["positive", "negative"], k: [0, 1], queries: 2 }),
    JSON.stringify({ input: "a", label: "positive" }),
    JSON.stringify({ input: "b", label: "negativ" }),
    JSON.stringify({ input: "c", label: "negative" }),
    JSON.stringify({ input: "d", label: "positive" }),
  ].join("\n");
  const before = parseDemoFile(text, "/w/f.icl.jsonl").problems.find((p) => p.code === "unknown-label");
  assert.ok(before?.fix, "the parser offers a fix for a near-miss label");
  const e = fixEdit(before!)!;
  assert.equal(e.line, 2);
  assert.match(e.title, /negative/);
  const fixed = applyFix(text, e);
  assert.ok(at(fixed.split("\n"), 2).includes('"negative"'));
  assert.equal(parseDemoFile(fixed, "/w/f.icl.jsonl").problems.filter((p) => p.code === "unknown-label").length, 0);
});
