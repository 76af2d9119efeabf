// Token-level variants (ra-token, pa-token) and their pure helpers, on a small SentencePiece-like
// tokenizer written here: greedy longest match over "\u2581"-marked pieces, a dummy "\u2581" prefix at
// the start of the text (as Llama's tokenizer adds), "\n" as a byte token. It reproduces the
// context effect behind the authors' keep-list pitfall: "Sentiment" alone is "\u2581Sentiment", but
// after a newline in context it is the piece "Sentiment". Real tokenizers are covered by the
// engine's model tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createVariant, VariantError } from "../../src/core/variants";
import { buildPrompt } from "../../src/core/prompt";
import {
  cachedTokenizer,
  classifyTokens,
  fileTokenExclusion,
  labelTokenCandidates,
  MissingTokenization,
  permutableIds,
  permuteTokens,
  pickLabelTokens,
  splitPromptTokens,
  templateSegments,
  tokenPermutation,
  tokenSurface,
  withTokenizer,
  type TokenizerAccess,
  type VocabEntry,
} from "../../src/core/tokenizer";
import { rngFor } from "../../src/core/rng";
import type { Example } from "../../src/core/types";
import { at } from "../support/at";

const W = "\u2581";
const PIECES = [
  ...[
    "Review",
    "Sentiment",
    "positive",
    "negative",
    "the",
    "film",
    "fine",
    "dull",
    "good",
    "bad",
    "plot",
    "was",
    "apple",
    "river",
    "stone",
    "cloud",
    "tiger",
    "lamp",
    "ocean",
    "pencil",
    "rabbit",
    "violin",
    "12",
  ].flatMap((w) => [W + w, w]),
  ":",
  ".",
  ",",
  "!",
  W,
  ..."abcdefghijklmnopqrstuvwxyz".split(""),
  ..."abcdefghijklmnopqrstuvwxyz".split("").map((c) => W + c),
  "ing",
];
const VOCAB: VocabEntry[] = [
  { id: 0, text: "<unk>", type: "unknown" },
  { id: 1, text: "<s>", type: "control" },
  { id: 2, text: "</s>", type: "control" },
  { id: 3, text: "<0x0A>", type: "byte" },
  ...PIECES.map((text, i) => ({ id: 4 + i, text, type: "normal" as const })),
];
const BY_TEXT = new Map(VOCAB.filter((v) => v.type === "normal").map((v) => [v.text, v.id]));
const MAXLEN = Math.max(...PIECES.map((p) => p.length));
let calls = 0;
function tokenize(text: string): number[] {
  calls++;
  const s = W + text.replace(/ /g, W);
  const out: number[] = [];
  for (let i = 0; i < s.length;) {
    if (s[i] === "\n") {
      out.push(3);
      i++;
      continue;
    }
    let len = Math.min(MAXLEN, s.length - i);
    while (len > 0 && !BY_TEXT.has(s.slice(i, i + len))) len--;
    if (len === 0) {
      out.push(0);
      i++;
    } else {
      out.push(BY_TEXT.get(s.slice(i, i + len))!);
      i += len;
    }
  }
  return out;
}
const TOK: TokenizerAccess = { vocab: VOCAB, tokenize };
const id = (piece: string) => BY_TEXT.get(piece)!;

const SETTINGS = { template: "Review: {input}\nSentiment: {label}", separator: "\n", instruction: "" };
const EX: Example[] = ["the film was fine", "the plot was dull", "good film", "bad plot"].map((input, index) => ({ index, line: index + 1, input, label: index % 2 ? "negative" : "positive" }));
const ctx = (seed: number, tokenizer: TokenizerAccess = TOK) => ({ seed, classes: ["negative", "positive"], examples: EX, settings: SETTINGS, tokenizer });

test("the test tokenizer shows the in-context effect (why keep-lists must come from context)", () => {
  assert.deepEqual(tokenize("Sentiment:"), [id(W + "Sentiment"), id(":")]);
  const inCtx = tokenize("Review: x\nSentiment:");
  assert.ok(inCtx.includes(id("Sentiment")) && !inCtx.includes(id(W + "Sentiment")));
});

test("tokenSurface and labelTokenCandidates: only normal, word-like, word-initial tokens, no labels", () => {
  assert.equal(tokenSurface(`${W}good`), " good");
  assert.equal(tokenSurface("\u0120good\u010a"), " good\n");
  const c = labelTokenCandidates(VOCAB, new Set(["positive", "negative"]), true);
  const words = c.map((x) => x.word);
  assert.ok(words.includes("apple") && words.includes("Review"));
  assert.ok(!words.includes("positive") && !words.includes("12") && !words.includes("ing") && !words.includes("a"));
  assert.ok(c.every((x) => at(VOCAB, x.id).type === "normal" && at(VOCAB, x.id).text === W + x.word));
  assert.deepEqual(
    c.map((x) => x.id),
    [...c.map((x) => x.id)].sort((a, b) => a - b),
  );
  // Without a space before the label, word pieces without the marker are the candidates.
  assert.ok(labelTokenCandidates(VOCAB, new Set(), false).some((x) => x.word === "apple" && x.id === id("apple")));
});

test("the raw piece is preferred over detokenized text (which drops the leading space)", () => {
  const engineStyle = VOCAB.map((v) => ({ ...v, piece: v.text, text: v.text.replace(new RegExp(W, "g"), "") }));
  const c = labelTokenCandidates(engineStyle, new Set(), true);
  assert.ok(c.some((x) => x.word === "apple" && x.id === id(W + "apple")));
  assert.ok(!c.some((x) => x.id === id("apple")), "the marker-less piece is not word-initial");
  // Without pieces and without markers, ra-token still works through the in-context check.
  const bare: TokenizerAccess = { vocab: engineStyle.map(({ piece: _p, ...rest }) => rest), tokenize };
  const v = createVariant("ra-token", ctx(2, bare));
  assert.equal(v.labelSpace.length, 2);
  v.mapping.rows.forEach((r) => assert.equal(at(VOCAB, Number(r.note!.slice(6))).text, W + r.to));
});

test("ra-token: distinct normal tokens, single token in context, deterministic per seed", () => {
  const v = createVariant("ra-token", ctx(1));
  assert.equal(v.mapping.kind, "token");
  assert.equal(new Set(v.labelSpace).size, 2);
  const p = buildPrompt(SETTINGS, [], at(EX, 0).input, v.labelSpace);
  for (const [i, label] of v.labelSpace.entries()) {
    const base = tokenize(p.prefix + p.query);
    const full = tokenize(p.prefix + p.query + p.labelSep + label);
    assert.deepEqual(full.slice(0, base.length), base);
    assert.equal(full.length, base.length + 1, `${label} is not one token in context`);
    assert.equal(at(v.mapping.rows, i).note, `token ${full[full.length - 1]}`);
    assert.ok(!["positive", "negative"].includes(label));
  }
  assert.deepEqual(createVariant("ra-token", ctx(1)).labelSpace, v.labelSpace);
  const seen = new Set([1, 2, 3, 4, 5, 6].map((s) => createVariant("ra-token", ctx(s)).labelSpace.join()));
  assert.ok(seen.size > 1);
  // ra-token demos and queries use the token words consistently.
  const demos = v.demos(EX);
  EX.forEach((e, i) => assert.equal(at(demos, i).label, v.query(e).gold));
});

test("ra-token never picks a token, or a word, that occurs in the file (inputs, labels, template, instruction) in context", () => {
  // Every in-context token id of the file, as the prompt shows it.
  const fileIds = new Set(EX.flatMap((e) => tokenize(`Review: ${e.input}\nSentiment: ${e.label}\n`)));
  const fileWords = new Set(EX.flatMap((e) => e.input.split(" ")).concat(["review", "sentiment", "positive", "negative"]));
  for (let seed = 1; seed <= 40; seed++) {
    for (const key of ["ra-token", "ra-token#1", "g-token#2"]) {
      const v = createVariant(key, ctx(seed));
      for (const r of v.mapping.rows) {
        const tokId = Number(r.note!.slice(6));
        assert.ok(!fileIds.has(tokId), `${key} seed ${seed}: token ${tokId} (${r.to}) occurs in the file`);
        assert.ok(![...fileWords].some((w) => w.includes(r.to.toLowerCase())), `${key} seed ${seed}: ${r.to} is (a piece of) a word of the file`);
      }
    }
  }
  // The exclusion itself: in-context ids, the words they spell, and the texts' own words.
  const ex = fileTokenExclusion(TOK, ["Review: the film\nSentiment: positive\n"]);
  assert.ok(ex.ids.has(id("Sentiment")) && ex.ids.has(id(W + "film")) && ex.ids.has(id(W + "positive")));
  assert.ok(!ex.ids.has(id(W + "Sentiment")), "in context 'Sentiment' is the bare piece");
  assert.ok(ex.excludesWord("sentiment") && ex.excludesWord("film") && ex.excludesWord("Review"));
  assert.ok(ex.excludesWord("fil") && ex.excludesWord("iew") && ex.excludesWord("positi"), "pieces of the file's words");
  assert.ok(!ex.excludesWord("apple") && !ex.excludesWord("films") && !ex.excludesWord("tfilm"), "not across word boundaries");
  // With an instruction and a verbalizer, their tokens and words are excluded too.
  const words = (seed: number) =>
    createVariant("ra-token", { ...ctx(seed), settings: { ...SETTINGS, instruction: "Classify the river stone", verbalizers: { positive: "good", negative: "bad" } } }).labelSpace.map((w) =>
      w.toLowerCase(),
    );
  for (let seed = 1; seed <= 40; seed++) for (const w of words(seed)) assert.ok(!["classify", "river", "stone", "good", "bad", "positive", "negative"].includes(w), `seed ${seed}: ${w}`);
});

test("ra-token on a vocabulary without word markers says so (a variant-fallback)", () => {
  const engineStyle = VOCAB.map((v) => ({ ...v, text: v.text.replace(new RegExp(W, "g"), "") }));
  const bare: TokenizerAccess = { vocab: engineStyle, tokenize };
  const v = createVariant("ra-token", ctx(2, bare));
  assert.equal(v.mapping.warnings.length, 1);
  assert.match(at(v.mapping.warnings, 0), /no word-boundary markers/);
  assert.deepEqual(createVariant("ra-token", ctx(2)).mapping.warnings, [], "the normal vocabulary falls back to nothing");
});

test("g-token#n: tau_g with ra-token#n's g (label word -> the same random single token), paired per seed and draw", () => {
  for (const seed of [1, 2]) {
    for (const draw of [0, 1, 2]) {
      const key = (id: string) => (draw === 0 ? id : `${id}#${draw}`);
      const ra = createVariant(key("ra-token"), ctx(seed));
      const g = createVariant(key("g-token"), ctx(seed));
      assert.equal(g.family, "task");
      assert.equal(g.mapping.kind, "token");
      assert.deepEqual(g.labelSpace, ra.labelSpace, `seed ${seed} draw ${draw}: same g`);
      assert.deepEqual(g.mapping.rows, ra.mapping.rows);
      // Input = the label word, answer = g(label word): in demos and queries alike.
      const demos = g.demos(EX);
      EX.forEach((e, i) => {
        assert.deepEqual(demos[i], { input: e.label, label: ra.query(e).gold });
        assert.deepEqual(g.query(e), { input: e.label, gold: ra.query(e).gold });
      });
    }
  }
  // Different draws are different functions g (for some seed).
  const draws = new Set([0, 1, 2, 3, 4].map((n) => createVariant(`g-token#${n}`, ctx(1)).labelSpace.join()));
  assert.ok(draws.size > 1, "draws of g differ");
});

test("pickLabelTokens refuses tokens that are not single in context and fails clearly when too few remain", () => {
  // A tokenizer that splits every candidate in context: nothing qualifies.
  const split: TokenizerAccess = { vocab: VOCAB, tokenize: (t) => tokenize(t).concat(t.endsWith(":") ? [] : [0]) };
  assert.throws(
    () => pickLabelTokens({ tokenizer: split, count: 2, rng: rngFor(1), context: "A:", labelSep: " ", exclude: new Set() }),
    /only 0 of 2 random label tokens are single tokens in context/,
  );
  assert.throws(
    () => createVariant("ra-token", ctx(1, split)),
    (e: unknown) => e instanceof VariantError && /use ra-string/.test(e.hint ?? ""),
  );
});

test("cachedTokenizer + withTokenizer: async engine tokenization in rounds, same result as direct", async () => {
  const cache = new Map<string, number[]>();
  assert.throws(() => cachedTokenizer(VOCAB, cache).tokenize("x"), MissingTokenization);
  let rounds = 0;
  const fetch = async (texts: string[]) => {
    rounds++;
    return texts.map(tokenize);
  };
  const viaEngine = await withTokenizer(VOCAB, fetch, (tok) => createVariant("ra-token", ctx(3, tok)).labelSpace, cache);
  assert.deepEqual(viaEngine, createVariant("ra-token", ctx(3)).labelSpace);
  assert.ok(rounds >= 1 && rounds < 10, `${rounds} rounds`);
  // A second run with the same cache needs no round trip.
  rounds = 0;
  await withTokenizer(VOCAB, fetch, (tok) => createVariant("ra-token", ctx(3, tok)), cache);
  assert.equal(rounds, 0);
  await assert.rejects(
    withTokenizer(VOCAB, fetch, () => {
      throw new Error("boom");
    }),
    /boom/,
  );
});

test("classifyTokens labels each in-context token by its segment", () => {
  const segs = templateSegments(SETTINGS.template, "the film", "positive");
  assert.deepEqual(
    segs.map((s) => s.kind),
    ["template", "input", "template", "label"],
  );
  const { tokens, kinds } = classifyTokens(TOK, segs);
  assert.deepEqual(tokens, tokenize("Review: the film\nSentiment: positive"));
  const kindOf = (piece: string) => kinds[tokens.indexOf(id(piece))];
  assert.equal(kindOf(W + "Review"), "template");
  assert.equal(kindOf(W + "the"), "input");
  assert.equal(kindOf(W + "film"), "input");
  assert.equal(kindOf("Sentiment"), "template");
  assert.equal(kindOf(W + "positive"), "label");
});

test("pa-token: permutes input tokens only; template (in-context ids), label and byte tokens stay", () => {
  const v = createVariant("pa-token", ctx(7));
  assert.equal(v.mapping.kind, "token");
  const keptNotes = v.mapping.rows.filter((r) => /^kept: template/.test(r.note ?? "")).map((r) => r.note);
  assert.ok(keptNotes.includes(`kept: template token ${id("Sentiment")}`), "the in-context id of 'Sentiment' is kept");
  assert.ok(!keptNotes.includes(`kept: template token ${id(W + "Sentiment")}`), "the standalone id is not what the prompt contains");
  const demos = v.demos(EX.slice(0, 2));
  assert.deepEqual(
    demos.map((d) => d.input),
    [at(EX, 0).input, at(EX, 1).input],
    "the text stays; the permutation is applied to tokens",
  );
  const q = v.query(at(EX, 2));
  const prompt = buildPrompt(SETTINGS, demos, q.input, v.labelSpace);
  const t = v.tokens!(prompt);
  const plain = splitPromptTokens(TOK, prompt);
  assert.deepEqual(t.labelTokens, plain.labelTokens, "label continuations are never permuted");
  assert.deepEqual(plain.labelTokens, [[id(W + "negative")], [id(W + "positive")]]);
  assert.equal(t.prefixTokens.length, plain.prefixTokens.length);
  const keep = new Set([id(W + "Review"), id(":"), id("Sentiment"), 3, id(W + "positive"), id(W + "negative")]);
  const all = [...plain.prefixTokens, ...plain.queryTokens];
  const permuted = [...t.prefixTokens, ...t.queryTokens];
  let changed = 0;
  all.forEach((tokId, i) => {
    if (keep.has(tokId)) assert.equal(permuted[i], tokId, `kept token ${at(VOCAB, tokId).text} was permuted`);
    else if (permuted[i] !== tokId) changed++;
    assert.equal(at(VOCAB, at(permuted, i)).type, at(VOCAB, tokId).type);
  });
  assert.ok(changed >= 6, `only ${changed} input tokens changed`);
  // Consistent: the same input token maps to the same substitute everywhere.
  const subst = new Map<number, number>();
  all.forEach((tokId, i) => {
    if (subst.has(tokId)) assert.equal(subst.get(tokId), permuted[i]);
    subst.set(tokId, at(permuted, i));
  });
  assert.deepEqual(createVariant("pa-token", ctx(7)).tokens!(prompt), t);
  assert.notDeepEqual(createVariant("pa-token", ctx(8)).tokens!(prompt), t);
});

test("tokenPermutation is a bijection on the permutable ids", () => {
  const ids = permutableIds(VOCAB, new Set([id(":")]));
  assert.ok(!ids.includes(id(":")) && !ids.includes(1) && !ids.includes(3));
  const p = tokenPermutation(rngFor(1), ids);
  assert.deepEqual(
    [...p.values()].sort((a, b) => a - b),
    ids,
  );
  assert.deepEqual(permuteTokens([1, 3, id(":")], p), [1, 3, id(":")]);
});

test("pa-token through the engine-style cache: created and applied in rounds, same tokens", async () => {
  const cache = new Map<string, number[]>();
  const fetch = async (texts: string[]) => texts.map(tokenize);
  const prompt = buildPrompt(
    SETTINGS,
    EX.slice(0, 2).map((e) => ({ input: e.input, label: e.label })),
    at(EX, 2).input,
    ["negative", "positive"],
  );
  const viaEngine = await withTokenizer(VOCAB, fetch, (tok) => createVariant("pa-token", ctx(2, tok)).tokens!(prompt), cache);
  assert.deepEqual(viaEngine, createVariant("pa-token", ctx(2)).tokens!(prompt));
  calls = 0;
  createVariant("pa-token", ctx(2));
  assert.ok(calls > 0);
});
