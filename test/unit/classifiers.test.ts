// Model-free baselines: n-gram features, majority class, logistic regression.
import { test } from "node:test";
import assert from "node:assert/strict";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { ngramCounts, words, Vocabulary, majorityLabel, chanceAccuracy, trainLogReg, scoreBaselines, type LabeledText } from "../../src/core/classifiers";
import { at } from "../support/at";
import { defined } from "../../src/core/defined";

test("n-gram features: words, word bigrams, char_wb 1-4-grams", () => {
  assert.deepEqual(words("Hello, WORLD! it's"), ["hello", "world", "it's"]);
  const f = ngramCounts("The cat");
  // words + bigram
  assert.equal(f.get("w:the"), 1);
  assert.equal(f.get("w:cat"), 1);
  assert.equal(f.get("w:the cat"), 1);
  // " cat " -> 1-grams " ",c,a,t," " ; 2-grams " c",ca,at,"t " ; 3-grams " ca",cat,"at " ; 4-grams " cat","cat "
  for (const g of ["c", "a", "t", " c", "ca", "at", "t ", " ca", "cat", "at ", " cat", "cat "]) assert.ok(f.has("c:" + g), g);
  // no n-gram spans the two words
  assert.ok(!f.has("c:e c"));
  assert.ok(!f.has("c:he c"));
  // " " occurs twice per word (both pads) -> 4 for two words; "t" in both words -> 2
  assert.equal(f.get("c: "), 4);
  assert.equal(f.get("c:t"), 2);
  const v = new Vocabulary();
  v.addText("the cat");
  const x = v.vectorize("the dog");
  let norm = 0;
  for (const val of x.values) norm += val * val;
  assert.ok(Math.abs(norm - 1) < 1e-12, "unit L2 norm");
  assert.ok(x.ids.length > 0 && x.ids.length < ngramCounts("the dog").size, "unseen features dropped");
  assert.equal(v.vectorize("zzz").ids.length, 1, 'only the shared pad feature " " is known');
});

test("majority label: counts, deterministic ties, empty", () => {
  assert.equal(majorityLabel(["b", "a", "b"]), "b");
  assert.equal(majorityLabel(["b", "a"], ["a", "b"]), "a", "tie -> first in label order");
  assert.equal(majorityLabel(["b", "a"]), "b", "tie without order -> first seen");
  assert.equal(majorityLabel([]), undefined);
  assert.equal(chanceAccuracy(["a", "b", "c", "d"]), 0.25);
  assert.throws(() => chanceAccuracy([]), /empty/);
});

test("logistic regression matches the hand-solved two-word problem", () => {
  // "x" -> A and "y" -> B. Each text has 6 binary features: the shared pad " " and five unique
  // ones (w:x, c:x, c:" x", c:"x ", c:" x "), each 1/sqrt(6) after L2 normalisation. By
  // symmetry b = 0, the shared " " weight is 0, and the 20 unique weights are +a for the own
  // class and -a for the other, so the score margin is 10a/sqrt(6).
  // Objective 0.5 * 20 a^2 + 2 C log(1 + exp(-10a/sqrt6)); stationarity:
  //   a = (C/sqrt6) sigmoid(-10a/sqrt6).
  // C = 1 : fixed point a = 0.145298, margin 0.593177, p(A | "x") = sigmoid(0.593177) = 0.644094
  // C = 10: a = 0.488716, margin 1.995175, p = 0.880290
  const m = trainLogReg([
    { input: "x", label: "A" },
    { input: "y", label: "B" },
  ]);
  assert.ok(m.converged, `converged after ${m.iterations}`);
  const p = m.probabilities("x");
  assert.ok(Math.abs(at(p, 0) - 0.88029) < 1e-5, `p(A|x) = ${p[0]}`);
  assert.ok(Math.abs(at(m.probabilities("y"), 1) - 0.88029) < 1e-5);
  const m1 = trainLogReg(
    [
      { input: "x", label: "A" },
      { input: "y", label: "B" },
    ],
    undefined,
    { C: 1 },
  );
  assert.ok(Math.abs(at(m1.probabilities("x"), 0) - 0.644094) < 1e-5, `C=1: ${m1.probabilities("x")[0]}`);
  // An input with only the shared pad feature is undecided: 0.5 / 0.5 (tie -> first label).
  const q = m.predictWithProbs("z");
  assert.ok(Math.abs(defined(q.probs.A, "the probability of A") - 0.5) < 1e-6 && q.label === "A");
});

/** Synthetic sentiment: class words decide the label, filler words are noise. */
function synthetic(seed: number, n: number, classWords = 6, fillers = 6): LabeledText[] {
  const rng = xoroshiro128plus(seed);
  const pos = ["good", "great", "wonderful", "excellent", "lovely", "superb"].slice(0, classWords);
  const neg = ["bad", "awful", "terrible", "boring", "dreadful", "poor"].slice(0, classWords);
  const filler = ["the", "film", "plot", "actor", "scene", "music", "story", "was", "and", "very", "quite", "a", "movie", "ending"];
  const out: LabeledText[] = [];
  for (let i = 0; i < n; i++) {
    const label = uniformInt(rng, 0, 1) ? "positive" : "negative";
    const ws: string[] = [];
    for (let j = 0; j < fillers; j++) ws.push(at(filler, uniformInt(rng, 0, filler.length - 1)));
    const cls = label === "positive" ? pos : neg;
    ws.splice(uniformInt(rng, 0, ws.length), 0, at(cls, uniformInt(rng, 0, cls.length - 1)));
    out.push({ input: ws.join(" "), label });
  }
  return out;
}

test("logistic regression learns a separable task from 16 demos", () => {
  const labels = ["negative", "positive"];
  // Two keywords per class among three filler words: linearly separable by the keyword.
  const demos = synthetic(1, 16, 2, 3);
  const queries = synthetic(2, 200, 2, 3).map((q) => ({ input: q.input, gold: q.label }));
  const acc = scoreBaselines(demos, queries, labels).logregAccuracy;
  assert.ok(acc >= 0.9, `accuracy ${acc}`);
  // deterministic: same demos, same probabilities
  const a = trainLogReg(demos, labels).probabilities(at(queries, 0).input);
  const b = trainLogReg(demos, labels).probabilities(at(queries, 0).input);
  assert.deepEqual(a, b);
});

test("logistic regression stays near chance on shuffled labels", () => {
  const labels = ["negative", "positive"];
  let total = 0;
  const reps = 20;
  for (let r = 0; r < reps; r++) {
    const rng = xoroshiro128plus(100 + r);
    // Labels drawn independently of the inputs: nothing to learn.
    const demos = synthetic(300 + r, 16).map((d) => ({ input: d.input, label: at(labels, uniformInt(rng, 0, 1)) }));
    const queries = synthetic(500 + r, 100).map((q) => ({ input: q.input, gold: q.label }));
    total += scoreBaselines(demos, queries, labels).logregAccuracy;
  }
  const mean = total / reps;
  // 2000 queries, but demo sets are shared by 100 queries each; 0.5 +/- 0.1 is generous and
  // still far below the 0.9+ of the separable case.
  assert.ok(Math.abs(mean - 0.5) < 0.1, `mean accuracy ${mean}`);
});

test("baselines: k = 0 falls back to chance; majority and counts", () => {
  const labels = ["a", "b", "c"];
  const qs = [
    { input: "x", gold: "a" },
    { input: "y", gold: "b" },
    { input: "z", gold: "a" },
  ];
  const zero = scoreBaselines([], qs, labels);
  assert.equal(zero.logregAccuracy, 1 / 3);
  assert.equal(zero.majorityAccuracy, 1 / 3);
  assert.equal(zero.majorityLabel, undefined);
  const s = scoreBaselines(
    [
      { input: "x", label: "a" },
      { input: "x x", label: "a" },
      { input: "y", label: "b" },
    ],
    qs,
    labels,
  );
  assert.equal(s.majorityLabel, "a");
  assert.equal(s.majorityCorrect, 2);
  assert.equal(s.n, 3);
  assert.equal(s.chance, 1 / 3);
  // x -> a and y -> b are learnt; "z" has only the shared pad features -> a or b, not c
  assert.ok(s.logregCorrect >= 2, `logreg ${s.logregCorrect}`);
  // single class: always that class
  const one = trainLogReg([{ input: "q", label: "b" }], labels);
  assert.equal(one.predict("anything"), "b");
  assert.deepEqual(one.probabilities("anything"), [0, 1, 0]);
});
