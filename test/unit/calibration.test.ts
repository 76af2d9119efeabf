// Contextual calibration (Zhao et al. 2021) by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { calibrate, contentFreePrior, normalise, probsFromLogProbs, calibrateLabelScores, CONTENT_FREE_INPUTS } from "../../src/core/calibration";
import type { LabelScore } from "../../src/core/types";
import { at } from "../support/at";

const near = (a: readonly number[], b: readonly number[], tol = 1e-12): void =>
  assert.ok(a.length === b.length && a.every((x, i) => Math.abs(x - at(b, i)) <= tol), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);

test("p_cf is the mean of renormalised content-free probabilities", () => {
  // rows .7/.3, .9/.1 and raw 2/2 (-> .5/.5): mean = (.7+.9+.5)/3 = .7, (.3+.1+.5)/3 = .3
  near(
    contentFreePrior([
      [0.7, 0.3],
      [0.9, 0.1],
      [2, 2],
    ]),
    [0.7, 0.3],
  );
  assert.deepEqual(CONTENT_FREE_INPUTS, ["N/A", "", "[MASK]"]);
  assert.throws(() => contentFreePrior([]), /content-free/);
  assert.throws(() => contentFreePrior([[0.5, 0.5], [1]]), /rows have/);
});

test("calibration flips a biased prediction", () => {
  // p = .6/.4 favours label 0, but the prompt alone gives p_cf = .8/.2.
  // p / p_cf = .75 / 2.0 -> normalise: .75/2.75 = .272727, 2/2.75 = .727273 -> label 1
  const c = calibrate([0.6, 0.4], [0.8, 0.2]);
  near(c.probs, [0.75 / 2.75, 2 / 2.75]);
  assert.equal(c.predicted, 1);
  // an unbiased p_cf changes nothing
  const u = calibrate([0.2, 0.5, 0.3], [1 / 3, 1 / 3, 1 / 3]);
  near(u.probs, [0.2, 0.5, 0.3]);
  assert.equal(u.predicted, 1);
  // zero p_cf entry stays finite
  assert.equal(calibrate([0.5, 0.5], [1, 0]).predicted, 1);
  assert.throws(() => calibrate([0.5, 0.5], [1]), /p_cf has 1/);
});

test("helpers: normalise, softmax of log-probs, record field", () => {
  near(normalise([1, 3]), [0.25, 0.75]);
  assert.throws(() => normalise([0, 0]), /all weights are zero/);
  // log .2, log .6 -> .25, .75
  near(probsFromLogProbs([Math.log(0.2), Math.log(0.6)]), [0.25, 0.75]);
  near(probsFromLogProbs([-1000, -1000 + Math.log(3)]), [0.25, 0.75]);
  const ls = (probs: number[]): LabelScore[] =>
    probs.map((p, i) => ({ label: at(["neg", "pos"], i), prob: p, logProb: Math.log(p), meanLogProb: Math.log(p), firstTokenLogProb: Math.log(p), tokens: 1 }));
  const rec = calibrateLabelScores(ls([0.6, 0.4]), [ls([0.7, 0.3]), ls([0.9, 0.1]), ls([0.8, 0.2])]);
  // p_cf = (.8, .2) -> as above
  assert.equal(rec.predicted, "pos");
  near(rec.probs, [0.75 / 2.75, 2 / 2.75]);
});
