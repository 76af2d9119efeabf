// Demo selection: deterministic, no query among its own demos, balancing, clear errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { drawQueries, selectDemos } from "../../src/core/selection";
import type { Example } from "../../src/core/types";
import { at } from "../support/at";

function examples(n: number, classes = ["a", "b"], skew = 0): Example[] {
  return Array.from({ length: n }, (_, i) => ({ index: i, line: i + 2, input: `text ${i}`, label: at(classes, i < skew ? 0 : i % classes.length) }));
}

test("drawQueries: n distinct examples sorted by index, deterministic per seed", () => {
  const ex = examples(50);
  const q1 = drawQueries({ examples: ex, n: 10, seed: 1 });
  assert.equal(q1.length, 10);
  assert.equal(new Set(q1.map((e) => e.index)).size, 10);
  assert.deepEqual(
    q1.map((e) => e.index),
    [...q1.map((e) => e.index)].sort((a, b) => a - b),
  );
  assert.deepEqual(drawQueries({ examples: ex, n: 10, seed: 1 }), q1);
  assert.notDeepEqual(drawQueries({ examples: ex, n: 10, seed: 2 }), q1);
  assert.throws(() => drawQueries({ examples: ex, n: 51, seed: 1 }), /51 queries were requested but the file has only 50 examples/);
});

test("fixed mode: one demo set per seed, outside every query of the seed, nested over k", () => {
  const ex = examples(40);
  const pool = drawQueries({ examples: ex, n: 10, seed: 3 });
  const d8 = selectDemos({ examples: ex, k: 8, seed: 3, mode: "fixed", balance: false, queryPool: pool });
  const d16 = selectDemos({ examples: ex, k: 16, seed: 3, mode: "fixed", balance: false, queryPool: pool });
  assert.equal(d8.length, 8);
  assert.deepEqual(d16.slice(0, 8), d8, "smaller k takes the first demos of larger k");
  const qs = new Set(pool.map((q) => q.index));
  assert.ok(d16.every((d) => !qs.has(d.index)));
  assert.deepEqual(selectDemos({ examples: ex, k: 8, seed: 3, mode: "fixed", balance: false, queryPool: pool }), d8);
  assert.notDeepEqual(selectDemos({ examples: ex, k: 8, seed: 4, mode: "fixed", balance: false, queryPool: pool }), d8);
  assert.deepEqual(selectDemos({ examples: ex, k: 0, seed: 3, mode: "fixed", balance: false, queryPool: pool }), []);
});

test("per-query mode: re-drawn per query, never containing the query", () => {
  const ex = examples(30);
  const a = selectDemos({ examples: ex, k: 10, seed: 1, mode: "per-query", balance: false, queryIndex: 4 });
  const b = selectDemos({ examples: ex, k: 10, seed: 1, mode: "per-query", balance: false, queryIndex: 5 });
  assert.notDeepEqual(a, b);
  assert.ok(a.every((d) => d.index !== 4));
  assert.throws(() => selectDemos({ examples: ex, k: 3, seed: 1, mode: "per-query", balance: false }), /needs queryIndex/);
});

test("property: no query is ever among its own demos, demos are distinct", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 40 }), fc.integer(), fc.boolean(), fc.constantFrom("fixed" as const, "per-query" as const), (n, seed, balance, mode) => {
      const ex = examples(n, ["x", "y", "z"]);
      const nq = Math.floor(n / 3);
      const pool = drawQueries({ examples: ex, n: nq, seed });
      const k = Math.min(5, n - nq - 1); // the query itself is also set aside
      for (const q of pool.length ? pool : [at(ex, 0)]) {
        const d = selectDemos({ examples: ex, k, seed, mode, balance, queryIndex: q.index, queryPool: pool, classes: ["x", "y", "z"] });
        assert.equal(d.length, k);
        assert.equal(new Set(d.map((e) => e.index)).size, k);
        assert.ok(d.every((e) => e.index !== q.index && !pool.some((p) => p.index === e.index)));
      }
    }),
    { numRuns: 150 },
  );
});

test("balancing: round-robin over classes gives counts differing by at most one", () => {
  const ex = examples(60, ["a", "b", "c"], 40); // 40 "a" first, then a/b/c cycling: heavily skewed
  for (const k of [3, 6, 7, 12]) {
    const d = selectDemos({ examples: ex, k, seed: 9, mode: "fixed", balance: true, classes: ["a", "b", "c"] });
    const counts = ["a", "b", "c"].map((c) => d.filter((e) => e.label === c).length);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `k=${k}: ${counts}`);
    assert.deepEqual(selectDemos({ examples: ex, k, seed: 9, mode: "fixed", balance: true, classes: ["a", "b", "c"] }), d);
  }
  // A class that runs out is skipped; the others fill up.
  const few = [...examples(10, ["a"]), { index: 10, line: 12, input: "only b", label: "b" }];
  const d = selectDemos({ examples: few, k: 6, seed: 1, mode: "fixed", balance: true });
  assert.equal(d.filter((e) => e.label === "b").length, 1);
});

test("k larger than the pool is a clear error", () => {
  const ex = examples(20);
  const pool = drawQueries({ examples: ex, n: 15, seed: 1 });
  assert.throws(
    () => selectDemos({ examples: ex, k: 8, seed: 1, mode: "fixed", balance: false, queryPool: pool }),
    /k = 8 needs 8 demonstrations but only 5 of the 20 examples remain after setting aside 15 queries \(seed 1\); lower k or the number of queries, or add examples/,
  );
  assert.throws(() => selectDemos({ examples: ex, k: -1, seed: 1, mode: "fixed", balance: false }), /non-negative integer/);
});
