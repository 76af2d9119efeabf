// Demo spans located in buildPrompt's prefix: each span's text is the rendered demo and its
// label offset points at the label word (including format ablations that hide the label). The
// engine's items move the template's lead into the prefix without changing the prompt's text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPrompt } from "../../src/core/prompt";
import { demoSpans, templateLead, textScoreItem } from "../../src/engine/items";
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

test("the template's lead is its text before {input}, without trailing whitespace; empty without {input} before {label}", () => {
  assert.equal(templateLead("Review: {input}\nSentiment: {label}"), "Review:");
  assert.equal(templateLead("Q:\n\n{input}\nA: {label}"), "Q:");
  assert.equal(templateLead("  Input -> {input} => {label}"), "  Input ->");
  assert.equal(templateLead("{input} {label}"), "");
  assert.equal(templateLead(" {input}: {label}"), "");
  assert.equal(templateLead("{label}: {input}"), "", "{input} after {label}: the query shows no input");
  assert.equal(templateLead("Sentiment: {label}\nReview: {input}"), "");
});

test("the engine item carries the lead in its prefix: same prompt text, demo spans still valid, the lead's length for the overflow report", () => {
  const demos = [
    { input: "great fun", label: "positive" },
    { input: "dull", label: "negative" },
  ];
  const p = buildPrompt(settings, demos, "meh", ["negative", "positive"]);
  const spans = demoSpans(settings, demos, p);
  const item = textScoreItem(settings.template, { ...p, id: "q1", gold: "negative" }, spans);
  assert.equal(item.prefix, p.prefix + "Review:");
  assert.equal(item.query, " meh\nSentiment:");
  assert.equal(item.prefix + item.query, p.prefix + p.query, "the text the engine tokenizes is unchanged");
  assert.equal(item.labelSep, p.labelSep);
  assert.equal(item.leadLength, "Review:".length);
  assert.equal(item.gold, "negative");
  for (const [i, d] of demos.entries()) assert.equal(item.prefix.slice(at(spans, i).start, at(spans, i).end), `Review: ${d.input}\nSentiment: ${d.label}`);
  // The lead is the template's, so every query (and content-free input) of a demo set gets the same prefix.
  for (const input of ["", "N/A", "a much longer review of a film"]) {
    const other = textScoreItem(settings.template, { ...buildPrompt(settings, demos, input, ["negative", "positive"]), id: "x" }, spans);
    assert.equal(other.prefix, item.prefix, JSON.stringify(input));
  }
  assert.equal(textScoreItem(settings.template, { ...buildPrompt(settings, demos, "", ["negative", "positive"]), id: "cf" }).query, " \nSentiment:");
});

test("the lead moves only where the query starts with it; an input glued to the label keeps the query empty but the text whole", () => {
  const glued = { template: "Q: {input} {label}", separator: "\n", instruction: "" };
  const empty = buildPrompt(glued, [{ input: "a", label: "b" }], "", ["b", "c"]);
  assert.equal(empty.query, "Q:");
  const item = textScoreItem(glued.template, { ...empty, id: "cf" });
  assert.equal(item.prefix, "Q: a b\nQ:");
  assert.equal(item.query, "");
  assert.equal(item.labelSep, "  ", "both spaces of the template, as buildPrompt moved them");
  // No lead: nothing moves, and no leadLength.
  const plain = { template: "{input} {label}", separator: "\n", instruction: "" };
  const p = buildPrompt(plain, [{ input: "a", label: "b" }], "x", ["b", "c"]);
  const same = textScoreItem(plain.template, { ...p, id: "q" });
  assert.deepEqual([same.prefix, same.query, same.leadLength], [p.prefix, p.query, undefined]);
  // A prompt not built from this template (the query does not start with the lead) is left as it is.
  const foreign = textScoreItem(settings.template, { prefix: "P\n", query: "Other: x", labelSep: " ", labels: ["y"], id: "f" });
  assert.deepEqual([foreign.prefix, foreign.query, foreign.leadLength], ["P\n", "Other: x", undefined]);
});
