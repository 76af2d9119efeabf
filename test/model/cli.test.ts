// The icl-probe CLI as a user runs it (a child process, real engine, random-weight GGUF from the
// project's writer): run writes results + CSVs + report; Ctrl-C (SIGINT) stops cleanly with exit
// 130 and prints a resume command that completes the run with the same records; model errors
// exit 3. The embedded default model is exercised when models/icl-toy.gguf exists.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseResults } from "../../src/core/results/load";
import Papa from "papaparse";
import { writeProbeFiles } from "../support/probeFixture";
import { arrowDemoText } from "../support/warningFixture";
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");
const CLI = join(root, "out", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "icl-cli-model-"));
const { model, demo } = writeProbeFiles(dir);
after(() => rmSync(dir, { recursive: true, force: true }));

const GRID = ["--variants", "gold,ra-string", "--k", "0,3", "--seeds", "1,2", "--queries", "4"];

function runCli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: dir, timeout: 300_000 });
}

test("run writes results.json, scores.csv, summary.csv and report.html; --json prints a machine-readable summary", () => {
  const out = join(dir, "full");
  const r = runCli(["run", demo, "--model", model, ...GRID, "--calibrate", "--out", out, "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { status: string; files: Record<string, string>; summary: { variant: string; k: number }[] };
  assert.equal(j.status, "complete");
  for (const f of Object.values(j.files)) assert.ok(existsSync(f), f);
  const res = parseResults(readFileSync(join(out, "results.json"), "utf8"), "results.json");
  assert.equal(res.records.length, 2 * 2 * 2 * 4);
  assert.equal(j.summary.length, 4);
  assert.ok(res.records.every((x) => x.calibrated));
  const csv = readFileSync(join(out, "scores.csv"), "utf8").trim().split("\n");
  assert.equal(csv.length, 1 + res.records.length * 2);
  // Not a TTY: plain progress lines on stderr, no escape codes.
  assert.match(r.stderr, /^\[\d+\/32\] gold k=0 seed=1/m);
  assert.doesNotMatch(r.stderr, /\x1b\[/);
});

test("SIGINT stops cleanly (exit 130), keeps what was done, and the printed resume command completes the run", async (t) => {
  const reference = join(dir, "ref");
  assert.equal(runCli(["run", demo, "--model", model, ...GRID, "--out", reference]).status, 0);
  const ref = parseResults(readFileSync(join(reference, "results.json"), "utf8"), "ref");

  const out = join(dir, "interrupted");
  // Its own process group, signalled as a whole: what Ctrl-C in a terminal does (the engine child gets SIGINT too).
  const child = spawn(process.execPath, [CLI, "run", demo, "--model", model, ...GRID, "--out", out], { cwd: dir, detached: true });
  let stderr = "";
  let sent = false;
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    // Interrupt once the first demo sets are done (a progress line past zero).
    if (!sent && /\[([1-9]\d*)\/32\]/.test(stderr)) {
      sent = true;
      process.kill(-child.pid!, "SIGINT");
    }
  });
  const code = await new Promise<number | null>((res) => child.on("exit", (c) => res(c)));
  assert.ok(sent, `never saw progress: ${stderr}`);
  if (code === 0) {
    // The run finished before the signal landed (possible on a fast machine): nothing to resume.
    t.diagnostic("the run finished before SIGINT arrived; the resume path was not exercised");
    return;
  }
  assert.equal(code, 130, stderr);
  assert.match(stderr, /stopping after the query in flight/);
  const partial = parseResults(readFileSync(join(out, "results.json"), "utf8"), "partial");
  assert.equal(partial.manifest.status, "interrupted");
  assert.ok(partial.records.length < ref.records.length);
  assert.ok(existsSync(join(out, "report.html")), "a partial report is written too");
  const hint = /Resume with:\n\s+icl-probe (.+)\n/.exec(stderr);
  assert.ok(hint, stderr);
  const args = at(hint, 1)
    .split(" ")
    .map((a) => a.replace(/^'(.*)'$/, "$1"));
  assert.deepEqual(args.slice(-3), ["--out", out, "--resume"]);
  const resumed = runCli(args);
  assert.equal(resumed.status, 0, resumed.stderr);
  const done = parseResults(readFileSync(join(out, "results.json"), "utf8"), "done");
  assert.deepEqual(done.records, ref.records);
});

test("a missing or malformed model exits 3 with the engine's message", () => {
  const r = runCli(["run", demo, "--model", join(dir, "nope.gguf"), ...GRID, "--out", join(dir, "x")]);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /model error \(file-missing\): .*nope\.gguf/);
  const notGguf = runCli(["run", demo, "--model", demo, ...GRID, "--out", join(dir, "y")]);
  assert.equal(notGguf.status, 3);
  assert.match(notGguf.stderr, /model error \(not-gguf\)/);
});

test("the embedded default model runs the shipped toy example without --model", (t) => {
  const toy = join(root, "models", "icl-toy.gguf");
  const example = ["toy-lookup.icl.jsonl", "toy.icl.jsonl"].map((f) => join(root, "examples", f)).find(existsSync);
  if (!existsSync(toy) || !example) {
    t.skip(`models/icl-toy.gguf or its example file is not in the repository yet`);
    return;
  }
  const out = join(dir, "toy");
  const r = runCli(["run", example, "--variants", "gold", "--k", "0,4", "--seeds", "1", "--queries", "8", "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  const res = parseResults(readFileSync(join(out, "results.json"), "utf8"), "toy");
  assert.equal(res.manifest.model.fileName, "icl-toy.gguf");
  assert.equal(res.records.length, 16);
});

test("a label that merges with the template: the run summary, scores.csv, summary.csv and report.html show the warning", (t) => {
  const toy = join(root, "models", "icl-toy.gguf");
  if (!existsSync(toy)) return t.skip("models/icl-toy.gguf missing");
  const file = join(dir, "arrows.icl.jsonl");
  writeFileSync(file, arrowDemoText());
  const out = join(dir, "arrows");
  const r = runCli(["run", file, "--variants", "gold", "--k", "0,2", "--seeds", "1", "--queries", "4", "--out", out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^warnings: 8 of 8 queries carry warnings/m);
  assert.match(r.stdout, /^ {2}boundary-merge \[warning\]: label merges with the prompt; 8 queries \(gold k=0: 4, gold k=2: 4\)$/m);
  assert.match(r.stdout, /^ {4}e\.g\. label ">": joint tokenization changes the prompt's last 1 token/m);
  assert.match(r.stdout, /^ {4}what to do: Separate the label from the text before it/m);
  const scores = Papa.parse<Record<string, string>>(readFileSync(join(out, "scores.csv"), "utf8"), { header: true, skipEmptyLines: true }).data;
  assert.deepEqual([...new Set(scores.map((d) => `${d.label}:${d.warnings}`))].sort(), ["<:", ">:boundary-merge"]);
  const summary = Papa.parse<Record<string, string>>(readFileSync(join(out, "summary.csv"), "utf8"), { header: true, skipEmptyLines: true }).data;
  assert.deepEqual(
    summary.map((d) => d.warnings),
    ["boundary-merge=4", "boundary-merge=4"],
  );
  const html = readFileSync(join(out, "report.html"), "utf8");
  assert.match(html, /id="warnings-banner"[^]*8 of 8 queries carry warnings/);
  assert.match(html, /<tr id="warning-boundary-merge" data-code="boundary-merge">/);
  const json = runCli(["run", file, "--variants", "gold", "--k", "0", "--seeds", "1", "--queries", "2", "--out", join(dir, "arrows-json"), "--json"]);
  assert.equal(json.status, 0, json.stderr);
  const j = JSON.parse(json.stdout) as { warnings: { summary: { code: string; queries: number }[] } };
  assert.deepEqual(
    j.warnings.summary.map((c) => [c.code, c.queries]),
    [["boundary-merge", 2]],
  );
});
