// tau_PA word cipher: consistent across demos and queries, one-to-one over word types,
// punctuation/template/labels kept, independent of demo order.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createVariant, WordCipher, wordTypes, WORD_RE } from "../../src/core/variants";
import { buildPrompt } from "../../src/core/prompt";
import { loadLexicon } from "../../src/node/lexicon";
import type { Example } from "../../src/core/types";
import { at } from "../support/at";

const EX: Example[] = ["A gorgeous, witty film.", "The film is dull; the plot isn't.", "THE worst film of 2023!", "well-made and witty", "Dull, dull, dull.", "Café crème in 2023"].map(
  (input, index) => ({ index, line: index + 1, input, label: index % 2 ? "negative" : "positive" }),
);
const ctx = { seed: 5, classes: ["negative", "positive"], examples: EX };

test("word tokenisation: letters/digits runs with inner apostrophes; punctuation and hyphens kept", () => {
  assert.deepEqual("isn't well-made, café 2023!".match(WORD_RE), ["isn't", "well", "made", "café", "2023"]);
  assert.deepEqual(wordTypes(["The the THE", "a"]), ["a", "the"]);
});

test("the same word type gets the same cipher in demos and queries, with its casing style", () => {
  const v = createVariant("pa-word", ctx);
  const table = new Map(v.mapping.rows.map((r) => [r.from, r.to]));
  assert.deepEqual([...table.keys()], wordTypes(EX.map((e) => e.input)));
  const demos = v.demos(EX);
  const film = table.get("film")!;
  const dull = table.get("dull")!;
  assert.equal(at(demos, 0).input, `${cap(table.get("a")!)} ${table.get("gorgeous")}, ${table.get("witty")} ${film}.`);
  assert.equal(at(demos, 2).input, `${table.get("the")!.toUpperCase()} ${table.get("worst")} ${film} ${table.get("of")} ${table.get("2023")}!`);
  assert.equal(at(demos, 4).input, `${cap(dull)}, ${dull}, ${dull}.`);
  assert.equal(at(demos, 3).input, `${table.get("well")}-${table.get("made")} ${table.get("and")} ${table.get("witty")}`);
  assert.equal(v.query(at(EX, 1)).input, at(demos, 1).input, "a query is ciphered exactly like a demo");
  assert.equal(v.query(at(EX, 1)).gold, "negative", "labels are kept");
  assert.ok(demos.every((d, i) => d.label === at(EX, i).label));
  // Template text is untouched: only the inputs change.
  const p = buildPrompt({ template: "Review: {input}\nSentiment: {label}", separator: "\n\n", instruction: "" }, demos.slice(0, 1), v.query(at(EX, 1)).input, v.labelSpace);
  assert.ok(p.prefix.startsWith("Review: ") && p.prefix.includes("\nSentiment: positive"));
});

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

test("the cipher is one-to-one over word types and avoids labels and real English words", () => {
  const lexicon = loadLexicon();
  const many = Array.from({ length: 400 }, (_, i) => ({ index: i, line: i + 1, input: `w${i} x${i % 17} y${i * 31}`, label: i % 2 ? "negative" : "positive" }));
  const v = createVariant("pa-word", { seed: 2, classes: ["negative", "positive"], examples: many, lexicon });
  const tos = v.mapping.rows.map((r) => r.to);
  assert.equal(new Set(tos).size, tos.length);
  assert.ok(tos.every((t) => !lexicon.has(t) && t !== "negative" && t !== "positive" && /^[a-z]{3,10}$/.test(t)));
});

test("the table does not depend on which demos come first or on the example order", () => {
  const a = createVariant("pa-word", ctx);
  const b = createVariant("pa-word", { ...ctx, examples: [...EX].reverse() });
  assert.deepEqual(a.mapping, b.mapping);
  const shuffled = [3, 0, 5].map((i) => at(EX, i));
  assert.deepEqual(b.demos(shuffled), a.demos(shuffled));
  assert.notDeepEqual(createVariant("pa-word", { ...ctx, seed: 6 }).mapping, a.mapping);
});

test("words outside the file's examples get a cipher on first sight, consistently", () => {
  const v = createVariant("pa-word", ctx);
  const q = { index: 99, line: 99, input: "brand new words, film", label: "positive" };
  const first = v.query(q).input;
  assert.equal(v.query(q).input, first);
  assert.ok(first.endsWith(`, ${v.mapping.rows.find((r) => r.from === "film")!.to}`));
});

test("property: encoding preserves everything but the words, and equal words encode equally", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom("cat", "Cat", "dog", " ", ",", "-", "'", "!", "é", "7", "\n"), { maxLength: 30 }), fc.integer(), (parts, seed) => {
      const text = parts.join("");
      const c = new WordCipher(seed, 0, new Set(), undefined, []);
      const out = c.encode(text);
      assert.equal(out.replace(WORD_RE, "W"), text.replace(WORD_RE, "W"));
      const inWords = text.match(WORD_RE) ?? [];
      const outWords = out.match(WORD_RE) ?? [];
      assert.equal(outWords.length, inWords.length);
      inWords.forEach((w, i) => inWords.forEach((u, j) => assert.equal(w.toLowerCase() === u.toLowerCase(), at(outWords, i).toLowerCase() === at(outWords, j).toLowerCase())));
    }),
    { numRuns: 200 },
  );
});
