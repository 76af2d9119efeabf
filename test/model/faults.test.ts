// Faults keep the data, on the embedded model through the CLI (in-process): a disk that fills up
// mid-run (simulated through writeFs) leaves a valid results folder whose --resume completes the
// run with exactly the records of an uninterrupted one; prompts longer than the context stop the
// run before scoring (exit 2, cells and largest k, no --resume offered) or are skipped and
// recorded; a variant this file cannot have (no antonyms) is skipped with its reason while the
// others run.
import { test, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseResults } from "../../src/core/results/load";
import { writeFs } from "../../src/runner/checkpoint";
import { runCli as cli } from "../support/cliRun";
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");
const dir = mkdtempSync(join(tmpdir(), "icl-faults-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const original = { ...writeFs };
afterEach(() => Object.assign(writeFs, original));
const toy = join(root, "examples", "toy-lookup.icl.jsonl");
const grid = ["--variants", "gold,ra-string", "--k", "0,2", "--seeds", "1", "--queries", "8"];
const results = (out: string) => parseResults(readFileSync(join(out, "results.json"), "utf8"), "results.json");

test("disk full mid-run: exit 2 with how many queries are safe; the folder stays valid; --resume completes it exactly", async () => {
  const clean = join(dir, "clean");
  assert.equal((await cli("run", toy, ...grid, "--out", clean)).code, 0);
  const out = join(dir, "full");
  // Five journal records get through, then every write fails as on a full disk.
  let records = 0;
  writeFs.writeSync = (fd, buf, off, len) => {
    const text = Buffer.from(buf.buffer, buf.byteOffset + off, len).toString("utf8");
    if (records >= 5) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    if (text.includes('"type":"record"')) records++;
    return original.writeSync(fd, buf, off, len);
  };
  const r = await cli("run", toy, ...grid, "--out", out);
  Object.assign(writeFs, original);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /disk full: 5 queries are safe in the journal; free space and run --resume/);
  assert.match(r.err, /Resume with:\n\s+icl-probe run .*--resume/);
  assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
  // Whatever is on disk is whole: results.json (when a snapshot was written) parses.
  if (existsSync(join(out, "results.json"))) results(out);
  const resumed = await cli("run", toy, ...grid, "--out", out, "--resume");
  assert.equal(resumed.code, 0, resumed.err);
  const a = results(clean);
  const b = results(out);
  assert.equal(b.manifest.status, "complete");
  // Same queries, same predictions; scores within the project's 1e-4 (a resumed run evaluates
  // other batches, which moves float32 sums in the last digits).
  assert.deepEqual(
    b.records.map((x) => [x.variant, x.k, x.seed, x.queryIndex, x.predicted]),
    a.records.map((x) => [x.variant, x.k, x.seed, x.queryIndex, x.predicted]),
  );
  b.records.forEach((x, i) => x.labels.forEach((l, j) => assert.ok(Math.abs(l.logProb - at(at(a.records, i).labels, j).logProb) < 1e-4, `${x.variant} k=${x.k} q${x.queryIndex} ${l.label}`)));
});

/** A file whose inputs are long enough that k = 16 demos overflow the toy model's 2,048-token context. */
function longFile(): string {
  const p = join(dir, "long.icl.jsonl");
  const word = (i: number) => `w${(i * 7919) % 1000}x`;
  const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ input: Array.from({ length: 60 }, (_, j) => word(i * 60 + j)).join(" "), label: ["red", "green"][i % 2] }));
  writeFileSync(p, [JSON.stringify({ "icl-probe": 1, template: "{input} {label}", separator: "\n" }), ...rows].join("\n") + "\n");
  return p;
}

test("prompts longer than the context: stop before scoring (exit 2, which cells, largest k), never a --resume", async () => {
  const out = join(dir, "over-stop");
  const r = await cli("run", longFile(), "--variants", "gold", "--k", "2,16", "--seeds", "1", "--queries", "2", "--out", out);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /1 cell of the grid would not fit the context of icl-toy\.gguf \(2048 tokens\): gold k=16 seed 1: \d+ tokens\. The largest k that fits these demos is about (\d+)\./);
  const k = Number(/about (\d+)\./.exec(r.err)![1]);
  assert.ok(k >= 2 && k < 16, `largest k ${k}`);
  assert.match(r.err, /--on-overflow skip/);
  assert.doesNotMatch(r.err, /--resume/);
  assert.ok(!existsSync(join(out, "results.json")), "nothing was scored");
});

test("prompts longer than the context with --on-overflow skip: the other cells run, the skipped ones are recorded", async () => {
  const out = join(dir, "over-skip");
  const r = await cli("run", longFile(), "--variants", "gold", "--k", "2,16", "--seeds", "1", "--queries", "2", "--out", out, "--on-overflow", "skip");
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /icl-probe: gold: \d+ tokens > context 2048; largest k that fits about \d+/);
  const res = results(out);
  assert.deepEqual([...new Set(res.records.map((x) => x.k))], [2]);
  assert.equal(res.manifest.progress.total, 2);
  assert.deepEqual(
    res.manifest.skipped?.map((c) => [c.variant, c.k, c.seed, c.code]),
    [["gold", 16, 1, "context-overflow"]],
  );
});

test("a variant this file cannot have (labels without antonyms) is skipped before the model loads, with its reason recorded; the others run", async () => {
  const out = join(dir, "natural");
  const r = await cli("run", join(root, "examples", "topic.icl.jsonl"), "--variants", "gold,ra-antonym,ra-synonym", "--k", "0", "--seeds", "1", "--queries", "4", "--out", out);
  assert.equal(r.code, 0, r.err);
  const skipLine = r.err.indexOf("skipping ra-antonym:");
  assert.ok(skipLine >= 0 && skipLine < r.err.indexOf("model icl-toy"), "said before the model loads");
  assert.match(r.err, /of 4 labels ha(s|ve) no antonym in WordNet 3\.1.*"wordLists": \{"antonyms": \{/);
  const res = results(out);
  assert.deepEqual([...new Set(res.records.map((x) => x.variant))], ["gold", "ra-synonym"]);
  assert.deepEqual(
    res.manifest.skipped?.map((c) => [c.variant, c.code]),
    [["ra-antonym", "variant-unbuildable"]],
  );
  // The synonyms the natural-g variant chose are in the results, with their source.
  const m = res.manifest.mappings?.find((x) => x.variant === "ra-synonym");
  assert.deepEqual(
    m?.rows.map((x) => x.from),
    ["world", "sports", "business", "science"],
  );
  assert.ok(
    m!.rows.every((x) => x.to && x.to !== x.from && /WordNet/.test(x.note ?? "")),
    JSON.stringify(m),
  );
  assert.match(readFileSync(join(out, "report.html"), "utf8"), /ra-synonym \(seed 1\)/);
});
