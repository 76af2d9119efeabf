// User-supplied word lists: declared in the demo file's header, validated with located problems,
// and used by the natural-g variants before (or without) WordNet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDemoFile } from "../../src/core/demoFile";
import { VariantCache } from "../../src/core/experiment/plan";
import { at } from "../support/at";

const header = (wordLists: unknown) =>
  JSON.stringify({ "icl-probe": 1, labels: ["negative", "positive"], k: [2], seeds: [1], queries: 2, wordLists }) +
  "\n" +
  ["a dull film|negative", "a warm film|positive", "flat and slow|negative", "sharp and funny|positive", "tedious|negative", "lovely|positive"]
    .map((l) => JSON.stringify({ input: l.split("|")[0], label: l.split("|")[1] }))
    .join("\n");

test("wordLists from the header drive ra-synonym and ra-antonym without WordNet", () => {
  const file = parseDemoFile(header({ synonyms: { negative: ["grim"], positive: ["upbeat"] }, antonyms: { negative: ["cheerful"], positive: ["gloomy"] } }), "w.icl.jsonl");
  assert.deepEqual(
    file.problems.filter((p) => p.severity === "error"),
    [],
  );
  assert.deepEqual(file.settings.wordLists?.synonyms, { negative: ["grim"], positive: ["upbeat"] });
  const cache = new VariantCache(file, file.settings);
  const syn = cache.get("ra-synonym", 1);
  assert.deepEqual(syn.labelSpace, ["grim", "upbeat"]);
  const ant = cache.get("ra-antonym", 1);
  assert.deepEqual(ant.labelSpace, ["cheerful", "gloomy"]);
  assert.equal(ant.query(at(file.examples, 1)).gold, "gloomy");
});

test("a malformed wordLists value is an error on the header line; an unknown list is a warning", () => {
  const bad = parseDemoFile(header({ synonyms: { positive: [] } }), "w.icl.jsonl");
  const err = bad.problems.find((p) => p.severity === "error" && p.code === "invalid-setting");
  assert.ok(err, "expected an invalid-setting error");
  assert.equal(err.line, 1);
  assert.match(err.message, /wordLists\.synonyms/);
  const odd = parseDemoFile(header({ hypernyms: { positive: ["good"] } }), "w.icl.jsonl");
  assert.ok(odd.problems.some((p) => p.severity === "warning" && /hypernyms/.test(p.message)));
  const notObject = parseDemoFile(header(["upbeat"]), "w.icl.jsonl");
  assert.ok(notObject.problems.some((p) => p.severity === "error" && /"wordLists" must be an object/.test(p.message)));
});

test("draw ranges: ra-string#0..3 expands to four paired draws in the plan; bad ranges are errors", () => {
  const { expandVariantKeys } = require("../../src/core/variants") as typeof import("../../src/core/variants");
  const { planExperiment } = require("../../src/core/experiment/plan") as typeof import("../../src/core/experiment/plan");
  assert.deepEqual(expandVariantKeys(["gold", "ra-string#0..3", "ra-string#2"]), ["gold", "ra-string#0", "ra-string#1", "ra-string#2", "ra-string#3"]);
  assert.throws(() => expandVariantKeys(["g-string#5..1"]), /smaller to a larger/);
  const file = parseDemoFile(header(undefined).replace(',"wordLists":null', ""), "w.icl.jsonl");
  const plan = planExperiment({ file, settings: { ...file.settings, variants: ["ra-string#0..1", "g-string#0..1"], queries: 2, k: [2] } });
  assert.deepEqual(plan.variants, ["ra-string#0", "ra-string#1", "g-string#0", "g-string#1"]);
  const ok = parseDemoFile(header(undefined).replace('"queries":2', '"queries":2,"variants":["ra-string#0..49"]'), "w.icl.jsonl");
  assert.deepEqual(
    ok.problems.filter((p) => p.severity !== "info"),
    [],
  );
});
