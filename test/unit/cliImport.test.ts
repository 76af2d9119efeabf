// icl-probe import, in-process: each public data-set shape (written here as a small file of that
// shape) becomes a ready *.icl.jsonl with a header line, which then parses with no problems and
// the same examples; what cannot be inferred is one problem naming the flags to add.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/cliRun";
import { parseDemoFile } from "../../src/core/demoFile";
import { at } from "../support/at";

const dir = mkdtempSync(join(tmpdir(), "icl-import-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = runCli;

function imported(path: string) {
  const text = readFileSync(path, "utf8");
  const f = parseDemoFile(text, path);
  assert.deepEqual(
    f.problems.filter((p) => p.severity !== "info"),
    [],
    text.slice(0, 400),
  );
  assert.match(at(text.split("\n"), 0), /^# imported by icl-probe from /);
  return f;
}

test("SST-2-like TSV with 0/1 labels: --label-map names the classes", async () => {
  const src = join(dir, "train.tsv");
  writeFileSync(src, "sentence\tlabel\n" + Array.from({ length: 30 }, (_, i) => `review number ${i} ${i % 2 ? "shines" : "drags"}\t${i % 2}`).join("\n") + "\n");
  const r = await cli("import", src, "--label-map", "0=negative,1=positive");
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /read .*train\.tsv as TSV with a header row, 2 columns \(input "sentence", label "label"\); labels mapped by "labelMap": 30 examples, 2 classes/);
  const f = imported(join(dir, "train.icl.jsonl"));
  assert.deepEqual(f.classes, ["negative", "positive"]);
  assert.deepEqual([at(f.examples, 1).input, at(f.examples, 1).label], ["review number 1 shines", "positive"]);
  // A second import refuses to overwrite without --force.
  const again = await cli("import", src, "--label-map", "0=negative,1=positive");
  assert.equal(again.code, 1);
  assert.match(again.err, /exists; pass --force/);
  assert.equal((await cli("import", src, "--label-map", "0=negative,1=positive", "--force")).code, 0);
});

test("AG-News-like headerless quoted CSV with classes 1..4: one problem, then --input/--label/--classes", async () => {
  const src = join(dir, "ag.csv");
  const rows = Array.from({ length: 24 }, (_, i) => [String((i % 4) + 1), `Headline ${i}, with a comma`, `Body text of story ${i} says "quoted" things.`]);
  writeFileSync(src, rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\n") + "\n");
  writeFileSync(join(dir, "classes.txt"), "World\nSports\nBusiness\nSci/Tech\n");
  const ask = await cli("import", src);
  assert.equal(ask.code, 2);
  assert.equal(ask.err.split("\n").filter((l) => / error: /.test(l)).length, 1, ask.err);
  assert.match(ask.err, /--input '\{2\}\. \{3\}' --label 1/);
  assert.ok(!existsSync(join(dir, "ag.icl.jsonl")));
  const r = await cli("import", src, "--input", "{2}. {3}", "--label", "1", "--classes", join(dir, "classes.txt"), "--template", "News: {input}\\nNews type: {label}");
  assert.equal(r.code, 0, r.err);
  const f = imported(join(dir, "ag.icl.jsonl"));
  assert.deepEqual(f.classes, ["World", "Sports", "Business", "Sci/Tech"]);
  assert.equal(at(f.examples, 2).input, 'Headline 2, with a comma. Body text of story 2 says "quoted" things.');
  assert.equal(at(f.examples, 2).label, "Business");
  assert.equal(f.settings.template, "News: {input}\nNews type: {label}");
});

test("TREC-like COARSE:fine lines, coarse and fine", async () => {
  const src = join(dir, "train_5500.label");
  const coarse = ["DESC:manner", "ENTY:animal", "HUM:ind", "LOC:city", "NUM:date", "ABBR:exp"];
  writeFileSync(src, Array.from({ length: 30 }, (_, i) => `${coarse[i % 6]} What is question number ${i} ?`).join("\n") + "\n");
  assert.equal((await cli("import", src)).code, 0);
  const f = imported(join(dir, "train_5500.icl.jsonl"));
  assert.deepEqual(f.classes, ["DESC", "ENTY", "HUM", "LOC", "NUM", "ABBR"]);
  assert.equal(at(f.examples, 0).input, "What is question number 0 ?");
  assert.equal((await cli("import", src, "--label", "{coarse}:{fine}", "--out", join(dir, "fine.icl.jsonl"))).code, 0);
  assert.equal(at(imported(join(dir, "fine.icl.jsonl")).examples, 3).label, "LOC:city");
});

test("JSON arrays of {input, output} word pairs with hundreds of distinct outputs", async () => {
  for (const n of [196, 1727]) {
    const src = join(dir, `pairs${n}.json`);
    writeFileSync(
      src,
      JSON.stringify(
        Array.from({ length: n }, (_, i) => ({ input: `w${i}`, output: `o${i}` })),
        null,
        1,
      ),
    );
    const r = await cli("import", src);
    assert.equal(r.code, 0, r.err);
    const f = imported(join(dir, `pairs${n}.icl.jsonl`));
    assert.equal(f.classes.length, n);
    assert.deepEqual(f.examples[n - 1], { index: n - 1, line: n + 2, input: `w${n - 1}`, label: `o${n - 1}` });
  }
});

test("UTF-16 (BOM) CSV export imports as text", async () => {
  const text = "text,label\n" + Array.from({ length: 12 }, (_, i) => `café ${i},${i % 2 ? "bon" : "mauvais"}`).join("\n") + "\n";
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  const src = join(dir, "export.csv");
  writeFileSync(src, bytes);
  const r = await cli("import", src);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /utf-16le/);
  assert.equal(at(imported(join(dir, "export.icl.jsonl")).examples, 3).input, "café 3");
});
