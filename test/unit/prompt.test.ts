// Prompt building: label continuation kept apart, no trailing whitespace, format ablations.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { buildPrompt, renderDemo, renderPromptText, splitTemplate } from "../../src/core/prompt";

const S = { template: "Review: {input}\nSentiment: {label}", separator: "\n\n", instruction: "" };

test("prompt = demos joined by the separator + query up to {label}; the space before the label moves to labelSep", () => {
  const p = buildPrompt(
    S,
    [
      { input: "great", label: "positive" },
      { input: "awful", label: "negative" },
    ],
    "fine film",
    ["negative", "positive"],
  );
  assert.equal(p.prefix, "Review: great\nSentiment: positive\n\nReview: awful\nSentiment: negative\n\n");
  assert.equal(p.query, "Review: fine film\nSentiment:");
  assert.equal(p.labelSep, " ");
  assert.deepEqual(p.labels, ["negative", "positive"]);
  assert.equal(renderPromptText(p), p.prefix + p.query);
  assert.equal(renderPromptText(p, "positive"), p.prefix + "Review: fine film\nSentiment: positive");
});

test("k = 0: the prefix is the instruction (plus separator) or empty", () => {
  assert.equal(buildPrompt(S, [], "x", ["a"]).prefix, "");
  const withInstr = buildPrompt({ ...S, instruction: "Classify the sentiment." }, [], "x", ["a"]);
  assert.equal(withInstr.prefix, "Classify the sentiment.\n\n");
  assert.equal(buildPrompt({ ...S, instruction: "I" }, [{ input: "a", label: "b" }], "x", []).prefix, "I\n\nReview: a\nSentiment: b\n\n");
});

test("template text after {label} is rendered for demos only; the paper's leading-newline template works", () => {
  const t = { template: "\nReview: {input}\nSentiment: {label}.", separator: "", instruction: "" };
  const p = buildPrompt(t, [{ input: "ok", label: "good" }], "meh", ["good", "bad"]);
  assert.equal(p.prefix, "\nReview: ok\nSentiment: good.");
  assert.equal(p.query, "\nReview: meh\nSentiment:");
  assert.equal(p.labelSep, " ");
});

test("no whitespace before {label} gives an empty labelSep; several whitespace chars all move", () => {
  assert.equal(buildPrompt({ ...S, template: "{input} => {label}" }, [], "x", []).labelSep, " ");
  assert.equal(buildPrompt({ ...S, template: "Q: {input}\nA:{label}" }, [], "x", []).labelSep, "");
  const p = buildPrompt({ ...S, template: "Q: {input}\nA:\n {label}" }, [], "x", []);
  assert.equal(p.query, "Q: x\nA:");
  assert.equal(p.labelSep, "\n ");
});

test("an empty query part moves the prefix's trailing whitespace into labelSep", () => {
  const p = buildPrompt({ template: "{input} {label}", separator: "\n", instruction: "" }, [{ input: "a", label: "b" }], "", ["b"]);
  assert.equal(p.query, "");
  assert.equal(p.prefix, "a b");
  assert.equal(p.labelSep, "\n ");
});

test("user text with $ patterns and braces stays literal", () => {
  const p = buildPrompt(S, [{ input: "costs $& {label}", label: "$1" }], "$'", ["x"]);
  assert.ok(p.prefix.includes("costs $& {label}\nSentiment: $1"));
  assert.equal(p.query, "Review: $'\nSentiment:");
});

test("a template without {label} is a clear error", () => {
  assert.throws(() => buildPrompt({ ...S, template: "Review: {input}" }, [], "x", []), /no \{label\} placeholder/);
  assert.deepEqual(splitTemplate("a{label}b{label}"), { before: "a", after: "b{label}" });
});

test("format ablations: labels-only drops {input} lines, inputs-only drops {label} lines", () => {
  assert.equal(renderDemo(S.template, { input: "fine", label: "positive", show: "label" }), "Sentiment: positive");
  assert.equal(renderDemo(S.template, { input: "fine", label: "positive", show: "input" }), "Review: fine");
  assert.equal(renderDemo("{input} => {label}", { input: "fine", label: "pos", show: "label" }), "=> pos");
  assert.equal(renderDemo("{input} => {label}", { input: "fine", label: "pos", show: "input" }), "fine =>");
  assert.equal(renderDemo(S.template, { input: "fine", label: "positive", show: "both" }), "Review: fine\nSentiment: positive");
});

test("property: the prompt never ends with whitespace and prompt + labelSep + label is the full demo text", () => {
  const text = fc.string({ unit: fc.constantFrom("a", "b", " ", "\n", "\t", ":", "é"), maxLength: 12 });
  fc.assert(
    fc.property(text, text, text, fc.array(fc.record({ input: text, label: text }), { maxLength: 4 }), text, text, (pre, mid, sep, demos, q, instr) => {
      const template = `${pre}{input}${mid}{label}`;
      const p = buildPrompt({ template, separator: sep, instruction: instr }, demos, q, ["L"]);
      const prompt = p.prefix + p.query;
      assert.ok(!/\s$/u.test(prompt), `prompt ends with whitespace: ${JSON.stringify(prompt)}`);
      assert.ok(/^\s*$/u.test(p.labelSep));
      // Scoring the label after the prompt reproduces exactly what a demo would show.
      const full = renderPromptText(p, "L");
      const parts = instr !== "" ? [instr] : [];
      for (const d of demos) parts.push(`${pre}${d.input}${mid}${d.label}`);
      assert.equal(full, parts.map((x) => x + sep).join("") + `${pre}${q}${mid}L`);
    }),
    { numRuns: 300 },
  );
});
