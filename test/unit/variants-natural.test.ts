// Natural g on the real WordNet table: synonym/antonym/keyword labels and m-th-order chains.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createVariant, VariantError, type VariantContext } from "../../src/core/variants";
import { lexiconFromTable } from "../../src/core/lexicon";
import { loadLexicon } from "../../src/node/lexicon";
import { at } from "../support/at";

const lexicon = loadLexicon();
const sst2 = (seed: number, extra: Partial<VariantContext> = {}): VariantContext => ({ seed, classes: ["negative", "positive"], lexicon, ...extra });
const sst5 = (seed: number, extra: Partial<VariantContext> = {}): VariantContext => ({ seed, classes: ["terrible", "bad", "okay", "good", "great"], lexicon, ...extra });
const agnews = (seed: number): VariantContext => ({ seed, classes: ["world", "sports", "business", "science"], lexicon });

test("ra-antonym on sentiment is the swap; capitalised labels keep their casing", () => {
  assert.deepEqual(createVariant("ra-antonym", sst2(1)).labelSpace, ["positive", "negative"]);
  const cap = createVariant("ra-antonym", { seed: 1, classes: ["Negative", "Positive"], lexicon });
  assert.deepEqual(cap.labelSpace, ["Positive", "Negative"]);
});

test("ra-synonym: real WordNet synonyms, one-to-one, never another label, noted source", () => {
  for (const ctx of [sst2, sst5, agnews]) {
    for (let seed = 0; seed < 5; seed++) {
      const v = createVariant("ra-synonym", ctx(seed));
      const labels = v.mapping.rows.map((r) => r.from.toLowerCase());
      v.mapping.rows.forEach((r) => {
        assert.ok(
          lexicon.synonyms(r.from).some((s) => s.toLowerCase() === r.to.toLowerCase()),
          `${r.to} is not a WordNet synonym of ${r.from}`,
        );
        assert.ok(!labels.includes(r.to.toLowerCase()));
        assert.match(r.note ?? "", /WordNet 3\.1/);
      });
      assert.equal(new Set(v.labelSpace.map((l) => l.toLowerCase())).size, v.labelSpace.length);
    }
  }
});

test("no antonym in WordNet: a clear VariantError; a user word list fixes it", () => {
  assert.throws(
    () => createVariant("ra-antonym", { seed: 1, classes: ["world", "sports", "business", "science"], lexicon }),
    (e: unknown) =>
      e instanceof VariantError && /of 4 labels ha(s|ve) no antonym in WordNet 3\.1 .*'sports'/.test(e.message) && /"wordLists": \{"antonyms": \{.*"sports": \["\.\.\."\]/.test(e.hint ?? ""),
  );
  const wordLists = { antonyms: { business: ["leisure"], science: ["art"], sports: ["work"], world: ["home"] } };
  const v = createVariant("ra-antonym", { seed: 1, classes: ["world", "sports", "business", "science"], lexicon, wordLists });
  assert.deepEqual(v.labelSpace, ["home", "work", "leisure", "art"]);
  assert.equal(at(v.mapping.rows, 0).note, "word list");
  // Without lexicon and word lists the variant says what it needs.
  assert.throws(() => createVariant("ra-synonym", { seed: 1, classes: ["a", "b"] }), /needs the WordNet lexicon or user word lists/);
});

test("a collision that would make g many-to-one is refused", () => {
  const lex = lexiconFromTable({ source: "tiny", entries: { a: [["same"]], b: [["same"]] } });
  assert.throws(() => createVariant("ra-synonym", { seed: 1, classes: ["a", "b"], lexicon: lex }), /the synonyms of the labels cannot be assigned one-to-one \(a: same; b: same\)/);
  const swap = lexiconFromTable({ source: "tiny", entries: { a: [["b"]], b: [["a", "c"]] } });
  assert.throws(() => createVariant("ra-synonym", { seed: 1, classes: ["a", "b"], lexicon: swap }), /every synonym of label 'a' in tiny \(b\) is another label/);
});

test("backtracking resolves shared candidates: SST-5 antonyms are one-to-one", () => {
  for (let seed = 0; seed < 5; seed++) {
    const v = createVariant("ra-antonym", sst5(seed));
    assert.equal(new Set(v.labelSpace).size, 5);
    v.mapping.rows.forEach((r) => assert.ok(lexicon.antonyms(r.from).includes(r.to), `${r.to} is not an antonym of ${r.from}`));
    assert.equal(v.labelSpace[3], "bad", "good -> bad");
    assert.equal(v.labelSpace[1], "good", "bad -> good (terrible gives way)");
  }
});

test("ra-chain-m: m hops, no repeated word, each hop a WordNet synonym, deterministic, end word unique", () => {
  for (const ctx of [sst2, sst5]) {
    for (let m = 1; m <= 5; m++) {
      for (const seed of [1, 2]) {
        const v = createVariant(`ra-chain-${m}`, ctx(seed));
        const again = createVariant(`ra-chain-${m}`, ctx(seed));
        assert.deepEqual(again.mapping, v.mapping);
        const ends = new Set<string>();
        for (const r of v.mapping.rows) {
          const chain = r.chain!;
          assert.equal(chain.length, m + 1, `chain ${chain}`);
          assert.equal(chain[0], r.from);
          assert.equal(chain[m], r.to);
          assert.equal(new Set(chain.map((c) => c.toLowerCase())).size, m + 1, `repeat in ${chain}`);
          for (let h = 1; h <= m; h++)
            assert.ok(
              lexicon.synonyms(at(chain, h - 1)).some((s) => s.toLowerCase() === at(chain, h).toLowerCase()),
              `${chain[h]} is not a synonym of ${chain[h - 1]}`,
            );
          ends.add(r.to.toLowerCase());
        }
        assert.equal(ends.size, v.mapping.rows.length);
      }
    }
  }
  // Chains of different seeds differ somewhere.
  const a = JSON.stringify(createVariant("ra-chain-3", sst5(1)).mapping);
  assert.ok([2, 3, 4].some((s) => JSON.stringify(createVariant("ra-chain-3", sst5(s)).mapping) !== a));
});

test("a chain that cannot be extended is a clear error", () => {
  const lex = lexiconFromTable({ source: "tiny", entries: { a: [["a1"]], a1: [["a"]], b: [["b1"]], b1: [["b2"]], b2: [["b3"]] } });
  assert.equal(createVariant("ra-chain-1", { seed: 1, classes: ["a", "b"], lexicon: lex }).labelSpace.join(), "a1,b1");
  assert.throws(() => createVariant("ra-chain-2", { seed: 1, classes: ["a", "b"], lexicon: lex }), /cannot build a 2-hop synonym chain for label 'a' from tiny: the chain a -> a1 cannot be extended/);
  assert.throws(() => createVariant("ra-chain-3", { seed: 1, classes: ["Rome", "Qwxzy"], lexicon }), /1 of 2 labels has no synonym in WordNet 3\.1 .*: 'Qwxzy'\./);
});

test("multi-word labels and synonyms: capitals map to WordNet phrases", () => {
  const v = createVariant("ra-synonym", { seed: 1, classes: ["Paris", "New Delhi", "Tokyo"], lexicon });
  v.mapping.rows.forEach((r) =>
    assert.ok(
      lexicon.synonyms(r.from).some((s) => s.toLowerCase() === r.to.toLowerCase()),
      `${r.from} -> ${r.to}`,
    ),
  );
  assert.equal(v.labelSpace[1], "Delhi");
  const chain = createVariant("ra-chain-2", { seed: 1, classes: ["Paris", "Tokyo"], lexicon });
  assert.ok(chain.mapping.rows.every((r) => r.chain!.length === 3));
});

test("g-synonym / g-antonym / g-keyword share g with their ra- twins on WordNet", () => {
  for (const rel of ["synonym", "antonym", "keyword"]) {
    for (const key of ["", "#3"]) {
      assert.deepEqual(createVariant(`g-${rel}${key}`, sst2(4)).labelSpace, createVariant(`ra-${rel}${key}`, sst2(4)).labelSpace);
    }
  }
});
