// Demo spans located in buildPrompt's prefix: each span's text is the rendered demo and its
// label offset points at the label word (including format ablations that hide the label).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt } from "../../src/core/prompt";
import { demoSpans } from "../../src/engine/items";
import { at } from "../support/at";

const settings = { template: "Review: {input}\nSentiment: {label}", separator: "\n\n", instruction: "Classify." };

test("spans cover each demo and point at its label", () => {
  const demos = [
    { input: "great positive fun", label: "positive" },
    { input: "dull", label: "negative" },
    { input: "ok", label: "positive", show: "input" as const },
  ];
  const p = buildPrompt(settings, demos, "meh", ["negative", "positive"]);
  const spans = demoSpans(settings, demos, p);
  assert.equal(spans.length, 3);
  assert.equal(p.prefix.slice(at(spans, 0).start, at(spans, 0).end), "Review: great positive fun\nSentiment: positive");
  // The label offset is the label slot, not the word "positive" inside the input.
  assert.equal(at(spans, 0).labelStart, p.prefix.indexOf("Sentiment: positive") + "Sentiment: ".length);
  assert.equal(p.prefix.slice(at(spans, 1).labelStart!, at(spans, 1).labelStart! + "negative".length), "negative");
  assert.equal(at(spans, 1).label, "negative");
  assert.equal(at(spans, 2).labelStart, undefined, "an inputs-only demo shows no label");
  assert.ok(at(spans, 1).start > at(spans, 0).end && at(spans, 2).start > at(spans, 1).end);
});
