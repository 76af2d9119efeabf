// Fast mode's scorer (opt-in, docs/ENGINE.md "Scoring modes"): each group's demo prefix is
// evaluated once on lane 0, its KV state copied to the other lanes (sequences of one context),
// and up to `lanes` queries are scored side by side, their evaluate calls decoded together in
// one llama.cpp batch. Each lane runs exactly the single-sequence procedure (scorer.scoreOne),
// so labels, warnings, clamping and raw logits are read as in exact mode.
//
// Determinism. A token's numbers depend, in the last bits, on the other tokens in its batch, so
// which calls share a batch must follow from the plan alone. Lockstep holds every lane's
// evaluate call until each lane still working has reached its next one, then starts them all in
// lane order in one synchronous step: node-llama-cpp queues them before its dispatch (its next
// event-loop turn), whatever the erases and copies between them took. Which queries share a
// batch is fixed by the plan (a group's queries by length and token order, `lanes` at a time). The reads of
// one batch's logits are serialised by the worker's one-thread libuv pool (client.ts): two
// concurrent reads race in llama.cpp's in-place output reorder (issue 9).
//
// The price: a query's numbers depend on its batch neighbours, so they are the same run to run
// for the same request but can differ in the last bits when the same query is scored among
// other queries (a resumed run, a smaller request). Exact mode has no such dependence.
import { defined } from "../core/defined";
import { compareTokens, labelOrder, planGroups, queryStart, scoreOne, scoreStats, type PrefixCache, type PreparedItem, type ScoreHooks, type SequenceBackend } from "./scorer";
import type { ItemScore, ScoreStats } from "./protocol";

/** Sequences (lanes) of a fast-mode context: queries decoded side by side. */
export const FAST_LANES = 8;

/**
 * The largest |Δ logProb| (nats) from exact mode the benchmark measured in fast mode
 * (docs/ENGINE.md "Scoring modes"), stated in ModelInfo and the run manifest.
 */
export const FAST_MODE_MEASURED_DEVIATION = 5e-2;

interface Waiting {
  run: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Holds the lanes' evaluate calls and starts them together once every live lane waits, in lane
 * order: the batch composition is a function of what each lane does, never of timing.
 */
export class Lockstep {
  private readonly live = new Set<number>();
  private readonly waiting = new Map<number, Waiting>();
  /** Lanes of each batch started, in order (the plan, for tests and stats). */
  readonly batches: number[][] = [];

  /** `backend` with its evaluate calls held for the lane's batch. */
  wrap(lane: number, backend: SequenceBackend): SequenceBackend {
    return {
      evaluate: (tokens, want) => this.submit(lane, () => backend.evaluate(tokens, want)) as ReturnType<SequenceBackend["evaluate"]>,
      eraseFrom: (from) => backend.eraseFrom(from),
    };
  }

  /**
   * Runs `bodies[i]` on lane `lanes[i]`, all at once, and returns their results in order. Every
   * body runs to its end even when another fails (so each lane's KV state matches its mirror);
   * then the first failure, in lane order, is thrown.
   */
  async run<T>(lanes: readonly number[], bodies: readonly (() => Promise<T>)[]): Promise<T[]> {
    if (this.live.size) throw new Error("internal error: Lockstep.run while lanes are live");
    for (const l of lanes) this.live.add(l);
    const settled = await Promise.allSettled(
      bodies.map(async (body, i) => {
        const lane = defined(lanes[i], `lane of body ${i}`);
        try {
          return await body();
        } finally {
          this.live.delete(lane);
          this.flush();
        }
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  }

  private submit(lane: number, run: () => Promise<unknown>): Promise<unknown> {
    if (!this.live.has(lane)) return run(); // outside run(): nothing to wait for
    return new Promise((resolve, reject) => {
      this.waiting.set(lane, { run, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.waiting.size === 0 || this.waiting.size < this.live.size) return;
    const lanes = [...this.waiting.keys()].sort((a, b) => a - b);
    const batch = lanes.map((l) => defined(this.waiting.get(l), `waiting call of lane ${l}`));
    this.waiting.clear();
    this.batches.push(lanes);
    // One synchronous step: every call is queued before node-llama-cpp dispatches the batch.
    for (const w of batch) w.run().then(w.resolve, w.reject);
  }
}

/**
 * Tokens of a query's first evaluate call: its own prompt tokens and its first label's tokens
 * but the last (scoreOne, labels in token order).
 */
function firstCallLength(it: PreparedItem): number {
  const first = defined(it.labels[defined(labelOrder(it)[0], "a first label")], "the first label");
  return first.full.length - 1 - queryStart(it);
}

/**
 * A group's queries by the length of their first call, then in token order. llama.cpp splits a
 * batch of several sequences into micro-batches holding the same number of tokens of each
 * (split_equal, node-llama-cpp's contexts do not unify the KV cache), so lanes of unequal
 * lengths cost extra passes: measured on the SmolLM shape, 8 queries of 20 tokens in one batch
 * 357 ms, of 17 to 24 tokens 506 ms, against 462 ms for 8 × 20 one after the other.
 */
function byFirstCallLength(group: PreparedItem[]): PreparedItem[] {
  return [...group].sort((a, b) => firstCallLength(a) - firstCallLength(b) || compareTokens(a.prompt, b.prompt));
}

/**
 * Scores prepared items on `caches` (one per lane, their backends wrapped by `lockstep`).
 * `copyPrefix(to, from, upTo)` copies lane `from`'s KV state to lane `to` (node-llama-cpp's
 * sequence state copy). Results keep input order; hooks are called in plan order; a cancel is
 * seen before each batch, so it stops within one batch.
 */
export async function scoreBatched(
  caches: readonly PrefixCache[],
  lockstep: Lockstep,
  copyPrefix: (to: number, from: number, upTo: number) => Promise<void>,
  items: PreparedItem[],
  hooks: ScoreHooks = {},
): Promise<{ results: ItemScore[]; stats: Omit<ScoreStats, "contextSize" | "ms"> }> {
  const groups = planGroups(items).map(byFirstCallLength);
  const results: ItemScore[] = new Array(items.length);
  const evaluated0 = caches.reduce((n, c) => n + c.evaluated, 0);
  const dist0 = caches.reduce((n, c) => n + c.distributions, 0);
  const first = defined(caches[0], "lane 0");
  let done = 0;
  for (const group of groups) {
    hooks.checkCancelled?.(done, items.length);
    const prefix = defined(group[0], "a group's first item").groupPrefix;
    const used = Math.min(caches.length, group.length);
    // The prefix once, on lane 0 (alone in its batches, cut canonically as in exact mode), then
    // copied to every other lane the group uses that does not hold it yet.
    await lockstep.run([0], [() => first.ensurePrefix(prefix)]);
    for (let lane = 1; lane < used; lane++) {
      const c = defined(caches[lane], `lane ${lane}`);
      if (!c.holdsPrefix(prefix)) await c.adopt(first, prefix.length, () => copyPrefix(lane, 0, prefix.length));
    }
    for (let b = 0; b < group.length; b += caches.length) {
      hooks.checkCancelled?.(done, items.length);
      const batch = group.slice(b, b + caches.length);
      const lanes = batch.map((_, j) => j);
      const scores = await lockstep.run(
        lanes,
        batch.map((it, j) => () => scoreOne(defined(caches[j], `lane ${j}`), it)),
      );
      batch.forEach((it, j) => {
        const score = defined(scores[j], `score of lane ${j}`);
        results[it.index] = score;
        hooks.onItem?.(score);
        hooks.onProgress?.(++done, items.length);
      });
    }
  }
  const evaluated = caches.reduce((n, c) => n + c.evaluated, 0) - evaluated0;
  const distributions = caches.reduce((n, c) => n + c.distributions, 0) - dist0;
  return { results, stats: scoreStats(items, groups.length, evaluated, distributions) };
}
