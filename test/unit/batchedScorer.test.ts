// Fast mode's batched scorer without a model: a fake multi-sequence context that, like
// node-llama-cpp, decodes every evaluate call queued before its next event-loop turn as one
// batch, and whose numbers depend (slightly) on the whole batch's tokens, as llama.cpp's do.
// Erases and copies take random time, so any dependence of the batches on timing shows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Lockstep, scoreBatched } from "../../src/engine/batchedScorer";
import { prepareItem, PrefixCache, scorePrepared, type LogitRequests, type NextTokenLogits, type SequenceBackend, type Tokenizer } from "../../src/engine/scorer";
import { EngineFailure, type ScoreItem } from "../../src/engine/protocol";

const VOCAB = 300;
const tok: Tokenizer = { bosToPrepend: 1, tokenize: (text) => [...text].map((c) => (c.charCodeAt(0) % 297) + 2) };

function hash(xs: readonly number[], salt: number): number {
  let h = 2166136261 ^ salt;
  for (const x of xs) h = Math.imul(h ^ x, 16777619);
  return (h >>> 0) / 2 ** 32;
}

interface Call {
  lane: number;
  tokens: number[];
  want: LogitRequests;
  done: (r: Map<number, NextTokenLogits>) => void;
}

/** Lanes of one fake context; `batchNoise` is how much a batch's other tokens move a lane's logits. */
class FakeContext {
  kv: number[][];
  queued: Call[] = [];
  batches: number[][] = [];
  private scheduled = false;
  constructor(
    lanes: number,
    private readonly batchNoise: number,
    private readonly rnd: () => number,
  ) {
    this.kv = Array.from({ length: lanes }, () => []);
  }
  private async delay(): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.floor(this.rnd() * 3)));
  }
  backend(lane: number): SequenceBackend {
    return {
      evaluate: (tokens, want) =>
        new Promise((done) => {
          this.queued.push({ lane, tokens, want, done });
          if (!this.scheduled) {
            this.scheduled = true;
            setImmediate(() => this.dispatch());
          }
        }),
      eraseFrom: async (from) => {
        await this.delay();
        const kv = this.kv[lane]!;
        kv.length = Math.min(kv.length, from);
      },
    };
  }
  async copy(to: number, from: number, upTo: number): Promise<void> {
    await this.delay();
    this.kv[to] = this.kv[from]!.slice(0, upTo);
  }
  private dispatch(): void {
    this.scheduled = false;
    const batch = this.queued;
    this.queued = [];
    this.batches.push(batch.map((c) => c.lane));
    const salt = hash(
      batch.flatMap((c) => c.tokens),
      7,
    );
    for (const c of batch) {
      const kv = this.kv[c.lane]!;
      const base = kv.length;
      kv.push(...c.tokens);
      const out = new Map<number, NextTokenLogits>();
      for (const [i, wanted] of c.want) {
        const ctx = kv.slice(0, base + i + 1);
        const logits = Array.from({ length: VOCAB }, (_, t) => 6 * hash(ctx, t) + this.batchNoise * salt);
        const z = logits.reduce((a, l) => a + Math.exp(l), 0);
        out.set(i, { logits: new Map(wanted.map((t) => [t, logits[t]!])), logNormaliser: Math.log(z) });
      }
      setTimeout(() => c.done(out), Math.floor(this.rnd() * 3));
    }
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Two groups (demo prefixes) of 11 and 5 queries: more queries than lanes, and a last batch that is not full. */
function items(): ScoreItem[] {
  const out: ScoreItem[] = [];
  const prefixes = ["Q: red\nA: yes\nQ: blue\nA: no\n", "Q: one\nA: no\n"];
  prefixes.forEach((prefix, g) => {
    for (let q = 0; q < (g === 0 ? 11 : 5); q++) out.push({ id: `${g}/${q}`, prefix, query: `Q: item ${q * 7 + g}\nA:`, labelSep: " ", labels: ["yes", "no", "not sure"] });
  });
  return out;
}

async function runBatched(opts: { lanes?: number; noise?: number; seed: number; cancelAfter?: number }) {
  const lanes = opts.lanes ?? 4;
  const ctx = new FakeContext(lanes, opts.noise ?? 1e-3, lcg(opts.seed));
  const lockstep = new Lockstep();
  const caches = Array.from({ length: lanes }, (_, i) => new PrefixCache(lockstep.wrap(i, ctx.backend(i))));
  const prepared = items().map((it, i) => prepareItem(tok, it, i));
  let done = 0;
  const r = await scoreBatched(caches, lockstep, (to, from, upTo) => ctx.copy(to, from, upTo), prepared, {
    onProgress: (d) => (done = d),
    checkCancelled: () => {
      if (opts.cancelAfter !== undefined && done >= opts.cancelAfter) throw new EngineFailure("cancelled", `after ${done}`);
    },
  });
  return { ...r, ctx, lockstep, done };
}

const logProbs = (r: { results: { labels: { logProb: number }[] }[] }) => r.results.map((x) => x.labels.map((l) => l.logProb));

test("batched scores are identical run to run although erases, copies and reads take random time", async () => {
  const a = await runBatched({ seed: 1 });
  const b = await runBatched({ seed: 2 });
  const c = await runBatched({ seed: 3 });
  assert.deepEqual(logProbs(b), logProbs(a));
  assert.deepEqual(logProbs(c), logProbs(a));
  // The batches themselves are the plan's: the same lanes together in every run.
  assert.deepEqual(b.ctx.batches, a.ctx.batches);
  assert.deepEqual(a.ctx.batches, a.lockstep.batches);
  // A group's queries go out lanes at a time: a full batch of 4 queries' first evaluations.
  assert.ok(a.ctx.batches.some((l) => l.length === 4));
});

test("each lane reads its own query's numbers: with no batch dependence the scores equal the single-sequence scorer's exactly", async () => {
  const batched = await runBatched({ seed: 4, noise: 0 });
  const ctx = new FakeContext(1, 0, lcg(5));
  const single = await scorePrepared(
    new PrefixCache(ctx.backend(0)),
    items().map((it, i) => prepareItem(tok, it, i)),
  );
  assert.deepEqual(logProbs(batched), logProbs(single));
  assert.deepEqual(
    batched.results.map((r) => r.id),
    items().map((it) => it.id),
  );
  // The prefix is evaluated once per group, on lane 0; the other lanes get copies.
  assert.equal(batched.stats.evaluatedTokens, single.stats.evaluatedTokens);
  assert.equal(batched.stats.plannedTokens, single.stats.plannedTokens);
});

test("the batch composition changes the numbers (so the test above can fail) and lanes = 1 is the single-sequence scorer", async () => {
  const four = await runBatched({ seed: 6, lanes: 4 });
  const two = await runBatched({ seed: 6, lanes: 2 });
  assert.notDeepEqual(logProbs(two), logProbs(four));
  const one = await runBatched({ seed: 7, lanes: 1, noise: 0 });
  const ctx = new FakeContext(1, 0, lcg(8));
  const single = await scorePrepared(
    new PrefixCache(ctx.backend(0)),
    items().map((it, i) => prepareItem(tok, it, i)),
  );
  assert.deepEqual(logProbs(one), logProbs(single));
});

test("a cancel is seen before each batch: it stops within one batch", async () => {
  await assert.rejects(runBatched({ seed: 9, cancelAfter: 1 }), (e: EngineFailure) => e.code === "cancelled" && e.message === "after 4");
});

test("Lockstep: a failing lane lets the others finish, then its error is thrown", async () => {
  const lockstep = new Lockstep();
  const finished: number[] = [];
  const ok = (lane: number) => async () => {
    const b = lockstep.wrap(lane, { evaluate: async () => new Map(), eraseFrom: async () => undefined });
    await b.evaluate([1], new Map());
    await b.evaluate([2], new Map());
    finished.push(lane);
    return lane;
  };
  await assert.rejects(
    lockstep.run(
      [0, 1, 2],
      [
        ok(0),
        async () => {
          throw new Error("lane 1 failed");
        },
        ok(2),
      ],
    ),
    /lane 1 failed/,
  );
  assert.deepEqual(finished.sort(), [0, 2]);
  assert.deepEqual(await lockstep.run([0, 1], [ok(0), ok(1)]), [0, 1]);
});
