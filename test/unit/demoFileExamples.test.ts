// The shipped example files parse cleanly and have the shape the docs promise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseDemoFile } from "../../src/core/demoFile";
import { MEMORISED } from "../../src/gguf/memoriser";
import { at } from "../support/at";
import { defined } from "../../src/core/defined";

const dir = join(__dirname, "..", "..", "..", "examples");
const load = (name: string) => parseDemoFile(readFileSync(join(dir, name), "utf8"), name);
const counts = (labels: string[]) => labels.reduce<Record<string, number>>((m, l) => ((m[l] = (m[l] ?? 0) + 1), m), {});

for (const name of ["sentiment.icl.jsonl", "topic.icl.jsonl", "capitals.icl.jsonl", "sentiment.csv", "toy-lookup.icl.jsonl", "toy-colours.icl.jsonl"]) {
  test(`${name} parses with no problems at all`, () => {
    const f = load(name);
    assert.deepEqual(f.problems, []);
    assert.equal(f.headerLine, 1);
    assert.ok(f.settings.k.every((k) => k <= f.examples.length - 1));
  });
}

test("sentiment: 96 balanced movie-review lines (64 queries + 32 demos for the standard benchmark), paper-style template", () => {
  const f = load("sentiment.icl.jsonl");
  assert.equal(f.examples.length, 96);
  assert.deepEqual(f.classes, ["negative", "positive"]);
  assert.deepEqual(counts(f.examples.map((e) => e.label)), { negative: 48, positive: 48 });
  assert.equal(f.settings.template, "Review: {input}\nSentiment: {label}");
});

test("topic: 80 lines over four balanced classes with a News/Topic template", () => {
  const f = load("topic.icl.jsonl");
  assert.equal(f.examples.length, 80);
  assert.deepEqual(f.classes, ["world", "sports", "business", "science"]);
  assert.deepEqual(counts(f.examples.map((e) => e.label)), { world: 20, sports: 20, business: 20, science: 20 });
  assert.equal(f.settings.template, "News: {input}\nTopic: {label}");
});

test("capitals: 40 countries, one capital each (a 40-class word mapping)", () => {
  const f = load("capitals.icl.jsonl");
  assert.equal(f.examples.length, 40);
  assert.equal(f.classes.length, 40);
  assert.equal(new Set(f.examples.map((e) => e.input)).size, 40);
  assert.equal(f.settings.template, "Country: {input}\nCapital: {label}");
  assert.deepEqual(f.examples.find((e) => e.input === "France")?.label, "Paris");
});

test("toy-colours (the memoriser's example): 24 memorised words x 4 modifiers, each labelled with the colour the memoriser holds", () => {
  const f = load("toy-colours.icl.jsonl");
  assert.equal(f.examples.length, 96);
  assert.deepEqual(f.classes, ["red", "green", "purple", "yellow"]);
  const words = f.examples.map((e) => e.input.split(" ").at(-1)!);
  assert.deepEqual([...new Set(words)].sort(), Object.keys(MEMORISED).sort());
  assert.deepEqual(
    f.examples.filter((e) => MEMORISED[e.input.split(" ").at(-1)!] !== e.label),
    [],
  );
  assert.equal(new Set(f.examples.map((e) => e.input)).size, 96);
  // The memoriser reads only the last token before the label: the key must end the input, right before the label.
  assert.equal(f.settings.template, "{input} {label}");
});

test("sentiment.csv: quoted commas and doubled quotes", () => {
  const f = load("sentiment.csv");
  assert.equal(f.format, "csv");
  assert.equal(f.examples.length, 12);
  assert.ok(f.examples.some((e) => e.input === 'the lead is "pitch perfect" in every scene'));
  assert.ok(f.examples.some((e) => e.input === "a gorgeous, witty film that never loses its nerve"));
  assert.deepEqual(
    f.examples.map((e) => e.line),
    Array.from({ length: 12 }, (_, i) => i + 3),
  );
});

test("docs/DEMO_FILES.md documents every problem code the parser can emit", () => {
  const src = join(__dirname, "..", "..", "..", "src", "core", "demoFile");
  const codes = new Set<string>();
  for (const f of readdirSync(src).filter((n) => n.endsWith(".ts"))) {
    const text = readFileSync(join(src, f), "utf8");
    for (const m of text.matchAll(/code: "([a-z-]+)"/g)) codes.add(at(m, 1));
    for (const m of text.matchAll(/code: "(csv-[a-z-]+)"|\?\? "(csv-[a-z-]+)"/g)) codes.add(defined(m[1] ?? m[2], "the matched csv code"));
    if (text.includes("code: `missing-${field}`")) for (const x of ["missing", "empty", "non-string"]) for (const fld of ["input", "label"]) codes.add(`${x}-${fld}`);
  }
  assert.ok(codes.size > 30, `found only ${codes.size} codes`);
  const doc = readFileSync(join(__dirname, "..", "..", "..", "docs", "DEMO_FILES.md"), "utf8");
  const undocumented = [...codes].filter((c) => !doc.includes("`" + c + "`"));
  assert.deepEqual(undocumented, []);
});
