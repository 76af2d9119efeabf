// Classification metrics against hand-counted confusion matrices.
import { test } from "node:test";
import assert from "node:assert/strict";
import { confusionMatrix, accuracy, macroF1, labelShares, macroF1FromConfusion, meanGoldRank, meanGoldLogProb, goldLogProb } from "../../src/core/stats";
import { at } from "../support/at";

test("confusion matrix keeps the given order and appends unseen labels", () => {
  const cm = confusionMatrix(["a", "a", "b", "b", "c"], ["a", "b", "b", "b", "a"], ["b", "a"]);
  assert.deepEqual(cm.labels, ["b", "a", "c"]);
  // rows gold, cols predicted: b->b twice; a->a once, a->b once; c->a once
  assert.deepEqual(cm.counts, [
    [2, 0, 0],
    [1, 1, 0],
    [0, 1, 0],
  ]);
});

test("accuracy and macro-F1 by hand", () => {
  const gold = ["a", "a", "b", "b", "c"];
  const pred = ["a", "b", "b", "b", "a"];
  assert.equal(accuracy(gold, pred), 3 / 5);
  // a: TP1 FP1 FN1 -> 2/(2+1+1) = .5 ; b: TP2 FP1 FN0 -> 4/5 = .8 ; c: TP0 FP0 FN1 -> 0
  // macro = (.5 + .8 + 0) / 3 = .433333
  assert.ok(Math.abs(macroF1(gold, pred) - 1.3 / 3) < 1e-12);
  // A label only predicted (d) counts with F1 0; a declared label with no support and no
  // prediction (z) is left out, as sklearn's default label set does.
  // a: 1 ; b: TP0 FN1 -> 0 ; d: FP1 -> 0  => 1/3
  assert.ok(Math.abs(macroF1(["a", "b"], ["a", "d"]) - 1 / 3) < 1e-12);
  const withZ = confusionMatrix(["a", "b"], ["a", "d"], ["a", "b", "z"]);
  assert.ok(Math.abs(macroF1FromConfusion(withZ) - 1 / 3) < 1e-12);
  assert.equal(macroF1(["a", "b", "a"], ["a", "b", "a"]), 1);
  assert.ok(Number.isNaN(accuracy([], [])));
  assert.ok(Number.isNaN(macroF1([], [])));
  assert.throws(() => accuracy(["a"], []), /1 gold labels but 0 predictions/);
});

test("label shares list every label", () => {
  assert.deepEqual(labelShares(["a", "a", "b", "a"], ["a", "b", "c"]), { a: 0.75, b: 0.25, c: 0 });
  assert.deepEqual(labelShares([], ["a"]), { a: 0 });
});

test("mean gold rank and gold log-prob", () => {
  const q = (gold: string, goldRank: number, lps: [string, number][]) => ({ gold, goldRank, labels: lps.map(([label, logProb]) => ({ label, logProb })) });
  const qs = [
    q("a", 1, [
      ["a", -0.2],
      ["b", -1.8],
    ]),
    q("b", 2, [
      ["a", -0.5],
      ["b", -1.0],
    ]),
    q("z", 3, [
      ["a", -0.5],
      ["b", -1.0],
    ]), // gold not a candidate: no log-prob
  ];
  // ranks (1 + 2 + 3) / 3 = 2 ; log-probs (-0.2 + -1.0) / 2 = -0.6
  assert.equal(meanGoldRank(qs), 2);
  assert.ok(Math.abs(meanGoldLogProb(qs) - -0.6) < 1e-12);
  assert.equal(goldLogProb(at(qs, 2)), undefined);
  assert.ok(Number.isNaN(meanGoldRank([])));
  assert.ok(Number.isNaN(meanGoldLogProb([])));
});
