// Which examples become queries and which become demonstrations. Deterministic: every draw
// comes from its own named stream (rng.ts), so the same file, seed and settings give the same
// queries and demos on any machine.
//
// Algorithm (exactly):
// drawQueries({examples, n, seed}):
//   shuffle the examples with stream ("queries", seed), take the first n, return them sorted
//   by Example.index. n > number of examples -> Error.
// selectDemos({examples, k, seed, mode, balance, queryIndex, queryPool, classes}):
//   1. pool = examples minus every query of this seed (queryPool) minus the query itself
//      (queryIndex), in file order. So a query is never among its own demonstrations, and in
//      "fixed" mode no query of the seed is a demo for any other query either (a clean
//      train/test split, as in the paper where demos come from the training split).
//   2. stream: mode "fixed" -> ("demos-fixed", seed): one demo set per seed, shared by all
//      queries; mode "per-query" -> ("demos-per-query", seed, queryIndex): re-drawn for every
//      query, as the authors' code does. The stream does not depend on k, so the demos for a
//      smaller k are the first ones for a larger k (nested sets: curves over k vary less).
//   3. order = shuffle(pool) with that stream.
//   4. balance off: demos = first k of order.
//      balance on: group `order` by class (order inside a class kept); classes are taken in
//      the declared order (`classes`, else first appearance in the file), rotated to start at
//      a class chosen with the same stream; then round-robin: one from each class in turn,
//      skipping classes that ran out, until k are taken. The chosen set is then shuffled with
//      ("demo-order", <stream parts of step 2>, k) so labels do not strictly alternate
//      (an alternating pattern would itself be a cue).
//   k > pool size -> Error naming the numbers and what to change.
import { intBelow, rngFor, shuffle } from "./rng";
import type { Example, SelectionMode } from "./types";

export interface DrawQueriesOptions {
  examples: readonly Example[];
  /** Number of queries for this seed. */
  n: number;
  seed: number;
}

/** n distinct query examples for the seed, sorted by index (see the algorithm above). */
export function drawQueries({ examples, n, seed }: DrawQueriesOptions): Example[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`The number of queries must be a non-negative integer, got ${n}.`);
  if (n > examples.length) {
    throw new Error(`${n} queries were requested but the file has only ${examples.length} examples; lower "queries" or add examples.`);
  }
  const order = shuffle(rngFor("queries", seed), examples);
  return order.slice(0, n).sort((a, b) => a.index - b.index);
}

export interface SelectDemosOptions {
  examples: readonly Example[];
  k: number;
  seed: number;
  mode: SelectionMode;
  balance: boolean;
  /** Example.index of the query the demos are for (required in "per-query" mode). */
  queryIndex?: number;
  /** All queries of this seed; excluded from the pool. */
  queryPool?: readonly Example[];
  /** Class order for balancing (default: first appearance in `examples`). */
  classes?: readonly string[];
}

/** The k demonstrations, in prompt order (see the algorithm above). */
export function selectDemos(opts: SelectDemosOptions): Example[] {
  const { examples, k, seed, mode, balance, queryIndex, queryPool } = opts;
  if (!Number.isInteger(k) || k < 0) throw new Error(`k must be a non-negative integer, got ${k}.`);
  if (mode === "per-query" && queryIndex === undefined) throw new Error("selectDemos: mode 'per-query' needs queryIndex.");
  const excluded = new Set<number>((queryPool ?? []).map((q) => q.index));
  if (queryIndex !== undefined) excluded.add(queryIndex);
  const pool = examples.filter((e) => !excluded.has(e.index));
  if (k > pool.length) {
    const held = excluded.size;
    throw new Error(
      `k = ${k} needs ${k} demonstrations but only ${pool.length} of the ${examples.length} examples remain after setting aside ${held} ${held === 1 ? "query" : "queries"} (seed ${seed}); lower k or the number of queries, or add examples.`,
    );
  }
  if (k === 0) return [];
  const streamParts: (string | number)[] = mode === "fixed" ? ["demos-fixed", seed] : ["demos-per-query", seed, queryIndex as number];
  const rng = rngFor(...streamParts);
  const order = shuffle(rng, pool);
  if (!balance) return order.slice(0, k);

  const classOrder: string[] = [];
  for (const c of opts.classes ?? []) if (!classOrder.includes(c)) classOrder.push(c);
  for (const e of examples) if (!classOrder.includes(e.label)) classOrder.push(e.label);
  const byClass = new Map<string, Example[]>(classOrder.map((c) => [c, []]));
  for (const e of order) byClass.get(e.label)!.push(e);
  const start = intBelow(rng, classOrder.length);
  const rotated = classOrder.slice(start).concat(classOrder.slice(0, start));
  const queues = rotated.map((c) => byClass.get(c)!).filter((q) => q.length > 0);
  const chosen: Example[] = [];
  for (let round = 0; chosen.length < k; round++) {
    for (const q of queues) {
      const e = q[round]; // undefined once this class's queue is used up
      if (e !== undefined && chosen.length < k) chosen.push(e);
    }
  }
  return shuffle(rngFor("demo-order", ...streamParts, k), chosen);
}
