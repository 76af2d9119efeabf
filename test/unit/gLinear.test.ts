// tau_g-Linear: minimum-norm least squares against closed forms, and the g-linear scorer on
// synthetic embedding tables where the answer is known: an exactly linear g (100%, also for
// prompts the demos never showed), interpolation of any g when every query's prompt is among
// the demos and k <= D (100%), and a random g on prompts the demos never showed (near chance).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fitMinNormLeastSquares } from "../../src/core/linear/leastSquares";
import { cosine, gLinearScores, linearGroupScores, linearLabelScores } from "../../src/core/linear/gLinear";
import { decideLabels, goldRankOf, uniqueArgmax } from "../../src/core/labelDecision";
import { intBelow, rngFor } from "../../src/core/rng";
import { mulberry32 } from "../../src/gguf/vocab";
import { createVariant, VariantError } from "../../src/core/variants";
import type { TokenizerAccess, VocabEntry } from "../../src/core/tokenizer";
import type { Example } from "../../src/core/types";
import { toQueryRecord } from "../../src/core/experiment/records";
import { aggregate } from "../../src/core/metrics";
import { scoresCsv } from "../../src/core/results/csv";
import type { ResultsFile } from "../../src/core/results/schema";
import Papa from "papaparse";
import { at } from "../support/at";

const close = (a: readonly number[], b: readonly number[], tol = 1e-9, what = "") => a.forEach((v, i) => assert.ok(Math.abs(v - at(b, i)) <= tol, `${what}[${i}]: ${v} vs ${b[i]}`));

test("least squares: closed forms (square, over- and under-determined, rank-deficient, k = 0)", () => {
  // Square and invertible: W = X^-1 Y, so the fit reproduces Y and predicts x X^-1 Y.
  // X = [[2, 1], [1, 1]], X^-1 = [[1, -1], [-1, 2]]; Y = [[3, 0], [1, 2]] -> W = X^-1 Y = [[2, -2], [-1, 4]].
  const sq = fitMinNormLeastSquares(
    [
      [2, 1],
      [1, 1],
    ],
    [
      [3, 0],
      [1, 2],
    ],
    2,
  );
  close(sq.predict([2, 1]), [3, 0], 1e-12, "row 0");
  close(sq.predict([1, 0]), [2, -2], 1e-12, "e1 W");
  close(sq.predict([0, 1]), [-1, 4], 1e-12, "e2 W");
  // Over-determined, one dimension: w = sum(x y) / sum(x^2) (the normal equation).
  const xs = [1, 2, 3, 4];
  const ys = [2.1, 3.9, 6.2, 7.8];
  const w = xs.reduce((s, x, i) => s + x * at(ys, i), 0) / xs.reduce((s, x) => s + x * x, 0);
  close(
    fitMinNormLeastSquares(
      xs.map((x) => [x]),
      ys.map((y) => [y]),
      1,
    ).predict([10]),
    [10 * w],
    1e-12,
    "slope",
  );
  // Under-determined (k = 1 < D = 2): W = X^T (X X^T)^-1 Y. X = [[1, 1]], Y = [[2, 0]] ->
  // W = [[1, 0], [1, 0]]: the demo is fitted exactly, the orthogonal direction [1, -1] maps to 0.
  const under = fitMinNormLeastSquares([[1, 1]], [[2, 0]], 2);
  close(under.predict([1, 1]), [2, 0], 1e-12, "fit");
  close(under.predict([1, 0]), [1, 0], 1e-12, "e1");
  close(under.predict([1, -1]), [0, 0], 1e-12, "orthogonal");
  // Rank-deficient (the same prompt twice with the same response, as repeated label words are): as if once.
  const dup = fitMinNormLeastSquares(
    [
      [1, 1],
      [1, 1],
    ],
    [
      [2, 0],
      [2, 0],
    ],
    2,
  );
  close(dup.predict([1, 0]), [1, 0], 1e-12, "duplicate rows");
  // Inconsistent duplicates: the least-squares answer is their mean.
  close(
    fitMinNormLeastSquares(
      [
        [1, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [3, 0],
      ],
      2,
    ).predict([1, 0]),
    [2, 0],
    1e-12,
    "mean",
  );
  // k = 0: W = 0.
  assert.deepEqual(fitMinNormLeastSquares([], [], 3).predict([1, 2, 3]), [0, 0, 0]);
  assert.throws(() => fitMinNormLeastSquares([[1, 2]], [[1]], 2), /response row 0 has 1 values, expected 2/);
  assert.throws(() => sq.predict([1]), /a prompt of 1 values/);
  // Deterministic: the same input gives bit-identical output.
  const a = fitMinNormLeastSquares(
    [
      [0.3, 0.1, 0.7],
      [0.2, 0.9, 0.4],
    ],
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    3,
  ).predict([0.5, 0.5, 0.5]);
  const b = fitMinNormLeastSquares(
    [
      [0.3, 0.1, 0.7],
      [0.2, 0.9, 0.4],
    ],
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    3,
  ).predict([0.5, 0.5, 0.5]);
  assert.deepEqual(a, b);
});

/** A random embedding table: n rows of dimension d (seeded). */
function table(n: number, d: number, seed: number): number[][] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u())));
}

/** Accuracy of g-linear: demos (p index -> r index), queries (p index), candidates = all responses. */
function accuracy(P: number[][], R: number[][], g: (p: number) => number, demoPs: number[], queryPs: number[]): number {
  const scores = gLinearScores(
    demoPs.map((p) => ({ x: at(P, p), y: at(R, g(p)) })),
    queryPs.map((p) => at(P, p)),
    R,
    at(P, 0).length,
  );
  return queryPs.filter((p, i) => uniqueArgmax(at(scores, i)) === g(p)).length / queryPs.length;
}

test("g-linear is 100% where g is exactly linear, also for prompts not among the demos", () => {
  const D = 8;
  const P = table(40, D, 1);
  const A = table(D, D, 2); // r = p A
  const R = P.map((p) => at(A, 0).map((_, j) => p.reduce((s, v, i) => s + v * at(at(A, i), j), 0)));
  const demos = Array.from({ length: 12 }, (_, i) => i); // k = 12 >= D: the demos span the space
  const unseen = Array.from({ length: 28 }, (_, i) => 12 + i);
  assert.equal(
    accuracy(P, R, (p) => p, demos, unseen),
    1,
  );
  assert.equal(
    accuracy(P, R, (p) => p, demos, demos),
    1,
  );
});

test("g-linear is 100% for any g when every query's prompt occurs in the demos and k <= D (interpolation)", () => {
  for (const seed of [3, 4, 5]) {
    const D = 16;
    const P = table(10, D, seed);
    const R = table(6, D, seed + 100);
    const r = rngFor(seed, "g");
    const gOf = P.map(() => intBelow(r, R.length)); // a random g, not injective, not linear
    // k = 16 = D demos over the 10 prompts (some repeated), queries: each prompt.
    const demos = Array.from({ length: 16 }, (_, i) => i % 10);
    assert.equal(
      accuracy(
        P,
        R,
        (p) => at(gOf, p),
        demos,
        Array.from({ length: 10 }, (_, i) => i),
      ),
      1,
      `seed ${seed}`,
    );
  }
});

test("g-linear is near chance for a random g on prompts that never occur in the demos", () => {
  const D = 64;
  const C = 10;
  const P = table(432, D, 6);
  const R = table(C, D, 7);
  const r = rngFor(6, "g");
  const gOf = P.map(() => intBelow(r, C));
  const demos = Array.from({ length: 32 }, (_, i) => i);
  const queries = Array.from({ length: 400 }, (_, i) => 32 + i);
  const acc = accuracy(P, R, (p) => at(gOf, p), demos, queries);
  // Chance 0.1; 400 queries: a 99.9% binomial interval is about 0.06-0.15.
  assert.ok(acc > 0.05 && acc < 0.16, `accuracy ${acc} on unseen prompts, chance ${1 / C}`);
});

test("cosine, not dot product: a larger wrong candidate does not win an exact interpolation", () => {
  // Prompt e1 -> response [1, 0]; the other candidate [3, 1] has a larger dot product with it (3 > 1).
  const s = at(
    gLinearScores(
      [
        { x: [1, 0], y: [1, 0] },
        { x: [0, 1], y: [3, 1] },
      ],
      [[1, 0]],
      [
        [1, 0],
        [3, 1],
      ],
      2,
    ),
    0,
  );
  assert.ok(at(s, 0) > at(s, 1));
  assert.equal(cosine([0, 0], [1, 2]), 0);
  // Label scores: score = cosine; prob = softmax of the scores; logProb = log(prob); ranks as usual.
  const ls = linearLabelScores(["a", "b"], [0.9, 0.1]);
  assert.equal(at(ls, 0).score, 0.9);
  assert.ok(Math.abs(at(ls, 0).prob - 1 / (1 + Math.exp(-0.8))) < 1e-12);
  assert.ok(Math.abs(at(ls, 0).logProb - Math.log(at(ls, 0).prob)) < 1e-15);
  assert.equal(goldRankOf(ls, "a"), 1);
  assert.equal(goldRankOf(ls, "b"), 2);
  // k = 0: a zero prediction ties every candidate: no prediction (the project's tie rule).
  const zero = linearLabelScores(
    ["a", "b"],
    at(
      gLinearScores(
        [],
        [[1, 0]],
        [
          [1, 0],
          [0, 1],
        ],
        2,
      ),
      0,
    ),
  );
  assert.deepEqual(
    zero.map((l) => l.score),
    [0, 0],
  );
  assert.deepEqual(decideLabels(zero), { predicted: "", tied: ["a", "b"] });
});

// ---- the g-linear variant on a small word tokenizer --------------------------------------------
const W = "\u2581";
const WORDS = ["Review", "Sentiment", "positive", "negative", "neutral", "apple", "river", "stone", "cloud", "tiger", "lamp", "ocean", "violin"];
const VOCAB: VocabEntry[] = [
  { id: 0, text: "<unk>", type: "unknown" },
  { id: 1, text: "<s>", type: "control" },
  { id: 2, text: "<0x0A>", type: "byte" },
  { id: 3, text: ":", type: "normal" },
  ...WORDS.flatMap((w, i) => [
    { id: 4 + 2 * i, text: W + w, type: "normal" as const },
    { id: 5 + 2 * i, text: w, type: "normal" as const },
  ]),
  { id: 100, text: W + "neg", type: "normal" },
  { id: 101, text: "ative", type: "normal" },
];
const BY_TEXT = new Map(VOCAB.map((v) => [v.text, v.id]));
/** Whitespace/newline/colon splitting word tokenizer; "negative2" is split into two pieces. */
function tokenize(text: string): number[] {
  const out: number[] = [];
  let start = true;
  for (const part of text.split(/(\n|:| )/)) {
    if (part === "") continue;
    if (part === "\n") {
      out.push(2);
      start = false;
      continue;
    }
    if (part === ":") {
      out.push(3);
      start = false;
      continue;
    }
    if (part === " ") {
      start = true;
      continue;
    }
    if (part === "negative2") {
      out.push(100, 101);
      start = false;
      continue;
    }
    out.push(BY_TEXT.get((start ? W : "") + part) ?? 0);
    start = false;
  }
  return out;
}
const TOK: TokenizerAccess = { vocab: VOCAB, tokenize };
const SETTINGS = { template: "Review: {input}\nSentiment: {label}", separator: "\n", instruction: "" };
const EX: Example[] = ["a", "b", "c", "d"].map((input, index) => ({ index, line: index + 1, input, label: index % 2 ? "negative" : "positive" }));
const ctx = (seed: number, classes = ["negative", "positive"], verbalizers?: Record<string, string>) => ({ seed, classes, examples: EX, settings: SETTINGS, tokenizer: TOK, verbalizers });

test("g-linear#n: g-token#n's pairs (same g), with the token ids to embed; several-token words are flagged", () => {
  for (const draw of [0, 1, 3]) {
    const key = (id: string) => `${id}#${draw}`;
    const g = createVariant(key("g-token"), ctx(2));
    const lin = createVariant(key("g-linear"), ctx(2));
    assert.deepEqual(lin.labelSpace, g.labelSpace, "same g as g-token");
    assert.deepEqual(lin.demos(EX), g.demos(EX), "same demonstrations");
    assert.equal(lin.family, "task");
    assert.ok(lin.linear);
    // p = the label word in context (after "Review: "), r = g's token.
    assert.deepEqual(lin.linear.inputTokens, { negative: [BY_TEXT.get(W + "negative")], positive: [BY_TEXT.get(W + "positive")] });
    for (const r of lin.labelSpace) assert.equal(lin.linear.responseTokens[r], BY_TEXT.get(W + r));
    assert.deepEqual(lin.mapping.warnings, []);
  }
  const split = createVariant("g-linear", ctx(1, ["neg", "pos"], { neg: "negative2", pos: "positive" }));
  assert.deepEqual(split.linear!.inputTokens.negative2, [100, 101]);
  assert.match(split.mapping.warnings.join(), /'negative2' is 2 tokens in context \(" neg", "ative"\); g-linear represents it by the mean of their embeddings/);
  assert.throws(
    () => createVariant("g-linear", { ...ctx(1), settings: { ...SETTINGS, template: "{label}" } }),
    (e: unknown) => e instanceof VariantError && /needs an \{input\} placeholder/.test(e.message),
  );
  assert.throws(() => createVariant("g-linear", { seed: 1, classes: ["a", "b"] }), /needs the model's tokenizer/);
});

test("linearGroupScores: a demo set of the variant, scored from an embedding table by token id", () => {
  const lin = createVariant("g-linear", ctx(4, ["negative", "neutral", "positive"]));
  const rows = table(200, 12, 9);
  const embed = (id: number) => at(rows, id, "embedding row");
  const ex = (label: string, i: number): Example => ({ index: i, line: i + 1, input: `x${i}`, label });
  // Every class among the demos: interpolation, so every query is right.
  const demos = lin.demos([ex("negative", 0), ex("positive", 1), ex("neutral", 2), ex("positive", 3)]);
  const queries = ["negative", "neutral", "positive"].map((c, i) => lin.query(ex(c, 10 + i)));
  const scored = linearGroupScores(
    lin.linear!,
    demos,
    queries.map((q) => q.input),
    lin.labelSpace,
    embed,
  );
  scored.forEach((labels, i) => {
    assert.deepEqual(
      labels.map((l) => l.label),
      lin.labelSpace,
    );
    assert.equal(decideLabels(labels).predicted, at(queries, i).gold);
    assert.ok(Math.abs(labels.find((l) => l.label === at(queries, i).gold)!.score! - 1) < 1e-9, "an interpolated prompt predicts its response exactly");
  });
  // Deterministic: the same demo set gives bit-identical scores.
  assert.deepEqual(
    linearGroupScores(
      lin.linear!,
      demos,
      queries.map((q) => q.input),
      lin.labelSpace,
      embed,
    ),
    scored,
  );
});

test("g-linear records in the results views: accuracy as usual, its cosine in the CSV, no gold log-prob", () => {
  const group = { id: "g-linear|k2|s1", variant: "g-linear", k: 2, seed: 1, demoIndices: [0, 1], queries: [2, 3], calibrationInputs: [] };
  const item = (q: number, gold: string) => ({ id: `x${q}`, kind: "query" as const, queryIndex: q, input: "negative", gold, prefix: "", query: "", labelSep: " ", labels: ["foo", "bar"], demos: [] });
  const records = [toQueryRecord(group, item(2, "foo"), linearLabelScores(["foo", "bar"], [0.8, 0.2]), []), toQueryRecord(group, item(3, "bar"), linearLabelScores(["foo", "bar"], [0.6, 0.1]), [])];
  assert.deepEqual(
    records.map((r) => r.predicted),
    ["foo", "foo"],
  );
  const m = at(aggregate(records), 0);
  assert.equal(m.accuracy.value, 0.5);
  assert.ok(Number.isNaN(m.meanGoldLogProb), "a cosine normalisation is not a log-probability");
  const rows = Papa.parse<Record<string, string>>(scoresCsv({ records } as unknown as ResultsFile), { header: true }).data.filter((r) => r.variant);
  assert.deepEqual(
    rows.map((r) => Number(r.score)),
    [0.8, 0.2, 0.6, 0.1],
  );
});
