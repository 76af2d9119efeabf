// Faults the CLI answers before any model time, each with its documented exit code: an unknown
// variant (1), a results folder that cannot be written (2), a missing or non-GGUF model (3, at
// once); preview's caps and its refusal of token-level variants without --model; `| head`
// without an EPIPE stack trace; verdict lines printed whole; label words a tokenizer cannot tell
// apart, located.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { printSummary } from "../../src/cli/main";
import { analyseRun } from "../../src/core/analysis";
import { parseDemoFile } from "../../src/core/demoFile";
import { PreflightError, checkLabelTokens } from "../../src/runner/preflight";
import { runCli as cli } from "../support/cliRun";
import { fixtureResults } from "../support/resultsFixture";

const root = join(__dirname, "..", "..", "..");
const dir = mkdtempSync(join(tmpdir(), "icl-cli-faults-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const demo = join(root, "examples", "sentiment.icl.jsonl");

test("an unknown variant is a usage error (exit 1), named with the closest id, before anything runs", async () => {
  const r = await cli("run", demo, "--variants", "gold,ra-strin", "--out", join(dir, "never1"));
  assert.equal(r.code, 1);
  assert.match(r.err, /unknown variant "ra-strin" \(did you mean "ra-string"\?\)/);
  assert.doesNotMatch(r.err, /^model /m);
  assert.ok(!existsSync(join(dir, "never1")));
});

test("a results folder under a file: exit 2 before the model loads", async () => {
  const file = join(dir, "a-file");
  writeFileSync(file, "x");
  const r = await cli("run", demo, "--variants", "gold", "--out", join(file, "out"));
  assert.equal(r.code, 2);
  assert.match(r.err, /cannot write .*a-file\/out.*part of the path is a file, not a folder/);
  assert.doesNotMatch(r.err, /^model /m);
  assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
});

test("a missing model, a directory, a non-GGUF file: exit 3 with the engine's own message, without starting it", async () => {
  const text = join(dir, "model.gguf");
  writeFileSync(text, "this is not a model\n");
  for (const [path, re] of [
    [join(dir, "absent.gguf"), /model error \(file-missing\): Model file not found/],
    [dir, /model error \(file-is-directory\)/],
    [text, /model error \(not-gguf\): .*does not start with the "GGUF" magic bytes \(found "this"\)/],
  ] as [string, RegExp][]) {
    const r = await cli("run", demo, "--variants", "gold", "--model", path, "--out", join(dir, "o"));
    assert.equal(r.code, 3, r.err);
    assert.match(r.err, re);
  }
});

test("preview: a long mapping is capped (--full prints all); token-level variants need --model", async () => {
  const capped = await cli("preview", demo, "--variant", "pa-word", "--k", "2");
  assert.equal(capped.code, 0);
  const rows = capped.out.split("\n").filter((l) => / -> /.test(l));
  assert.equal(rows.length, 40);
  assert.match(capped.out, /\.\.\. \d+ more rows \(--full prints all \d+\)/);
  const full = await cli("preview", demo, "--variant", "pa-word", "--k", "2", "--full");
  assert.ok(full.out.split("\n").filter((l) => / -> /.test(l)).length > 100);
  const tok = await cli("preview", demo, "--variant", "ra-token");
  assert.equal(tok.code, 1);
  assert.match(tok.err, /Add --model <gguf> to preview it/);
  const unknown = await cli("preview", demo, "--variant", "goldd");
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /did you mean "gold"/);
});

test("preview ... | head: output stops quietly, no EPIPE stack trace", async () => {
  const child = spawn(process.execPath, [join(root, "bin", "icl-probe.js"), "preview", demo, "--variant", "pa-word", "--full"], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  await new Promise<void>((res) => child.stdout.once("data", () => res()));
  child.stdout.destroy(); // what `head -1` does after its first line
  const code = await new Promise<number | null>((res) => child.on("close", (c) => res(c)));
  assert.doesNotMatch(err, /EPIPE|Error|\n\s+at /, err);
  assert.equal(code, 0);
});

test("verdict lines are printed whole, numbers included", () => {
  const results = fixtureResults();
  let out = "";
  const analysis = analyseRun(results);
  printSummary(analysis, results, { out: (s: string) => (out += s + "\n"), err: () => undefined, tty: false });
  const vs = analysis.verdicts.filter((v) => v.status !== "not-run");
  assert.ok(vs.length > 0);
  const flat = out.replace(/\s+/g, " ");
  for (const v of vs) assert.ok(flat.includes(v.text.replace(/\s+/g, " ")), `missing whole verdict: ${v.text}`);
});

test("class label words with identical tokens for the model: one located error naming both lines", async () => {
  const text = ['{"icl-probe": 1, "k": [0]}', '{"input": "a", "label": "naïve"}', '{"input": "b", "label": "naive"}', '{"input": "c", "label": "clever"}'].join("\n");
  const file = parseDemoFile(text, "words.icl.jsonl");
  // A tokenizer that folds accents (as some normalising tokenizers do).
  const fold = (texts: string[]) => Promise.resolve(texts.map((t) => [...t.normalize("NFD").replace(/[\u0300-\u036f]/g, "")].map((c) => c.charCodeAt(0))));
  await assert.rejects(
    checkLabelTokens(file, file.settings, fold),
    (e: unknown) =>
      e instanceof PreflightError &&
      e.code === "labels-share-tokens" &&
      /words\.icl\.jsonl:2: label 'naïve' and words\.icl\.jsonl:3: label 'naive' are the same tokens/.test(e.message) &&
      /verbalizers/.test(e.hint),
  );
  const exact = (texts: string[]) => Promise.resolve(texts.map((t) => [...t].map((c) => c.charCodeAt(0))));
  await checkLabelTokens(file, file.settings, exact);
});
