// Run names tell runs apart (file · start time to the second), and the toy-model notice knows the
// two embedded models and the examples made for them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { distinctRunNames, runName, stampOf } from "../../src/shared/runNames";
import { toyNotice, toySentence } from "../../src/shared/toyModels";

test("names carry the start time to the second and never repeat", () => {
  const iso = "2026-12-01T12:03:04.120Z";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  assert.equal(stampOf(iso), `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`);
  assert.equal(stampOf("not a time"), undefined);
  assert.equal(runName({ runId: "x", file: "a.icl.jsonl" }), "a.icl.jsonl · x");
  const names = distinctRunNames([
    { runId: "a/2", file: "a.icl.jsonl", startedAt: "2026-12-01T12:03:04.900Z" },
    { runId: "a/1", file: "a.icl.jsonl", startedAt: "2026-12-01T12:03:04.100Z" },
    { runId: "a/3", file: "a.icl.jsonl", startedAt: "2026-12-01T12:03:05.000Z" },
    { runId: "b/1", file: "b.icl.jsonl", startedAt: "2026-12-01T12:03:04.100Z" },
  ]);
  assert.equal(new Set(names.values()).size, 4);
  assert.equal(names.get("a/1"), `a.icl.jsonl · ${stampOf("2026-12-01T12:03:04.100Z")}`);
  assert.equal(names.get("a/2"), `a.icl.jsonl · ${stampOf("2026-12-01T12:03:04.900Z")} (2)`, "the later of two runs in the same second gets (2)");
  assert.match(names.get("a/3")!, /:05$/);
});

test("the embedded toys are known by name, with the examples made for them", () => {
  assert.equal(toyNotice("/x/models/icl-toy.gguf", "sentiment.icl.jsonl")?.example, "toy-lookup.icl.jsonl");
  assert.equal(toyNotice("icl-memoriser.gguf")?.example, "toy-colours.icl.jsonl");
  assert.equal(toyNotice("/m/qwen2.5-0.5b.gguf"), undefined);
  assert.equal(toyNotice(undefined), undefined);
  const off = toyNotice("icl-toy.gguf", "/w/sentiment.icl.jsonl")!;
  assert.equal(off.onItsExample, false);
  assert.match(toySentence(off), /not a language model.*expect chance.*open toy-lookup\.icl\.jsonl/);
  const on = toyNotice("icl-toy.gguf", "/w/examples/toy-lookup.icl.jsonl")!;
  assert.equal(on.onItsExample, true);
  assert.match(toySentence(on), /was made for it/);
});
