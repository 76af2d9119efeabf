// scoreQuery is the one place where label token log-probs become a query's scores (sums, means,
// first-token log-probs, softmax, prediction or tie, gold rank, underflow warning). The local KV-cached
// scorer and the remote backend both call it; these tests pin its arithmetic on hand-made inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LOG_PROB_FLOOR, prepareItem, scoreQuery, type Tokenizer } from "../../src/engine/scorer";
import { at } from "../support/at";
import { defined } from "../../src/core/defined";

/** One token per character (code + 2), BOS 1. */
const charTokenizer: Tokenizer = { bosToPrepend: 1, tokenize: (t) => [...t].map((c) => c.charCodeAt(0) + 2) };

test("scoreQuery sums each label's token log-probs after the divergence point and ranks by the sum", () => {
  const it = prepareItem(charTokenizer, { id: "q", prefix: "x:", query: "y", labelSep: " ", labels: ["ab", "c"], gold: "c" }, 0);
  // Prompt = BOS x : y (4 tokens); "ab" adds " ", "a", "b"; "c" adds " ", "c".
  assert.deepEqual(
    it.labels.map((l) => [l.start, l.full.length]),
    [
      [4, 7],
      [4, 6],
    ],
  );
  const table: Record<string, number> = { "0:4": -0.5, "0:5": -1, "0:6": -0.25, "1:4": -0.5, "1:5": -2.5 };
  const seen: string[] = [];
  const s = scoreQuery(it, (li, i) => {
    seen.push(`${li}:${i}`);
    return defined(table[`${li}:${i}`], `the test's log-prob for label ${li} at position ${i}`);
  });
  assert.deepEqual(seen, ["0:4", "0:5", "0:6", "1:4", "1:5"]);
  const [ab, c] = s.labels;
  assert.ok(ab && c, "scores for both labels");
  assert.equal(ab.logProb, -1.75);
  assert.equal(ab.meanLogProb, -1.75 / 3);
  assert.equal(ab.firstTokenLogProb, -0.5);
  assert.equal(ab.tokens, 3);
  assert.equal(c.logProb, -3);
  assert.ok(Math.abs(ab.prob - 1 / (1 + Math.exp(-3 + 1.75))) < 1e-15);
  assert.ok(Math.abs(ab.prob + c.prob - 1) < 1e-15);
  assert.equal(s.predicted, "ab");
  assert.equal(s.goldRank, 2);
  assert.equal(s.promptTokens, 4);
  assert.deepEqual(s.labelTokenIds, [
    [34, 99, 100],
    [34, 101],
  ]);
});

test("scoreQuery clamps an underflowed token (-Infinity or NaN) to log(PROB_FLOOR) and says so", () => {
  const it = prepareItem(charTokenizer, { id: "q", prefix: "", query: "y", labelSep: "", labels: ["a", "b"] }, 0);
  const s = scoreQuery(it, (li) => (li === 0 ? -Infinity : NaN));
  assert.equal(at(s.labels, 0).logProb, LOG_PROB_FLOOR);
  assert.equal(at(s.labels, 1).logProb, LOG_PROB_FLOOR);
  assert.equal(s.predicted, "", "a tie is no prediction (src/core/labelDecision.ts), never the first label");
  assert.deepEqual(s.tied, ["a", "b"]);
  assert.deepEqual(
    s.warnings.filter((w) => w.code === "prob-underflow").map((w) => w.labels),
    [["a"], ["b"]],
  );
  assert.equal(s.goldRank, undefined);
});
