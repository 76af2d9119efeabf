// Model-free tests of the scorer's planning: prefix reuse against a from-scratch reference on a
// deterministic fake model whose next-token distribution depends on every token in its KV state,
// so any mistake in rollback or reuse changes the scores.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync } from "node:fs";
import {
  commonPrefixLength,
  demoTokenLengths,
  overflowError,
  prepareItem,
  PrefixCache,
  PROB_FLOOR,
  scorePrepared,
  type LogitRequests,
  type NextTokenLogits,
  type SequenceBackend,
  type Tokenizer,
} from "../../src/engine/scorer";
import { EngineFailure, type ScoreItem } from "../../src/engine/protocol";
import { cpuJiffiesFromProcStat, defaultThreads, measureBusyCpus, physicalCoresFromCpuinfo } from "../../src/engine/threads";
import { resolveWorkerPath } from "../../src/engine/client";
import { defaultModelPath } from "../../src/engine/defaultModel";
import { at } from "../support/at";
import { buildPrompt } from "../../src/core/prompt";
import { textScoreItem } from "../../src/engine/items";

const MERGED_AB = 1000;
const VOCAB = 1001;

/** Character tokenizer in which "ab" is one token, so a prompt ending in "a" merges with a label starting with "b". */
function fakeTokenizer(bos: number | null = 1): Tokenizer {
  return {
    bosToPrepend: bos,
    tokenize(text) {
      const out: number[] = [];
      for (let i = 0; i < text.length; i++) {
        if (text[i] === "a" && text[i + 1] === "b") {
          out.push(MERGED_AB);
          i++;
        } else out.push((text.charCodeAt(i) % 999) + 2);
      }
      return out;
    },
  };
}

function hash(xs: readonly number[], salt: number): number {
  let h = 2166136261 ^ salt;
  for (const x of xs) h = Math.imul(h ^ x, 16777619);
  return (h >>> 0) / 2 ** 32;
}

/** A fake KV-cached model: the distribution after position p is a softmax of hashes of tokens[0..p]. */
class FakeBackend implements SequenceBackend {
  kv: number[] = [];
  calls = 0;
  zeroToken: number | undefined;
  /** Requested tokens' logits: only those, as node-llama-cpp's filter returns them; zeroToken's probability is 0. */
  dist(ctx: number[], wanted: readonly number[]): NextTokenLogits {
    const logits = Array.from({ length: VOCAB }, (_, t) => 6 * hash(ctx, t));
    const z = logits.reduce((a, l) => a + Math.exp(l), 0);
    return { logits: new Map(wanted.map((t) => [t, t === this.zeroToken ? -Infinity : at(logits, t)])), logNormaliser: Math.log(z) };
  }
  async evaluate(tokens: number[], want: LogitRequests) {
    this.calls++;
    const base = this.kv.length;
    this.kv.push(...tokens);
    const out = new Map<number, NextTokenLogits>();
    for (const [i, wanted] of want) out.set(i, this.dist(this.kv.slice(0, base + i + 1), wanted));
    return out;
  }
  async eraseFrom(from: number) {
    this.kv.length = Math.min(this.kv.length, from);
  }
}

const demos = "Review: good film\nSentiment: positive\nReview: dull plot\nSentiment: negative\n";
function items(): ScoreItem[] {
  const mk = (id: string, prefix: string, query: string, gold?: string): ScoreItem => ({ id, prefix, query, labelSep: " ", labels: ["positive", "negative", "neutral"], gold });
  return [
    mk("a1", demos, "Review: fine acting\nSentiment:", "positive"),
    mk("b1", "Review: x\nSentiment: negative\n", "Review: meh\nSentiment:", "negative"),
    mk("a2", demos, "Review: awful\nSentiment:", "negative"),
    mk("a3", demos, "Review: so-so\nSentiment:"),
  ];
}

async function run(list: ScoreItem[], naive: boolean | "per-query", tok = fakeTokenizer()) {
  const backend = new FakeBackend();
  const cache = new PrefixCache(backend);
  const prepared = list.map((it, i) => prepareItem(tok, it, i));
  const r = await scorePrepared(cache, prepared, {}, naive === true ? "plain" : naive || undefined);
  return { ...r, backend };
}

test("the per-query reference (lm-eval style) gives the from-scratch scores and evaluates each query's prompt once", async () => {
  const plain = await run(items(), true);
  const perQuery = await run(items(), "per-query");
  for (let i = 0; i < 4; i++)
    assert.deepEqual(
      at(perQuery.results, i).labels.map((l) => l.logProb),
      at(plain.results, i).labels.map((l) => l.logProb),
    );
  // Per query: its prompt once plus the label tokens after it (shared ones once), against
  // every label's whole sequence in the plain loop.
  const per = items().reduce((n, it, i) => {
    const p = prepareItem(fakeTokenizer(), it, i);
    const prefixes = new Set(p.labels.flatMap((l) => Array.from({ length: l.full.length - 1 - p.prompt.length + 1 }, (_, j) => l.full.slice(0, p.prompt.length + j).join(","))));
    return n + p.prompt.length + prefixes.size - 1;
  }, 0);
  assert.equal(perQuery.stats.evaluatedTokens, per);
  assert.ok(plain.stats.evaluatedTokens > 2 * per);
});

test("prefix reuse gives exactly the from-scratch scores on a state-dependent fake model", async () => {
  const reuse = await run(items(), false);
  const naive = await run(items(), true);
  assert.equal(reuse.results.length, 4);
  for (let i = 0; i < 4; i++) {
    assert.equal(at(reuse.results, i).id, at(items(), i).id, "results keep input order");
    assert.deepEqual(at(reuse.results, i).labelTokenIds, at(naive.results, i).labelTokenIds);
    for (let j = 0; j < 3; j++) {
      const a = at(at(reuse.results, i).labels, j);
      const b = at(at(naive.results, i).labels, j);
      assert.ok(Math.abs(a.logProb - b.logProb) < 1e-12, `${a.label}: ${a.logProb} vs ${b.logProb}`);
      assert.ok(a.logProb < 0 && Number.isFinite(a.logProb));
      assert.equal(a.tokens, 1 + a.label.length);
      assert.ok(Math.abs(a.meanLogProb - a.logProb / a.tokens) < 1e-12);
    }
    const probSum = at(reuse.results, i).labels.reduce((s, l) => s + l.prob, 0);
    assert.ok(Math.abs(probSum - 1) < 1e-9);
  }
});

/**
 * Tokens of the scorer's canonical plan: each group's prefix (BOS + the prefix's tokens but the
 * last) once, then each query from there: the rest of its prompt and its labels' distinct tokens.
 */
function plannedTokens(list: ScoreItem[], tok = fakeTokenizer()): number {
  let n = 0;
  const prefixes = new Set<string>();
  list.forEach((it, i) => {
    const p = prepareItem(tok, it, i);
    if (!prefixes.has(p.groupKey)) n += p.groupPrefix.length;
    prefixes.add(p.groupKey);
    const start = Math.min(commonPrefixLength(p.groupPrefix, p.prompt), p.prompt.length - 1);
    const seen = new Set<string>();
    for (const l of p.labels) for (let j = start + 1; j < l.full.length; j++) seen.add(l.full.slice(0, j).join(","));
    n += seen.size;
  });
  return n;
}

test("each prefix is evaluated once: evaluated tokens follow the canonical plan, far below the naive loop", async () => {
  const reuse = await run(items(), false);
  const naive = await run(items(), true);
  assert.equal(reuse.stats.groups, 2);
  assert.equal(reuse.stats.evaluatedTokens, plannedTokens(items()));
  // Above the minimum only by the tokens that queries share beyond the demo prefix.
  assert.ok(reuse.stats.evaluatedTokens <= 1.25 * reuse.stats.minimumTokens, `${reuse.stats.evaluatedTokens} vs minimum ${reuse.stats.minimumTokens}`);
  const tok = fakeTokenizer();
  // Naive: every label's whole sequence except its last token.
  const expectedNaive = items().reduce(
    (s, it) => s + (it as { labels: string[] }).labels.reduce((t, l) => t + 1 + tok.tokenize((it as { prefix: string }).prefix + (it as { query: string }).query + " " + l).length - 1, 0),
    0,
  );
  assert.equal(naive.stats.evaluatedTokens, expectedNaive);
  const prefixLen = 1 + tok.tokenize(demos).length;
  assert.ok(reuse.stats.evaluatedTokens < naive.stats.evaluatedTokens - 2 * prefixLen, "the demo prefix is not re-evaluated per query");
  // The fake model's KV state never holds more than one query's tokens past the prefix.
  assert.ok(reuse.backend.kv.length <= prefixLen + 40);
});

test("predicted label, gold rank and shared-first-token warnings", async () => {
  const reuse = await run(items(), false);
  for (const r of reuse.results) {
    const best = at(
      [...r.labels].sort((a, b) => b.logProb - a.logProb),
      0,
    );
    assert.equal(r.predicted, best.label);
    // "negative" and "neutral" both start with "ne": same first character token.
    assert.ok(
      r.warnings.some(
        (w) =>
          w.code === "shared-first-token" &&
          /"negative", "neutral" share their first token/.test(w.message) &&
          !!w.labels?.includes("negative") &&
          w.labels.includes("neutral") &&
          w.tokens?.length === 1,
      ),
      JSON.stringify(r.warnings),
    );
  }
  const a1 = at(reuse.results, 0);
  const gold = a1.labels.find((l) => l.label === "positive")!.logProb;
  assert.equal(a1.goldRank, 1 + a1.labels.filter((l) => l.logProb > gold).length);
  assert.equal(at(reuse.results, 3).goldRank, undefined);
});

test("boundary merge: the label is scored from the divergence point, with a warning, and matches from-scratch", async () => {
  const merge: ScoreItem[] = [{ id: "m", prefix: "xx ", query: "q a", labelSep: "", labels: ["bc", "cc"] }];
  const reuse = await run(merge, false);
  const naive = await run(merge, true);
  const r = at(reuse.results, 0);
  assert.ok(
    r.warnings.some((w) => w.code === "boundary-merge" && /label "bc": joint tokenization changes the prompt's last 1 token/.test(w.message) && w.labels?.[0] === "bc"),
    JSON.stringify(r.warnings),
  );
  assert.equal(at(r.labelTokenIds, 0)[0], MERGED_AB, "the merged token is part of the scored continuation");
  assert.equal(at(r.labels, 0).tokens, 2);
  assert.equal(at(r.labels, 1).tokens, 2);
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(at(r.labels, j).logProb - at(at(naive.results, 0).labels, j).logProb) < 1e-12);
});

test("BOS is prepended only when the tokenizer says so", async () => {
  const withBos = prepareItem(fakeTokenizer(1), at(items(), 0), 0);
  const without = prepareItem(fakeTokenizer(null), at(items(), 0), 0);
  assert.equal(withBos.prompt[0], 1);
  assert.equal(withBos.prompt.length, without.prompt.length + 1);
  const tokItem: ScoreItem = { id: "t", prefixTokens: [5, 6], queryTokens: [7], labelTokens: [[8], [9, 10]], labels: ["x", "y"] };
  assert.deepEqual(at(prepareItem(fakeTokenizer(1), tokItem, 0).labels, 1).full, [1, 5, 6, 7, 9, 10]);
  assert.deepEqual(at(prepareItem(fakeTokenizer(null), tokItem, 0).labels, 0).full, [5, 6, 7, 8]);
});

test("token items score like the equivalent text items", async () => {
  const tok = fakeTokenizer();
  const t = items()[0] as { prefix: string; query: string; labels: string[] };
  const tokenItem: ScoreItem = { id: "t", prefixTokens: tok.tokenize(t.prefix), queryTokens: tok.tokenize(t.query), labelTokens: t.labels.map((l) => tok.tokenize(" " + l)), labels: t.labels };
  const a = await run([at(items(), 0)], false);
  const b = await run([tokenItem], false);
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(at(at(a.results, 0).labels, j).logProb - at(at(b.results, 0).labels, j).logProb) < 1e-12);
});

test("a probability that underflows to 0 is clamped and reported", async () => {
  const backend = new FakeBackend();
  const tok = fakeTokenizer();
  backend.zeroToken = tok.tokenize("z")[0];
  const cache = new PrefixCache(backend);
  const { results } = await scorePrepared(cache, [prepareItem(tok, { id: "u", prefix: "p ", query: "q", labelSep: " ", labels: ["zz", "yy"] }, 0)]);
  const z = at(at(results, 0).labels, 0);
  // Tokens " ", "z", "z": the two z's are clamped, the space has a normal probability.
  assert.ok(z.logProb <= 2 * Math.log(PROB_FLOOR) && z.logProb > 2 * Math.log(PROB_FLOOR) - 20, String(z.logProb));
  assert.ok(Number.isFinite(z.logProb));
  assert.ok(at(results, 0).warnings.some((w) => w.code === "prob-underflow" && /label "zz": 2 token probabilities underflowed to 0/.test(w.message) && w.tokens?.length === 2));
  assert.equal(at(results, 0).predicted, "yy");
});

test("cancellation stops before the next query and leaves the cache consistent", async () => {
  const tok = fakeTokenizer();
  const backend = new FakeBackend();
  const cache = new PrefixCache(backend);
  const prepared = items().map((it, i) => prepareItem(tok, it, i));
  let done = 0;
  await assert.rejects(
    scorePrepared(cache, prepared, {
      onProgress: (d) => (done = d),
      checkCancelled: () => {
        if (done >= 1) throw new EngineFailure("cancelled", "Scoring was cancelled.");
      },
    }),
    (e: EngineFailure) => e.code === "cancelled",
  );
  assert.equal(done, 1);
  const again = await scorePrepared(cache, prepared);
  const naive = await run(items(), true);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(at(at(again.results, i).labels, j).logProb - at(at(naive.results, i).labels, j).logProb) < 1e-12);
});

test("invalid items get invalid-request errors naming the item", () => {
  const tok = fakeTokenizer();
  assert.throws(() => prepareItem(tok, { id: "e", prefix: "", query: "q", labelSep: " ", labels: [] }, 0), /item "e" has no labels/);
  assert.throws(() => prepareItem(tok, { id: "d", prefix: "", query: "q", labelSep: " ", labels: ["a", "a"] }, 0), /lists a label twice/);
  assert.throws(() => prepareItem(tok, { id: "g", prefix: "", query: "q", labelSep: " ", labels: ["a"], gold: "b" }, 0), /gold label "b" is not among/);
  assert.throws(() => prepareItem(tok, { id: "z", prefix: "", query: "q", labelSep: "", labels: [""] }, 0), /adds no tokens/);
});

test("demo label check: in-context tokens that differ from the query's label tokens are reported", () => {
  const tok = fakeTokenizer();
  // In the demo the label "bx" follows "a" with no separator -> "ab" merges; after the query it follows " ".
  const prefix = "Sa" + "bx\n";
  const item: ScoreItem = { id: "d", prefix, query: "Q", labelSep: " ", labels: ["bx", "cy"], demos: [{ start: 0, end: 4, labelStart: 2, label: "bx" }] };
  const p = prepareItem(tok, item, 0);
  assert.ok(
    p.warnings.some((w) => w.code === "demo-label-tokens" && w.demo === 1 && /label "bx" is tokenized as \[1000, \d+\] in demo 1 but as \[\d+, \d+, \d+\] after the query/.test(w.message)),
    JSON.stringify(p.warnings),
  );
  const ok: ScoreItem = { id: "d", prefix: "S bx\n", query: "Q", labelSep: " ", labels: ["bx", "cy"], demos: [{ start: 0, end: 4, labelStart: 2, label: "bx" }] };
  assert.ok(!prepareItem(tok, ok, 0).warnings.some((w) => w.code.startsWith("demo-")));
});

test("context overflow says the length, how far over, and the largest k that fits", () => {
  const e = overflowError({ id: "q7", length: 1100, limit: 1024, fileName: "m.gguf", demoTokenLengths: [100, 90, 80, 70, 60] });
  assert.equal(e.code, "context-overflow");
  assert.match(e.message, /1100 tokens, but m\.gguf has a context of 1024 tokens \(76 tokens too long\)/);
  // fixed = 1100 - 400 = 700; longest demos 100+90+80 = 270 -> 970 fits, +70 = 1040 does not.
  assert.match(e.message, /largest k that fits is 3 \(of 5\)/);
  assert.ok(e.hint && /fewer demonstrations/.test(e.hint));
  assert.doesNotMatch(overflowError({ id: "q", length: 10, limit: 5, fileName: "m" }).message, /largest k/);
});

test("commonPrefixLength", () => {
  assert.equal(commonPrefixLength([1, 2, 3], [1, 2, 4]), 2);
  assert.equal(commonPrefixLength([], [1]), 0);
  assert.equal(commonPrefixLength([1, 2], [1, 2]), 2);
});

test("physical cores from /proc/cpuinfo count (physical id, core id) pairs, not hyper-threads", () => {
  const cpu = (p: number, c: number) => `processor\t: x\nphysical id\t: ${p}\ncore id\t\t: ${c}\ncpu cores\t: 2\n`;
  assert.equal(physicalCoresFromCpuinfo([cpu(0, 0), cpu(0, 1), cpu(0, 0), cpu(0, 1)].join("\n")), 2);
  assert.equal(physicalCoresFromCpuinfo([cpu(0, 0), cpu(1, 0)].join("\n")), 2);
  assert.equal(physicalCoresFromCpuinfo("processor\t: 0\nphysical id\t: 0\ncpu cores\t: 4\n\nprocessor\t: 1\nphysical id\t: 0\ncpu cores\t: 4\n"), 4);
  assert.equal(physicalCoresFromCpuinfo("garbage"), 0);
});

test("worker path resolves next to the client, explicit paths are checked", () => {
  const p = resolveWorkerPath();
  assert.ok(existsSync(p) && p.endsWith("worker.js"), p);
  assert.throws(() => resolveWorkerPath("/nonexistent/worker.js"), /worker script was not found \(looked for \/nonexistent\/worker\.js\)/);
});

test("default model path is <repo>/models/icl-toy.gguf", () => {
  const root = join(__dirname, "..", "..", "..");
  assert.equal(defaultModelPath(), join(root, "models", "icl-toy.gguf"));
});

test("a query's numbers do not depend on the cache's history or its neighbours: chunk cuts are canonical", async () => {
  // A backend whose distributions depend on how the tokens were split into evaluate calls, as
  // llama.cpp's do in the last bits: each call salts the hash with its start position.
  class SplitSensitive extends FakeBackend {
    starts: number[] = [];
    override async evaluate(tokens: number[], want: LogitRequests) {
      const base = this.kv.length;
      this.starts = this.starts.filter((s) => s < base).concat(base);
      this.kv.push(...tokens);
      const out = new Map<number, NextTokenLogits>();
      for (const [i, wanted] of want) {
        const p = base + i;
        const chunkStarts = this.starts.filter((s) => s <= p);
        out.set(i, this.dist([...this.kv.slice(0, p + 1), ...chunkStarts.map((s) => 5000 + s)], wanted));
      }
      return out;
    }
    override async eraseFrom(from: number) {
      await super.eraseFrom(from);
      this.starts = this.starts.filter((s) => s < from);
    }
  }
  const tok = fakeTokenizer();
  const all = items();
  const score = async (list: ScoreItem[], warm?: ScoreItem[]) => {
    const cache = new PrefixCache(new SplitSensitive(), 8);
    if (warm)
      await scorePrepared(
        cache,
        warm.map((it, i) => prepareItem(tok, it, i)),
      );
    const r = await scorePrepared(
      cache,
      list.map((it, i) => prepareItem(tok, it, i)),
    );
    return new Map(r.results.map((x) => [x.id, x.labels.map((l) => l.logProb)]));
  };
  const whole = await score(all);
  // One query alone, the queries in another order, after another request (a warm engine), and
  // the group split over two requests (a resumed run) all give the same numbers, bit for bit.
  for (const [name, got] of [
    ["alone", await score([at(all, 2)])],
    ["reversed", await score([...all].reverse())],
    ["warm", await score(all, [at(all, 1), at(all, 3)])],
    ["split", await score(all.slice(2), all.slice(0, 2))],
  ] as const)
    for (const [id, lps] of got) assert.deepEqual(lps, whole.get(id), `${name}: ${id}`);
});

test("default threads: physical cores, 1 when other work holds a core now (measured), 1 for a small model", () => {
  assert.equal(defaultThreads(0.1, 2, 2).threads, 2);
  assert.match(defaultThreads(0.1, 2, 2).reason, /physical core count \(0\.1 of 2 CPUs busy/);
  const busy = defaultThreads(1.6, 2, 2);
  assert.equal(busy.threads, 1);
  assert.match(busy.reason, /1\.6 of 2 CPUs busy with other work/);
  // Half a core of slack before a core counts as taken.
  assert.equal(defaultThreads(0.4, 2, 2).threads, 2);
  assert.equal(defaultThreads(0.6, 2, 2).threads, 1);
  assert.equal(defaultThreads(3, 8, 4).threads, 4);
  assert.equal(defaultThreads(1, 1, 1).threads, 1);
  assert.match(defaultThreads(undefined, 2, 2).reason, /not measurable/);
  // Small models: one thread whatever the contention; large ones keep the physical cores.
  const small = defaultThreads(0, 2, 2, 1_315_264);
  assert.equal(small.threads, 1);
  assert.match(small.reason, /small model/);
  assert.equal(defaultThreads(0, 2, 2, 144_000_000).threads, 2);
});

test("contention is read from /proc/stat's cpu line", async () => {
  const stat = "cpu  100 5 50 800 20 3 2 10 0 0\ncpu0 50 2 25 400 10 1 1 5 0 0\n";
  assert.deepEqual(cpuJiffiesFromProcStat(stat), { busy: 170, total: 990 });
  assert.equal(cpuJiffiesFromProcStat("nothing here"), undefined);
  const b = await measureBusyCpus(50, 2);
  if (b !== undefined) assert.ok(b >= 0 && b <= 2.0001, `busy CPUs ${b}`);
});

test("short-prefix groups (small k) run on the one sequence too: from-scratch scores, evaluated tokens follow the canonical plan", async () => {
  // Issue 9: spreading these over parallel sequences made scores depend on timing.
  const list: ScoreItem[] = Array.from({ length: 16 }, (_, i) => ({ id: `p${i}`, prefix: "R: ok\n", query: `Q${"xyz".slice(0, i % 3)} ${i}`, labelSep: " ", labels: ["pos", "neg"] }));
  const reuse = await run(list, false);
  const naive = await run(list, true);
  for (let i = 0; i < 16; i++) for (let j = 0; j < 2; j++) assert.equal(at(at(reuse.results, i).labels, j).logProb, at(at(naive.results, i).labels, j).logProb);
  assert.equal(reuse.stats.evaluatedTokens, plannedTokens(list));
});

test("labels that tokenize identically tie: no prediction, the gold ranked behind the other, never label order", async () => {
  // 99 ("c") and 99 + 999 ("ъ") map to the same fake token, so both labels are the same tokens.
  const twin = String.fromCharCode(99 + 999);
  const { results } = await run([{ id: "t", prefix: "p ", query: "q", labelSep: " ", labels: ["c", twin, "d"], gold: "c" }], false);
  const r = at(results, 0);
  assert.equal(at(r.labels, 0).logProb, at(r.labels, 1).logProb);
  if (at(r.labels, 2).logProb < at(r.labels, 0).logProb) {
    assert.equal(r.predicted, "");
    assert.deepEqual(r.tied, ["c", twin]);
    assert.equal(r.goldRank, 2);
  } else {
    // The third label wins outright: no tie at the top.
    assert.equal(r.predicted, "d");
    assert.equal(r.tied, undefined);
  }
  // With only the twins the tie is certain.
  const only = at((await run([{ id: "t2", prefix: "p ", query: "q", labelSep: " ", labels: [twin, "c"], gold: "c" }], false)).results, 0);
  assert.equal(only.predicted, "");
  assert.deepEqual(only.tied, [twin, "c"]);
  assert.equal(only.goldRank, 2);
});

test("demo label merge: a demo label that merges with the text after it is reported with its demo", () => {
  const tok = fakeTokenizer();
  // Demo label "xa" is followed by "b..." in the prefix: "ab" merges across the label's end.
  const prefix = "S xa" + "b\n";
  const item: ScoreItem = { id: "m", prefix, query: "Q", labelSep: " ", labels: ["xa", "yy"], demos: [{ start: 0, end: 5, labelStart: 2, label: "xa" }] };
  const ws = prepareItem(tok, item, 0).warnings.filter((w) => w.code === "demo-label-merge");
  assert.equal(ws.length, 1, JSON.stringify(ws));
  assert.equal(at(ws, 0).demo, 1);
  assert.deepEqual(at(ws, 0).labels, ["xa"]);
  assert.deepEqual(at(ws, 0).tokens, [MERGED_AB]);
});

test("label-context-tokens: a label whose tokens after the prompt match neither the label alone nor labelSep+label", () => {
  const tok = fakeTokenizer();
  // A boundary merge is reported as such, not a second time as context-dependent tokens.
  const merge = prepareItem(tok, { id: "m", prefix: "", query: "q a", labelSep: "", labels: ["bc", "cc"] }, 0).warnings;
  assert.deepEqual(
    merge.map((w) => w.code),
    ["boundary-merge"],
  );
  // A tokenizer whose label tokens depend on what precedes them: " =" is one token except at the
  // start of a text, so " =y" after "x" differs from "=y" and from " =y" tokenized alone.
  const ctxTok: Tokenizer = {
    bosToPrepend: null,
    tokenize: (text) => {
      const out: number[] = [];
      for (let i = 0; i < text.length; i++) {
        if (text[i] === " " && i > 0 && text[i + 1] === "=") {
          out.push(950);
          i++;
        } else out.push(text.charCodeAt(i));
      }
      return out;
    },
  };
  const ws = prepareItem(ctxTok, { id: "c", prefix: "", query: "x", labelSep: " ", labels: ["=y", "n"] }, 0).warnings;
  assert.deepEqual(
    ws.filter((w) => w.code === "label-context-tokens").map((w) => [w.labels, w.tokens]),
    [[["=y"], [950, 121]]],
    JSON.stringify(ws),
  );
  // A label glued to the prompt (labelSep "") is expected to tokenize differently from the label alone: not reported.
  const glued = prepareItem(ctxTok, { id: "g", prefix: "", query: "x", labelSep: "", labels: [" =y", "n"] }, 0).warnings;
  assert.ok(!glued.some((w) => w.code === "label-context-tokens"), JSON.stringify(glued));
});

test("token items with labelOverlap are scored from the divergence point, like the text item of the same merge", async () => {
  const tok = fakeTokenizer();
  const text: ScoreItem = { id: "x", prefix: "xx ", query: "q a", labelSep: "", labels: ["bc", "cc"] };
  const pq = tok.tokenize("xx q a");
  const fulls = ["bc", "cc"].map((l) => tok.tokenize("xx q a" + l));
  const cut = fulls.map((f) => commonPrefixLength(f, pq));
  const tokenItem: ScoreItem = {
    id: "t",
    prefixTokens: tok.tokenize("xx "),
    queryTokens: pq.slice(tok.tokenize("xx ").length),
    labelTokens: fulls.map((f, i) => f.slice(cut[i])),
    labelOverlap: cut.map((c) => pq.length - c),
    labels: ["bc", "cc"],
  };
  assert.deepEqual(tokenItem.labelOverlap, [1, 0]);
  const a = at((await run([text], false)).results, 0);
  const b = at((await run([tokenItem], false)).results, 0);
  assert.deepEqual(b.labelTokenIds, a.labelTokenIds);
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(at(a.labels, j).logProb - at(b.labels, j).logProb) < 1e-12);
  assert.deepEqual(
    b.warnings.filter((w) => w.code === "boundary-merge").map((w) => w.labels),
    [["bc"]],
  );
  assert.throws(() => prepareItem(tok, { ...tokenItem, labelOverlap: [99, 0] } as ScoreItem, 0), /labelOverlap must give/);
});

test("only the label tokens' logits are read, once per shared position; firstTokenLogit is the raw logit", async () => {
  class Recording extends FakeBackend {
    asked: number[][] = [];
    override async evaluate(tokens: number[], want: LogitRequests) {
      for (const w of want.values()) this.asked.push([...w]);
      return super.evaluate(tokens, want);
    }
  }
  const tok = fakeTokenizer();
  const backend = new Recording();
  const it = prepareItem(tok, at(items(), 0), 0);
  const { results } = await scorePrepared(new PrefixCache(backend), [it]);
  // One read per distinct label prefix, asking for exactly the tokens that follow it in some
  // label: the first read serves every label's first token, and labels sharing leading tokens
  // ("negative" and "neutral" share "ne") share those reads.
  const expected = new Map<string, Set<number>>();
  for (const l of it.labels)
    for (let i = l.start; i < l.full.length; i++) {
      const k = l.full.slice(0, i).join(",");
      expected.set(k, (expected.get(k) ?? new Set()).add(at(l.full, i)));
    }
  const norm = (ws: number[][]) => ws.map((w) => [...w].sort((a, b) => a - b).join(",")).sort();
  assert.deepEqual(norm(backend.asked), norm([...expected.values()].map((w) => [...w])));
  assert.ok(
    backend.asked.some((w) => w.length > 1),
    "some read serves several labels",
  );
  const firsts = [...new Set(it.labels.map((l) => at(l.full, l.start)))];
  const ctx = it.prompt;
  const d = backend.dist(ctx, firsts);
  for (const [li, l] of at(results, 0).labels.entries()) {
    const prepared = at(it.labels, li);
    const t = at(prepared.full, prepared.start);
    assert.equal(l.firstTokenLogit, d.logits.get(t));
    assert.ok(Math.abs(l.firstTokenLogProb - (d.logits.get(t)! - d.logNormaliser)) < 1e-12);
  }
});

test("the template's lead in the prefix: each query stops evaluating the lead's tokens, the demo set's prefix takes them once, the scores stay the same", async () => {
  const tok = fakeTokenizer();
  const settings = { template: "Review: {input}\nSentiment: {label}", separator: "\n", instruction: "" };
  const shown = [
    { input: "good film", label: "positive" },
    { input: "dull plot", label: "negative" },
  ];
  const labels = ["positive", "negative", "neutral"];
  // Three queries and a content-free (empty) input of one demo set.
  const prompts = ["fine acting", "awful", "so-so", ""].map((input) => buildPrompt(settings, shown, input, labels));
  const split = prompts.map((p, i): ScoreItem => ({ id: `q${i}`, prefix: p.prefix, query: p.query, labelSep: p.labelSep, labels: p.labels }));
  const moved = prompts.map((p, i) => textScoreItem(settings.template, { ...p, id: `q${i}` }));
  const lead = tok.tokenize("Review:").length;
  const before = await run(split, false);
  const after = await run(moved, false);
  assert.equal(after.stats.groups, 1);
  const planned = (r: typeof before) => r.stats.plannedTokens ?? NaN;
  assert.equal(planned(after), planned(before) - lead * (prompts.length - 1), `${planned(after)} vs ${planned(before)}`);
  assert.equal(after.stats.evaluatedTokens, after.stats.plannedTokens);
  assert.equal(after.stats.minimumTokens, before.stats.minimumTokens, "the same prompts, so the same minimum");
  // The canonical prefix ends inside the lead (its last token may merge with the query's first characters).
  const p0 = prepareItem(tok, at(moved, 0), 0);
  assert.deepEqual(p0.groupPrefix, [1, ...tok.tokenize(at(prompts, 0).prefix + "Review:")].slice(0, -1));
  // The prompt text is the same string, so on this batch-independent fake model the scores are identical.
  assert.deepEqual(after.results, before.results);
});

test("the largest-k report counts the template's lead in the prefix as fixed text, not as part of the last demo", () => {
  const tok = fakeTokenizer();
  const settings = { template: "Review: {input}\nSentiment: {label}", separator: "\n", instruction: "" };
  const shown = [
    { input: "good film", label: "positive" },
    { input: "dull", label: "negative" },
  ];
  const p = buildPrompt(settings, shown, "fine", ["positive", "negative"]);
  const spans = [
    { start: 0, end: p.prefix.indexOf("\n", p.prefix.indexOf("Sentiment")) },
    { start: p.prefix.indexOf("Review: dull"), end: p.prefix.length - 1 },
  ];
  const item = textScoreItem(settings.template, { ...p, id: "q" }, spans);
  // Each demo's text and the separator after it; the lead ("Review:") is not the last demo's.
  assert.deepEqual(demoTokenLengths(tok, item), [tok.tokenize("Review: good film\nSentiment: positive\n").length, tok.tokenize("Review: dull\nSentiment: negative\n").length]);
});
