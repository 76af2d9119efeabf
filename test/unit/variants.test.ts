// The variant library: determinism, bijections, exact counts, derangements, consistent gold,
// tau_g sharing g with tau_RA, format ablations and clear errors. Natural-g variants with the
// real WordNet table are in variants-natural.test.ts; the cipher in variants-cipher.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { VARIANTS, VariantError, correctCount, createVariant, getVariant, parseVariantKey, type VariantContext, type VariantInstance } from "../../src/core/variants";
import { lexiconFromTable } from "../../src/core/lexicon";
import type { Example } from "../../src/core/types";
import { at } from "../support/at";

const CLASSES = ["neg", "pos"];
const VERB = { neg: "negative", pos: "positive" };
const LEX = lexiconFromTable({
  source: "test lexicon",
  entries: {
    negative: [["minus", "veto", "damaging"], ["positive"], ["bad", "quality"]],
    positive: [["plus", "confident", "convinced"], ["negative"], ["good", "quality"]],
    plus: [["positive", "asset", "summation"]],
    minus: [["negative", "subtraction"]],
    veto: [["negative", "ban"]],
  },
});

function makeExamples(n: number, classes = CLASSES): Example[] {
  return Array.from({ length: n }, (_, i) => ({ index: i, line: i + 1, input: `The film ${i} was, well, film ${i % 3}!`, label: at(classes, (i * 7 + 3) % classes.length) }));
}
const EX = makeExamples(24);
const ctx = (seed: number, extra: Partial<VariantContext> = {}): VariantContext => ({
  seed,
  classes: CLASSES,
  verbalizers: VERB,
  lexicon: LEX,
  examples: EX,
  settings: { template: "Review: {input}\nSentiment: {label}", separator: "\n\n", instruction: "" },
  ...extra,
});
// Chains need a real lexicon (variants-natural.test.ts); the small test lexicon cannot build 3+ hops.
const TEXT_VARIANTS = VARIANTS.filter((v) => !v.needsTokenizer && !/^ra-chain-[345]$/.test(v.id)).map((v) => v.id);

function snapshot(v: VariantInstance, demos: Example[], queries: Example[]) {
  return JSON.stringify({ m: v.mapping, l: v.labelSpace, d: v.demos(demos), q: queries.map((q) => v.query(q)), f: v.family, t: v.title });
}

test("the registry has exactly the ids of the README's variant table, each with a source", () => {
  const ids = [
    "gold",
    "random-labels",
    "correct-0",
    "correct-25",
    "correct-50",
    "correct-75",
    "flipped",
    "abstract-numbers",
    "abstract-letters",
    "abstract-symbols",
    "unrelated",
    "labels-only",
    "inputs-only",
    "no-label-space",
    "ra-string",
    "ra-token",
    "ra-synonym",
    "ra-antonym",
    "ra-keyword",
    "ra-chain-1",
    "ra-chain-2",
    "ra-chain-3",
    "ra-chain-4",
    "ra-chain-5",
    "pa-word",
    "pa-token",
    "g-string",
    "g-token",
    "g-linear",
    "g-synonym",
    "g-antonym",
    "g-keyword",
  ];
  assert.deepEqual([...VARIANTS.map((v) => v.id)].sort(), [...ids].sort());
  for (const v of VARIANTS) assert.match(v.source, /(Li|Min|Pan|Wei|Zhao) et al\. 20\d\d/, v.id);
  assert.equal(getVariant("ra-string#4")?.id, "ra-string");
  assert.equal(getVariant("nope"), undefined);
  assert.deepEqual(parseVariantKey("ra-string#12"), { id: "ra-string", draw: 12 });
  assert.deepEqual(parseVariantKey("gold"), { id: "gold" });
  assert.throws(() => parseVariantKey("ra-string#x"), VariantError);
  assert.equal(VARIANTS.find((v) => v.id === "random-labels")!.family, "inconsistent");
  assert.equal(VARIANTS.find((v) => v.id === "ra-string")!.family, "consistent");
});

test("unknown ids are a VariantError with a suggestion", () => {
  assert.throws(
    () => createVariant("ra-strng", ctx(1)),
    (e: unknown) => e instanceof VariantError && /Unknown variant 'ra-strng'/.test(e.message) && /ra-string/.test(e.hint ?? ""),
  );
});

test("every variant is deterministic: same key and context -> identical output", () => {
  const demos = EX.slice(0, 8);
  for (const id of TEXT_VARIANTS) {
    for (const key of [id, `${id}#2`]) {
      const a = snapshot(createVariant(key, ctx(7)), demos, EX.slice(8, 12));
      const b = snapshot(createVariant(key, ctx(7)), demos, EX.slice(8, 12));
      assert.equal(a, b, key);
    }
  }
});

test("random variants differ across seeds (over a few seeds) and across #n draws", () => {
  const random = ["random-labels", "correct-50", "abstract-numbers", "abstract-letters", "abstract-symbols", "unrelated", "no-label-space", "ra-string", "pa-word", "g-string", "ra-synonym"];
  const demos = EX.slice(0, 12);
  for (const id of random) {
    // Two classes leave some variants only two outcomes, so look at ten seeds.
    const seen = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => snapshot(createVariant(id, ctx(s)), demos, EX.slice(12, 16))));
    assert.ok(seen.size > 1, `${id} gives the same output for 10 seeds`);
    const draws = new Set([0, 1, 2, 3, 4, 5].map((n) => snapshot(createVariant(`${id}#${n}`, ctx(1)), demos, EX.slice(12, 16))));
    assert.ok(draws.size > 1, `${id}#n gives the same output for 6 draws`);
  }
});

test("every gold answer is in the label space; consistent and task variants are bijections applied alike to demos and queries", () => {
  for (const id of TEXT_VARIANTS) {
    const v = createVariant(id, ctx(3));
    assert.equal(new Set(v.labelSpace.map((l) => l.toLowerCase())).size, CLASSES.length, `${id}: label space not one-to-one`);
    for (const q of EX) assert.ok(v.labelSpace.includes(v.query(q).gold), `${id}: gold ${v.query(q).gold} not in ${v.labelSpace}`);
    if (v.family === "consistent" || v.family === "task" || v.family === "reference") {
      const demos = v.demos(EX);
      EX.forEach((e, i) => assert.equal(at(demos, i).label, v.query(e).gold, `${id}: demo label and query gold differ for class ${e.label}`));
      assert.equal(v.mapping.rows.length, CLASSES.length);
      v.mapping.rows.forEach((r, i) => assert.equal(r.to, v.labelSpace[i]));
    }
  }
});

test("property: over random class sets and seeds, consistent maps are injective and consistent", () => {
  const classSet = fc.uniqueArray(fc.stringMatching(/^[a-z]{2,7}$/), { minLength: 2, maxLength: 6, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() });
  const ids = ["gold", "flipped", "abstract-numbers", "abstract-letters", "abstract-symbols", "unrelated", "ra-string", "g-string"];
  fc.assert(
    fc.property(classSet, fc.integer(), fc.constantFrom(...ids), (classes, seed, id) => {
      const ex = makeExamples(12, classes);
      const v = createVariant(id, { seed, classes, examples: ex });
      assert.equal(new Set(v.labelSpace).size, classes.length);
      const byClass = new Map<string, string>();
      v.demos(ex).forEach((d, i) => {
        const prev = byClass.get(at(ex, i).label);
        if (prev !== undefined) assert.equal(d.label, prev);
        byClass.set(at(ex, i).label, d.label);
        assert.equal(v.query(at(ex, i)).gold, d.label);
      });
      if (id === "ra-string" || id === "g-string") assert.ok(v.labelSpace.every((l) => !classes.includes(l)));
      if (id === "flipped") classes.forEach((c, i) => assert.notEqual(v.labelSpace[i], c));
    }),
    { numRuns: 200 },
  );
});

test("flipped: a derangement; queries keep the original label as goldAlt", () => {
  for (let seed = 0; seed < 20; seed++) {
    const classes = ["a", "b", "c", "d", "e"];
    const v = createVariant("flipped", { seed, classes });
    classes.forEach((c, i) => assert.notEqual(v.labelSpace[i], c));
    assert.deepEqual([...v.labelSpace].sort(), classes);
    const q = v.query({ index: 0, line: 1, input: "x", label: "c" });
    assert.equal(q.goldAlt, "c");
    assert.equal(q.gold, v.labelSpace[2]);
  }
  assert.deepEqual(createVariant("flipped", ctx(1)).labelSpace, ["positive", "negative"]);
});

test("random-labels: drawn per demo, independent of the other demos; queries keep true labels", () => {
  const v = createVariant("random-labels", ctx(11));
  const a = v.demos(EX.slice(0, 10));
  const b = v.demos([...EX.slice(5, 15)].reverse());
  for (let i = 5; i < 10; i++) assert.equal(at(a, i).label, at(b, 14 - i).label, "a demo's random label must not depend on the others");
  const labels = v.demos(EX).map((d) => d.label);
  assert.ok(labels.includes("negative") && labels.includes("positive"));
  const agree = EX.filter((e, i) => labels[i] === VERB[e.label as "neg" | "pos"]).length;
  assert.ok(agree > 3 && agree < 21, `random labels agree with gold ${agree}/24 times`);
  assert.equal(v.query(at(EX, 0)).gold, VERB[at(EX, 0).label as "neg" | "pos"]);
  assert.equal(v.mapping.kind, "per-demo");
});

test("x%-correct: exactly round(x% of k) demos keep gold, the others are wrong", () => {
  fc.assert(
    fc.property(fc.constantFrom(0, 25, 50, 75), fc.integer({ min: 0, max: 24 }), fc.integer(), fc.integer({ min: 2, max: 4 }), (x, k, seed, nc) => {
      const classes = ["a", "b", "c", "d"].slice(0, nc);
      const ex = makeExamples(24, classes);
      const v = createVariant(`correct-${x}`, { seed, classes });
      const demos = v.demos(ex.slice(0, k));
      const correct = demos.filter((d, i) => d.label === at(ex, i).label).length;
      assert.equal(correct, correctCount(x, k));
      assert.equal(correct, Math.floor((x * k) / 100 + 0.5));
    }),
    { numRuns: 300 },
  );
  assert.equal(correctCount(25, 2), 1);
  assert.equal(correctCount(75, 8), 6);
});

test("abstract and unrelated labels use the documented alphabets", () => {
  assert.deepEqual([...createVariant("abstract-numbers", ctx(1)).labelSpace].sort(), ["0", "1"]);
  assert.deepEqual([...createVariant("abstract-letters", ctx(1)).labelSpace].sort(), ["A", "B"]);
  assert.ok(createVariant("abstract-symbols", ctx(1)).labelSpace.every((s) => "@#$%&*^~+=!?<>|/".includes(s)));
  assert.deepEqual([...createVariant("unrelated", ctx(1)).labelSpace].sort(), ["bar", "foo"]);
  const many = Array.from({ length: 20 }, (_, i) => `c${i}`);
  assert.throws(() => createVariant("abstract-symbols", { seed: 1, classes: many }), /16 distinct labels but the file has 20 classes/);
  assert.equal(createVariant("abstract-numbers", { seed: 1, classes: many }).labelSpace.length, 20);
});

test("format ablations: labels-only / inputs-only flags; no-label-space uses random English words in demos only", () => {
  const lo = createVariant("labels-only", ctx(1)).demos(EX.slice(0, 3));
  assert.ok(lo.every((d) => d.show === "label"));
  const io = createVariant("inputs-only", ctx(1)).demos(EX.slice(0, 3));
  assert.ok(io.every((d) => d.show === "input"));
  const v = createVariant("no-label-space", ctx(4));
  const words = v.mapping.rows.map((r) => r.to);
  assert.equal(words.length, 2);
  const demos = v.demos(EX);
  assert.ok(demos.every((d) => words.includes(d.label) && !["negative", "positive"].includes(d.label)));
  assert.deepEqual(v.labelSpace, ["negative", "positive"]);
  assert.equal(v.query(at(EX, 0)).gold, VERB[at(EX, 0).label as "neg" | "pos"]);
});

test("ra-string: pronounceable CVCVC strings of configurable length, no collisions, never a label", () => {
  for (let seed = 0; seed < 30; seed++) {
    const v = createVariant("ra-string", ctx(seed));
    assert.ok(
      v.labelSpace.every((s) => /^[bdfghjklmnprstvz][aeiou][bdfghjklmnprstvz][aeiou][bdfghjklmnprstvz]$/.test(s)),
      v.labelSpace.join(),
    );
  }
  const long = createVariant("ra-string", ctx(1, { options: { stringLength: 8 } }));
  assert.ok(long.labelSpace.every((s) => s.length === 8));
  // A tiny space: length 1 gives only 16 consonants, so 20 classes cannot be told apart.
  const many = Array.from({ length: 20 }, (_, i) => `c${i}`);
  assert.throws(() => createVariant("ra-string", { seed: 1, classes: many, options: { stringLength: 1 } }), /could not draw 20 distinct random strings of length 1/);
  assert.equal(createVariant("ra-string", { seed: 1, classes: many.slice(0, 16), options: { stringLength: 1 } }).labelSpace.length, 16);
});

test("tau_g: ra-X#n and g-X#n share g; g tasks use the label word as input", () => {
  for (const draw of [0, 1, 5]) {
    for (const rel of ["string", "synonym", "antonym", "keyword"]) {
      const suffix = draw ? `#${draw}` : "";
      const ra = createVariant(`ra-${rel}${suffix}`, ctx(9));
      const g = createVariant(`g-${rel}${suffix}`, ctx(9));
      assert.deepEqual(g.labelSpace, ra.labelSpace, `${rel}#${draw}`);
      assert.deepEqual(g.mapping.rows, ra.mapping.rows);
      assert.equal(g.family, "task");
      const demos = g.demos(EX.slice(0, 4));
      EX.slice(0, 4).forEach((e, i) => {
        const word = VERB[e.label as "neg" | "pos"];
        assert.equal(at(demos, i).input, word);
        assert.equal(at(demos, i).label, ra.query(e).gold);
        assert.deepEqual(g.query(e), { input: word, gold: ra.query(e).gold });
      });
    }
  }
});

test("token-level variants without a tokenizer: VariantError naming the need", () => {
  for (const id of ["ra-token", "g-token", "g-linear", "pa-token"]) {
    assert.ok(getVariant(id)!.needsTokenizer);
    assert.throws(
      () => createVariant(id, ctx(1)),
      (e: unknown) => e instanceof VariantError && /needs the model's tokenizer/.test(e.message),
    );
  }
});

test("bad inputs: too few classes, a label outside the classes, duplicate label words", () => {
  assert.throws(() => createVariant("flipped", { seed: 1, classes: ["a"] }), /needs at least 2 classes/);
  const v = createVariant("gold", ctx(1));
  assert.throws(() => v.query({ index: 0, line: 7, input: "x", label: "meh" }), /line 7 has label 'meh', which is not one of the classes/);
  assert.throws(() => createVariant("ra-string", { seed: 1, classes: ["a", "b"], verbalizers: { a: "x", b: "X" } }), /share the label word 'x'/);
  assert.throws(() => createVariant("gold", { seed: NaN, classes: CLASSES }), /finite number/);
});

test("verbalizers come from ctx.verbalizers or settings.verbalizers", () => {
  const v = createVariant("gold", { seed: 1, classes: CLASSES, settings: { template: "{input} {label}", separator: "\n", instruction: "", verbalizers: { neg: "bad", pos: "good" } } });
  assert.deepEqual(v.labelSpace, ["bad", "good"]);
});

test("pinned outputs: the same seed gives these exact variants on every machine", () => {
  // A change here means saved runs no longer reproduce: bump the results schema if intended.
  const c = { seed: 1, classes: CLASSES, verbalizers: VERB };
  assert.deepEqual(createVariant("ra-string", c).labelSpace, ["bozig", "putun"]);
  assert.deepEqual(createVariant("ra-string#2", c).labelSpace, ["toved", "nolos"]);
  assert.deepEqual(
    createVariant("no-label-space", c).mapping.rows.map((r) => r.to),
    ["jacket", "paddle"],
  );
  const ex = [{ index: 0, line: 1, input: "A fine film.", label: "pos" }];
  assert.deepEqual(createVariant("pa-word", { ...c, examples: ex }).demos(ex), [{ input: "Dufehelo tuhover fese.", label: "positive" }]);
  const eight = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ index: i, line: i, input: "x", label: "pos" }));
  assert.equal(
    createVariant("random-labels", c)
      .demos(eight)
      .map((d) => d.label[0])
      .join(""),
    "pnpppnpp",
  );
});
