// Per-(variant, k) metrics on hand-built records.
import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregate, summariseBaselines } from "../../src/core/metrics";
import type { QueryRecord } from "../../src/core/types";
import { at } from "../support/at";

const close = (a: number, b: number, tol = 1e-9, what = ""): void => assert.ok(Math.abs(a - b) <= tol, `${what} expected ${b}, got ${a}`);

let qi = 0;
function rec(variant: string, k: number, seed: number, gold: string, predicted: string, extra: Partial<QueryRecord> = {}, labels = ["neg", "pos"]): QueryRecord {
  const ok = gold === predicted;
  return {
    variant,
    k,
    seed,
    queryIndex: qi,
    demoIndices: [],
    input: `x${qi++}`,
    gold,
    predicted,
    goldRank: ok ? 1 : 2,
    labels: labels.map((l) => ({ label: l, logProb: l === gold ? (ok ? -0.5 : -1.5) : -1, meanLogProb: 0, firstTokenLogProb: 0, tokens: 1, prob: 0.5 })),
    ...extra,
  };
}

const goldRecords = (): QueryRecord[] => [
  // seed 1: 3 of 4 correct
  rec("gold", 4, 1, "neg", "neg"),
  rec("gold", 4, 1, "neg", "neg"),
  rec("gold", 4, 1, "pos", "pos"),
  rec("gold", 4, 1, "pos", "neg"),
  // seed 2: 2 of 4 correct
  rec("gold", 4, 2, "neg", "pos"),
  rec("gold", 4, 2, "neg", "neg"),
  rec("gold", 4, 2, "pos", "pos"),
  rec("gold", 4, 2, "pos", "neg"),
];

test("accuracy (sign-flip over seeds), macro-F1, ranks, shares, confusion by hand", () => {
  const [m] = aggregate(goldRecords());
  assert.ok(m, "metrics for gold k=4");
  assert.equal(m.variant, "gold");
  assert.equal(m.k, 4);
  assert.equal(m.n, 8);
  assert.equal(m.prompts, 8);
  assert.deepEqual(m.seeds, [1, 2]);
  assert.deepEqual(m.labels, ["neg", "pos"]);
  assert.equal(m.accuracy.correct, 5);
  // per-seed .75 and .5: the estimate is their mean; the units are the 2 seeds
  assert.equal(m.accuracy.value, 0.625);
  assert.equal(m.accuracy.method, "sign-flip-seeds");
  assert.equal(m.accuracy.units, 2);
  // deviations from chance .25 and 0: patterns (+,+), (+,-) reach .25 -> p = 2/4; 2 seeds allow p >= 1/4 only
  assert.equal(m.accuracy.pAboveChance, 0.5);
  assert.equal(m.accuracy.minP, 0.25);
  assert.equal(m.accuracy.interval, undefined, "2 seeds support no 95% interval");
  // seed 1: neg TP2 FP1 FN0 -> .8, pos TP1 FP0 FN1 -> 2/3 => .733333; seed 2: .5 and .5 => .5
  close(at(m.macroF1.perSeed, 0).value, (0.8 + 2 / 3) / 2, 1e-12, "f1 seed 1");
  close(at(m.macroF1.perSeed, 1).value, 0.5, 1e-12, "f1 seed 2");
  close(m.macroF1.value, ((0.8 + 2 / 3) / 2 + 0.5) / 2, 1e-12, "f1 mean");
  assert.equal(m.macroF1.interval, undefined, "same method as accuracy: no interval from 2 seeds");
  // ranks: 5 correct at 1, 3 wrong at 2 -> 11/8; gold log-probs 5 x -.5 and 3 x -1.5 -> -7/8
  assert.equal(m.meanGoldRank, 11 / 8);
  assert.equal(m.meanGoldLogProb, -7 / 8);
  // predictions: neg 5, pos 3
  assert.deepEqual(m.predictionShare, { neg: 5 / 8, pos: 3 / 8 });
  assert.deepEqual(m.confusion.counts, [
    [3, 1],
    [2, 2],
  ]);
  assert.equal(m.chance, 0.5);
  assert.equal(m.calibrated, undefined);
  assert.equal(m.alt, undefined);
  assert.equal(m.baselines, undefined);
  // deterministic
  assert.deepEqual(aggregate(goldRecords()), aggregate(goldRecords()));
});

test("single seed: distinct prompts are the units (exact binomial, Clopper-Pearson); no macro-F1 interval", () => {
  const [m] = aggregate(goldRecords().slice(0, 4));
  assert.ok(m, "metrics for gold k=4, seed 1");
  assert.equal(m.accuracy.method, "exact-binomial-prompts");
  assert.equal(m.accuracy.units, 4);
  assert.equal(m.accuracy.value, 0.75);
  // P(X >= 3 | 4, .5) = 5/16
  close(m.accuracy.pAboveChance, 5 / 16, 1e-12, "binomial");
  assert.equal(m.accuracy.interval!.method, "exact-binomial-prompts");
  assert.equal(m.macroF1.interval, undefined);
});

test("identical prompts count once: a record's prompt is its demo set and query text", () => {
  const same = (ok: boolean, demo: number[] = [7, 8]): QueryRecord => ({ ...rec("gold", 2, 1, "neg", ok ? "neg" : "pos"), input: "dup", demoIndices: demo });
  const [m] = aggregate([same(true), same(true), same(true), rec("gold", 2, 1, "pos", "neg"), same(true, [9, 10])]);
  assert.ok(m, "metrics for gold k=2");
  // prompts: "dup" with demos 7,8 (3 records, right), one other input (wrong), "dup" with demos 9,10 (right)
  assert.equal(m.n, 5);
  assert.equal(m.prompts, 3);
  assert.equal(m.accuracy.units, 3);
  close(m.accuracy.value, 2 / 3, 1e-12);
  assert.equal(at(m.perSeed, 0).correct, 4, "record counts stay as they are (confusion, shares)");
  // duplicates that disagree count as a fraction of a prompt
  const [h] = aggregate([same(true), same(false)]);
  assert.ok(h, "metrics for gold k=2");
  assert.equal(h.prompts, 1);
  assert.equal(h.accuracy.value, 0.5);
});

test("ordering, calibrated, goldAlt, 3-label chance and baselines", () => {
  const labels3 = ["a", "b", "c"];
  const records = [
    rec("flipped", 8, 1, "a", "b", { goldAlt: "b", calibrated: { predicted: "a", probs: [0.5, 0.3, 0.2] } }, labels3),
    rec("flipped", 8, 1, "b", "b", { goldAlt: "c", calibrated: { predicted: "a", probs: [0.5, 0.3, 0.2] } }, labels3),
    ...goldRecords(),
    rec("flipped", 0, 1, "c", "c", { goldAlt: "a" }, labels3),
  ];
  const ms = aggregate(records, {
    baselines: [
      { variant: "gold", k: 4, seed: 1, n: 4, majorityCorrect: 2, logregCorrect: 3 },
      { variant: "gold", k: 4, seed: 2, n: 4, majorityCorrect: 2, logregCorrect: 4 },
      { variant: "other", k: 4, seed: 1, n: 4, majorityCorrect: 0, logregCorrect: 0 },
    ],
  });
  assert.deepEqual(
    ms.map((m) => `${m.variant}@${m.k}`),
    ["flipped@0", "flipped@8", "gold@4"],
  );
  const f8 = at(ms, 1);
  assert.equal(f8.chance, 1 / 3);
  assert.deepEqual(f8.labels, labels3);
  // calibrated predictions: a (gold a) right, a (gold b) wrong -> 1/2
  assert.equal(f8.calibrated!.value, 0.5);
  assert.equal(f8.calibrated!.n, 2);
  // vs goldAlt: b==b right, b vs c wrong -> 1/2
  assert.equal(f8.alt!.value, 0.5);
  assert.equal(f8.accuracy.value, 0.5);
  assert.equal(at(ms, 0).alt!.value, 0);
  assert.equal(at(ms, 0).calibrated, undefined);
  const b = at(ms, 2).baselines!;
  // pooled: majority 4/8, logreg 7/8
  assert.equal(b.n, 8);
  assert.equal(b.majority, 0.5);
  assert.equal(b.logreg, 7 / 8);
  assert.deepEqual(
    b.perSeed.map((s) => s.logreg),
    [0.75, 1],
  );
  assert.equal(at(ms, 0).baselines, undefined);
});

test("baseline summary sums records of the same seed; bad input gets a clear error", () => {
  const s = summariseBaselines([
    { variant: "v", k: 2, seed: 3, n: 2, majorityCorrect: 1, logregCorrect: 0.5 },
    { variant: "v", k: 2, seed: 3, n: 2, majorityCorrect: 1, logregCorrect: 1.5 },
  ]);
  assert.deepEqual(s.perSeed, [{ seed: 3, n: 4, majority: 0.5, logreg: 0.5 }]);
  assert.throws(() => aggregate([{ ...rec("g", 1, 1, "neg", "neg"), labels: [] }]), /record 0 \(g, k=1, seed 1\) has no label scores/);
  assert.throws(() => aggregate([{ ...rec("g", 1, 1, "neg", "neg"), goldRank: 0 }]), /goldRank 0/);
  assert.deepEqual(aggregate([]), []);
});

test("20,000 records aggregate (linear pass; correctness at scale)", () => {
  const labels = ["w", "x", "y", "z"];
  const records: QueryRecord[] = [];
  for (let i = 0; i < 20000; i++) {
    const gold = at(labels, i % 4);
    const predicted = i % 5 === 0 ? at(labels, (i + 1) % 4) : gold; // 80% correct
    records.push(rec(`v${i % 5}`, at([0, 4, 8, 16], i % 4), i % 10, gold, predicted, {}, labels));
  }
  const ms = aggregate(records);
  assert.equal(
    ms.reduce((s, m) => s + m.n, 0),
    20000,
  );
  const total = ms.reduce((s, m) => s + m.accuracy.correct, 0);
  assert.equal(total, 16000);
});

test("ties (no prediction) count as wrong, as misses of the gold in macro-F1, and as no label's share", () => {
  // One seed: neg->neg, pos->pos, neg->tie, pos->tie.
  const recs = [
    rec("gold", 2, 1, "neg", "neg"),
    rec("gold", 2, 1, "pos", "pos"),
    rec("gold", 2, 1, "neg", "", { tied: ["neg", "pos"], goldRank: 2 }),
    rec("gold", 2, 1, "pos", "", { tied: ["neg", "pos"], goldRank: 2 }),
  ];
  const [m] = aggregate(recs);
  assert.ok(m, "metrics for gold k=2");
  assert.deepEqual(m.labels, ["neg", "pos"], "a tie is not a label");
  assert.equal(m.accuracy.correct, 2);
  assert.deepEqual(m.confusion.counts, [
    [1, 0],
    [0, 1],
  ]);
  assert.deepEqual(m.confusion.ties, [1, 1]);
  // Each class: TP 1, FP 0, FN 1 -> F1 2/3.
  close(m.macroF1.value, 2 / 3, 1e-12, "macro-F1 with ties as misses");
  assert.equal(m.macroF1.interval, undefined, "one seed: no macro-F1 interval");
  // One seed, 4 distinct prompts, 2 right (ties are wrong): the exact binomial over prompts.
  assert.equal(m.accuracy.units, 4);
  assert.equal(m.accuracy.value, 0.5);
  assert.deepEqual(m.predictionShare, { neg: 0.25, pos: 0.25 });
  assert.equal(m.meanGoldRank, 1.5);
});
