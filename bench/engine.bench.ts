// Engine benchmark (`npm run bench`): the standard probe, scored with prefix reuse, on the
// embedded model and on a random-weight SmolLM-135M-shaped Q8_0 model, against two baselines
// really run in the same engine, on a sample of every (variant, k) cell, right after that cell's
// groups are scored (interleaved, so the shared machine's drift hits them alike) and
// extrapolated per query to the cell:
// - the plain loop: every label's whole prompt evaluated from scratch;
// - the lm-evaluation-harness-style loop: one forward per query and distinct label prefix (each
//   query's prompt from scratch once, single-token labels read from that forward);
// - the minimum token count (each distinct prefix once, then query and label tokens);
// - the model's raw prompt-processing throughput at batch 512, measured in the same run.
// Also the peak resident memory (VmHWM) of the engine process. Ratios only; no test asserts them.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDemoFile } from "../src/core/demoFile";
import { buildPrompt } from "../src/core/prompt";
import { textScoreItem } from "../src/engine/items";
import { drawQueries, selectDemos } from "../src/core/selection";
import type { Example } from "../src/core/types";
import { createVariant } from "../src/core/variants";
import { startBenchEngine, type BenchEngine } from "../src/engine/benchClient";
import { defaultModelPath } from "../src/engine/defaultModel";
import { packageRoot } from "../src/node/packageRoot";
import type { ScoringMode, TextScoreItem } from "../src/engine/protocol";
import { defined } from "../src/core/defined";
import { randomLlamaSpec, smolLm135mShape, syntheticVocab, wordVocab, writeGguf, type VocabSpec } from "../src/gguf";
import { FAST_MODE_MEASURED_DEVIATION } from "../src/engine/batchedScorer";
import { judgeGoals, printGoals, type GoalFigures } from "./engineGoals";

function hashText(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The standard probe (issue 3): sentiment example, 2 labels, 64 queries, 5 k, 6 variants, 3 seeds, demos fixed per seed. */
export const STANDARD_PROBE = {
  file: "examples/sentiment.icl.jsonl",
  queries: 64,
  k: [0, 4, 8, 16, 32],
  variants: ["gold", "random-labels", "flipped", "abstract-letters", "ra-string", "pa-word"],
  seeds: [1, 2, 3],
} as const;

const env = process.env;
const QUERIES = Number(env.ICL_BENCH_QUERIES ?? STANDARD_PROBE.queries);
/** The k values run (ICL_BENCH_K, default the standard probe's): fewer k, more queries per demo set, for a run where queries dominate. */
const K_VALUES: readonly number[] = env.ICL_BENCH_K ? env.ICL_BENCH_K.split(",").map(Number) : STANDARD_PROBE.k;
/** Queries per (variant, k) cell timed in each baseline loop (the first seed's group). */
const NAIVE_SAMPLE = Number(env.ICL_BENCH_NAIVE_SAMPLE ?? 3);
/** The plain prefix-reuse loop runs on each cell's first group unless ICL_BENCH_REUSE=0. */
const REUSE = env.ICL_BENCH_REUSE !== "0";
/** Call lengths whose raw rate is compared with the batch-256 rate: a query's own tokens, and 8 of them. */
const SHORT_CALLS = [24, 192];

interface Probe {
  groups: { seed: number; k: number; variant: string; items: TextScoreItem[] }[];
  source: string;
}

/** Deterministic extra 2-label reviews, used only when the example file is too small for 64 queries + 32 demos. */
function syntheticReviews(n: number, start: number): Example[] {
  const pos = ["wonderful", "moving", "clever", "gorgeous", "charming", "gripping", "funny", "brilliant"];
  const neg = ["tedious", "clumsy", "dull", "shallow", "messy", "bland", "grating", "forgettable"];
  const nouns = ["script", "cast", "story", "ending", "score", "pacing", "dialogue", "direction"];
  return Array.from({ length: n }, (_, i) => {
    const good = i % 2 === 0;
    const adj = (good ? pos : neg)[(i * 5 + 3) % 8];
    return {
      index: start + i,
      line: 0,
      input: `the ${nouns[(i * 3) % 8]} is ${adj} and the ${nouns[(i * 7 + 1) % 8]} feels ${(good ? pos : neg)[(i + 1) % 8]}`,
      label: good ? "positive" : "negative",
    };
  });
}

function buildProbe(): Probe {
  const root = packageRoot(__dirname) ?? process.cwd();
  const path = join(root, STANDARD_PROBE.file);
  let source: string;
  let examples: Example[];
  let settings;
  let classes: string[];
  const need = QUERIES + Math.max(...K_VALUES);
  if (existsSync(path)) {
    const file = parseDemoFile(readFileSync(path, "utf8"), path);
    examples = file.examples;
    settings = file.settings;
    classes = file.classes;
    source = `${STANDARD_PROBE.file} (${examples.length} examples`;
    if (examples.length < need) {
      examples = [...examples, ...syntheticReviews(need - examples.length, examples.length)];
      source += ` + ${need - file.examples.length} synthetic reviews to reach ${need}`;
    }
    source += ")";
  } else {
    examples = syntheticReviews(need, 0);
    settings = { template: "Review: {input}\nSentiment: {label}", separator: "\n\n", instruction: "" };
    classes = ["negative", "positive"];
    source = `${need} synthetic reviews (${STANDARD_PROBE.file} absent)`;
  }
  const groups: Probe["groups"] = [];
  for (const seed of STANDARD_PROBE.seeds) {
    const queries = drawQueries({ examples, n: QUERIES, seed });
    for (const k of K_VALUES) {
      const demos = selectDemos({ examples, k, seed, mode: "fixed", balance: false, queryPool: queries });
      for (const key of STANDARD_PROBE.variants) {
        const v = createVariant(key, { seed, classes, settings, examples });
        const shown = v.demos(demos);
        const items = queries.map((q): TextScoreItem => {
          const vq = v.query(q);
          const p = buildPrompt(settings, shown, vq.input, v.labelSpace);
          return textScoreItem(settings.template, { ...p, id: `${seed}/${k}/${key}/${q.index}`, gold: vq.gold });
        });
        groups.push({ seed, k, variant: key, items });
      }
    }
  }
  return { groups, source };
}

/**
 * A 49,152-token vocabulary in which the probe's words are single pieces (as in a real English
 * tokenizer: SmolLM's tokenizes these reviews at about one token per word), padded with the
 * writer's synthetic pieces to SmolLM's size. With the purely synthetic vocabulary English text
 * falls apart into single characters (51 tokens for a 60-character review), which would make
 * every prompt ~3x longer than on the real model.
 */
function probeVocab(probe: Probe, size: number): VocabSpec {
  const words = new Set<string>();
  const pieces = new Set<string>();
  for (const g of probe.groups)
    for (const it of g.items)
      for (const text of [it.prefix, it.query, ...it.labels]) {
        for (const w of text.match(/[A-Za-z]+/g) ?? []) words.add(w);
        for (const c of text.match(/[^\sA-Za-z]/g) ?? []) pieces.add(c);
      }
  const v = wordVocab([...words].sort(), { bare: true, pieces: [...pieces].sort() });
  const seen = new Set(v.tokens);
  const filler = syntheticVocab(size, 135);
  for (let i = 0; i < filler.tokens.length && v.tokens.length < size; i++) {
    // The writer's vocabularies hold one score and one type per token.
    const token = defined(filler.tokens[i], "filler token");
    if (seen.has(token)) continue;
    seen.add(token);
    v.tokens.push(token);
    v.scores.push(defined(filler.scores[i], "filler score"));
    v.types.push(defined(filler.types[i], "filler token type"));
  }
  return v;
}

/** The random-weight SmolLM-135M-shaped Q8_0 model, written once to the temp dir (not committed). */
function smolModel(probe: Probe): string {
  const shape = smolLm135mShape();
  const vocab = probeVocab(probe, shape.vocab);
  const key = hashText(vocab.tokens.join("\u0000")).toString(16);
  const p = join(tmpdir(), `icl-probe-bench-smollm135m-q8_0-${key}.gguf`);
  if (!existsSync(p) || statSync(p).size < 50e6) {
    const t0 = performance.now();
    writeGguf(p, randomLlamaSpec({ ...shape, vocab, type: "Q8_0", seed: 135, name: "random-smollm-135m-shape" }));
    console.log(`wrote ${p} (${(statSync(p).size / 2 ** 20).toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return p;
}

/**
 * Qwen2.5-0.5B's dimensions (Qwen/Qwen2.5-0.5B config.json: hidden 896, 24 layers, 14 heads,
 * 2 KV heads, intermediate 4864, vocab 151,936, rope theta 1e6, tied embeddings), written as a
 * llama-architecture model (no QKV biases). All 24 layers take minutes per mode on 2 shared
 * cores, so the bench keeps the 152k vocabulary (the embedding table and the output matrix, the
 * part that vocabulary size costs) and ICL_BENCH_152K_LAYERS layers (default 4); the row's name
 * says how many.
 */
const QWEN_LAYERS = Number(env.ICL_BENCH_152K_LAYERS ?? 4);
function qwenShape() {
  return { vocab: 151936, dim: 896, layers: QWEN_LAYERS, heads: 14, kvHeads: 2, ff: 4864, context: 2048, ropeFreqBase: 1e6, rmsEps: 1e-6 };
}

/** The random-weight 152k-vocabulary Q8_0 model (see qwenShape), written once to the temp dir (not committed). */
function qwenModel(probe: Probe): string {
  const shape = qwenShape();
  const vocab = probeVocab(probe, shape.vocab);
  const key = hashText(vocab.tokens.join("\u0000")).toString(16);
  const p = join(tmpdir(), `icl-probe-bench-qwen05b-${shape.layers}l-q8_0-${key}.gguf`);
  if (!existsSync(p) || statSync(p).size < 100e6) {
    const t0 = performance.now();
    writeGguf(p, randomLlamaSpec({ ...shape, vocab, type: "Q8_0", seed: 152, name: `random-qwen2.5-0.5b-shape-${shape.layers}-layers` }));
    console.log(`wrote ${p} (${(statSync(p).size / 2 ** 20).toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return p;
}

export interface ModelFigures extends GoalFigures {
  file: string;
  mode: ScoringMode;
  queriesPerSecond: number;
  naiveSecondsEstimate: number;
  naiveSampleQueries: number;
  /** The lm-evaluation-harness-style loop, extrapolated from its samples. */
  perQuerySecondsEstimate: number;
  evaluatedTokens: number;
  minimumTokens: number;
  rawTokensPerSecond: number;
  goldAccuracyByK: Record<number, number>;
}

interface ModeRun {
  mode: ScoringMode;
  c: BenchEngine;
  evaluated: number;
  minimum: number;
  queries: number;
  seconds: number;
  naiveMs: number;
  perQueryMs: number;
  naiveSample: number;
  idealSeconds: number;
  rawRates: number[];
  gold: Map<number, { right: number; n: number }>;
  /** logProbs by item id (kept for the first mode, to measure the others' deviation). */
  scores: Map<string, number[]>;
  deviation: number;
  baseRssMb: number;
  loadedRssMb: number;
  prepareMs: number;
  shortRates: Map<number, number[]>;
  byK: GoalFigures["byK"];
  /** This mode's time and tokens on the groups the reuse loop also ran. */
  reuseGroupSeconds: number;
  reuseGroupTokens: number;
}

/** Scoring modes to compare (ICL_BENCH_MODES, default both): one engine process per mode. */
const MODES = (env.ICL_BENCH_MODES ?? "exact,fast").split(",").map((m) => m.trim()) as ScoringMode[];

/**
 * One model in every mode. Load on a shared machine drifts over minutes, so every reference is
 * measured per k, next to the scoring it is compared with: raw batch-512 throughput, then the k's
 * groups (the modes take turns group by group), then the naive loop on a sample of the same
 * queries (extrapolated per query to that k's queries).
 */
async function benchModel(name: string, path: string, probe: Probe): Promise<ModelFigures[]> {
  const engines: BenchEngine[] = [];
  try {
    const acc: ModeRun[] = [];
    for (const mode of MODES) {
      const c = await startBenchEngine();
      engines.push(c);
      const base = await c.memory();
      const info0 = await c.load(path, { mode });
      const loaded = await c.memory();
      console.log(
        `\n[${name}/${mode}] ${info0.fileName}: ${info0.architecture}, vocab ${info0.vocabSize}, ${info0.layers} layers, dim ${info0.embeddingLength}, ${info0.quantization ?? "?"}; KV ${info0.kvCacheType?.key}; ${info0.threadsReason}`,
      );
      acc.push({
        mode,
        c,
        evaluated: 0,
        minimum: 0,
        queries: 0,
        seconds: 0,
        naiveMs: 0,
        perQueryMs: 0,
        naiveSample: 0,
        idealSeconds: 0,
        rawRates: [],
        gold: new Map(),
        scores: new Map(),
        deviation: 0,
        baseRssMb: base.rssMb,
        loadedRssMb: loaded.rssMb,
        prepareMs: 0,
        shortRates: new Map(SHORT_CALLS.map((n) => [n, []])),
        byK: [],
        reuseGroupSeconds: 0,
        reuseGroupTokens: 0,
      });
    }
    // One engine per mode, at least one mode.
    const firstRun = defined(acc[0], "the first mode's run");
    // Tokens the two baselines evaluate over the whole probe (from the first mode's prompt and
    // label lengths): the plain loop each label's whole sequence but its last token, the
    // lm-eval-style loop each prompt once and each label's tokens but the last.
    let plainTokens = 0;
    let perQueryTokens = 0;
    const reuseLoop = { queries: 0, seconds: 0, tokens: 0 };
    for (const k of K_VALUES) {
      const kMin = new Map<ModeRun, number>();
      const kSeconds = new Map<ModeRun, number>();
      const raws = new Map<ModeRun, number>();
      for (const a of acc) {
        const raw = await a.c.throughput(256, 2);
        a.rawRates.push(raw.tokensPerSecond);
        raws.set(a, raw.tokensPerSecond);
        for (const n of SHORT_CALLS) a.shortRates.get(n)?.push((await a.c.throughput(n, 3)).tokensPerSecond / raw.tokensPerSecond);
      }
      let kQueries = 0;
      let kNaiveMs = 0;
      let kPerQueryMs = 0;
      let kSample = 0;
      // Every (variant, k) cell: its groups (the modes take turns group by group, so drift in
      // the machine's load hits them alike), then both baselines on a sample of the cell's
      // first group, in the first mode's engine, extrapolated per query to the cell.
      for (const variant of STANDARD_PROBE.variants) {
        const cell = probe.groups.filter((x) => x.k === k && x.variant === variant);
        let cellQueries = 0;
        for (const g of cell) {
          cellQueries += g.items.length;
          for (const a of acc) {
            const t0 = performance.now();
            const r = await a.c.scoreWithStats(g.items);
            const dt = (performance.now() - t0) / 1000;
            kSeconds.set(a, (kSeconds.get(a) ?? 0) + dt);
            if (g === cell[0]) {
              a.reuseGroupSeconds += dt;
              a.reuseGroupTokens += r.stats.evaluatedTokens;
            }
            a.evaluated += r.stats.evaluatedTokens;
            a.prepareMs += r.stats.prepareMs ?? 0;
            kMin.set(a, (kMin.get(a) ?? 0) + r.stats.minimumTokens);
            if (a === firstRun)
              for (const it of r.items) {
                perQueryTokens += it.promptTokens;
                for (const l of it.labels) {
                  perQueryTokens += l.tokens - 1;
                  plainTokens += it.promptTokens + l.tokens - 1;
                }
              }
            r.items.forEach((it, i) => {
              const lps = it.labels.map((l) => l.logProb);
              const first = firstRun.scores.get(it.id);
              if (a === firstRun) a.scores.set(it.id, lps);
              else if (first) lps.forEach((x, j) => (a.deviation = Math.max(a.deviation, Math.abs(x - defined(first[j], `first mode's label ${j}`)))));
              if (g.variant === "gold") {
                const gk = a.gold.get(g.k) ?? { right: 0, n: 0 };
                gk.right += it.predicted === defined(g.items[i], "the scored item").gold ? 1 : 0;
                gk.n++;
                a.gold.set(g.k, gk);
              }
            });
          }
        }
        // Every (variant, k) has a group per seed.
        const sample = defined(cell[0], `a group of ${variant} at k=${k}`).items.slice(0, NAIVE_SAMPLE);
        const timed = async (naive: "plain" | "per-query") => {
          const s0 = performance.now();
          await firstRun.c.scoreReference(sample, naive);
          return (performance.now() - s0) / sample.length;
        };
        kNaiveMs += (await timed("plain")) * cellQueries;
        kPerQueryMs += (await timed("per-query")) * cellQueries;
        kSample += 2 * sample.length;
        kQueries += cellQueries;
        if (REUSE) {
          // The plain prefix-reuse loop on the cell's first group (all its queries: the loop's
          // prefix is amortised over as many queries as the project's).
          const first = defined(cell[0], `a group of ${variant} at k=${k}`);
          const r0 = performance.now();
          const r = await firstRun.c.scoreReference(first.items, "reuse");
          reuseLoop.seconds += (performance.now() - r0) / 1000;
          reuseLoop.queries += first.items.length;
          reuseLoop.tokens += r.stats.evaluatedTokens;
        }
      }
      for (const a of acc) {
        // Every mode scored every group of this k and measured its raw rate above.
        const min = defined(kMin.get(a), "minimum tokens of this k");
        const seconds = defined(kSeconds.get(a), "seconds of this k");
        const raw = defined(raws.get(a), "raw rate of this k");
        a.naiveMs += kNaiveMs;
        a.perQueryMs += kPerQueryMs;
        a.naiveSample += kSample;
        a.minimum += min;
        a.queries += kQueries;
        a.seconds += seconds;
        a.idealSeconds += min / raw;
        a.byK.push({ k, queries: kQueries, seconds, plainSeconds: kNaiveMs / 1000, perQuerySeconds: kPerQueryMs / 1000 });
        process.stderr.write(
          `[${name}/${a.mode}] k=${k}: ${kQueries} queries in ${seconds.toFixed(1)} s (plain loop ~${(kNaiveMs / 1000).toFixed(0)} s, lm-eval-style ~${(kPerQueryMs / 1000).toFixed(0)} s), raw ${raw.toFixed(0)} tok/s, min tokens ${min}\n`,
        );
      }
    }
    const out: ModelFigures[] = [];
    for (const a of acc) {
      const rawTokensPerSecond = a.rawRates.reduce((x, y) => x + y, 0) / a.rawRates.length;
      const mem = await a.c.memory();
      const info = await a.c.info();
      const fileMb = info.sizeBytes / 2 ** 20;
      const kvCacheMb = info.kvCacheBytes / 2 ** 20;
      out.push({
        file: info.path,
        mode: a.mode,
        fileMb,
        threads: info.threads,
        threadsReason: info.threadsReason,
        queries: a.queries,
        seconds: a.seconds,
        queriesPerSecond: a.queries / a.seconds,
        naiveSecondsEstimate: a.naiveMs / 1000,
        naiveSampleQueries: a.naiveSample,
        speedup: a.naiveMs / 1000 / a.seconds,
        perQuerySecondsEstimate: a.perQueryMs / 1000,
        speedupOverPerQuery: a.perQueryMs / 1000 / a.seconds,
        evaluatedTokens: a.evaluated,
        minimumTokens: a.minimum,
        tokenRatio: a.evaluated / a.minimum,
        rawTokensPerSecond,
        // Time the minimum tokens would take at each k's raw batch-512 rate, over the actual time.
        efficiency: a.idealSeconds / a.seconds,
        peakRssMb: mem.peakRssMb,
        kvCacheMb,
        rssGoalMb: fileMb + kvCacheMb + 150,
        goldAccuracyByK: Object.fromEntries([...a.gold].map(([k, x]) => [k, x.right / x.n])),
        maxDeviationFromFirstMode: a.deviation,
        baseRssMb: a.baseRssMb,
        loadedRssMb: a.loadedRssMb,
        prepareShare: a.prepareMs / 1000 / a.seconds,
        shortCallRates: [...a.shortRates].map(([tokens, rs]) => ({ tokens, ratio: rs.reduce((p, q) => p + q, 0) / Math.max(1, rs.length) })),
        plainTokenRatio: plainTokens / a.evaluated,
        perQueryTokenRatio: perQueryTokens / a.evaluated,
        byK: a.byK,
        ...(REUSE ? { reuse: { ...reuseLoop, projectSeconds: a.reuseGroupSeconds, projectTokens: a.reuseGroupTokens } } : {}),
      });
    }
    for (const c of engines) await c.dispose();
    return out;
  } catch (e) {
    for (const c of engines) if (c.alive) c.kill();
    throw e;
  }
}

/** Queries scored per label task (label lengths, 1,000 labels); the baselines time NAIVE_SAMPLE of them. */
const TASK_QUERIES = Number(env.ICL_BENCH_TASK_QUERIES ?? 8);

export interface TaskFigures {
  model: string;
  task: string;
  labels: number;
  meanLabelTokens: number;
  queries: number;
  msPerQuery: number;
  perQueryMsPerQuery?: number;
  plainMsPerQuery?: number;
  note?: string;
}

/**
 * The cost of label length and label count: the gold variant's k = 8 prompts of seed 1 with
 * other label sets (labels of 1, 2 and 4 words, each a token in the probe vocabulary of the
 * SmolLM shape; the embedded model's own tokenizer may split them further: the mean is measured)
 * and a 1,000-label task (two-word labels from the probe's words). Exact mode. Both baselines run
 * on samples; the plain loop is not run for 1,000 labels (1,000 whole prompts per query).
 */
async function labelTasks(name: string, path: string, probe: Probe): Promise<TaskFigures[]> {
  const taskK = K_VALUES.includes(8) ? 8 : Math.max(...K_VALUES);
  const base = defined(
    probe.groups.find((g) => g.seed === STANDARD_PROBE.seeds[0] && g.k === taskK && g.variant === "gold"),
    `the gold group of seed ${STANDARD_PROBE.seeds[0]} at k=${taskK}`,
  ).items.slice(0, TASK_QUERIES);
  const words = [...new Set(probe.groups.flatMap((g) => g.items.flatMap((it) => (it.prefix + it.query).match(/[a-z]+/g) ?? [])))].sort();
  const many: string[] = [];
  // Distinct pairs, the first word cycling fastest so that first tokens spread over the words.
  for (let i = 0; many.length < 1000 && i < words.length * words.length; i++) many.push(`${words[i % words.length]} ${words[Math.floor(i / words.length)]}`);
  const tasks: [string, string[]][] = [
    ["labels of 1 word", ["positive", "negative"]],
    ["labels of 2 words", ["positive film", "negative film"]],
    ["labels of 4 words", ["positive film and story", "negative film and story"]],
    [`${many.length} labels`, many],
  ];
  const c = await startBenchEngine();
  try {
    await c.load(path, { mode: "exact" });
    const out: TaskFigures[] = [];
    for (const [task, labels] of tasks) {
      const items = base.map((it) => ({ ...it, id: `${task}/${it.id}`, labels, gold: undefined }));
      const big = labels.length > 100;
      const list = big ? items.slice(0, 2) : items;
      const t0 = performance.now();
      const r = await c.scoreWithStats(list);
      const msPerQuery = (performance.now() - t0) / list.length;
      const tokens = r.items.flatMap((x) => x.labels.map((l) => l.tokens));
      const timed = async (naive: "plain" | "per-query", n: number) => {
        const sample = items.slice(0, n);
        const s0 = performance.now();
        await c.scoreReference(sample, naive);
        return (performance.now() - s0) / sample.length;
      };
      const f: TaskFigures = {
        model: name,
        task,
        labels: labels.length,
        meanLabelTokens: tokens.reduce((a, b) => a + b, 0) / tokens.length,
        queries: list.length,
        msPerQuery,
        perQueryMsPerQuery: await timed("per-query", big ? 1 : NAIVE_SAMPLE),
        ...(big ? { note: "plain loop not run: 1,000 whole prompts per query" } : { plainMsPerQuery: await timed("plain", NAIVE_SAMPLE) }),
      };
      process.stderr.write(`[${name}] ${task}: ${f.msPerQuery.toFixed(1)} ms/query (lm-eval-style ${f.perQueryMsPerQuery!.toFixed(1)}, plain ${f.plainMsPerQuery?.toFixed(1) ?? "-"})\n`);
      out.push(f);
    }
    await c.dispose();
    return out;
  } catch (e) {
    if (c.alive) c.kill();
    throw e;
  }
}

function taskTable(rows: TaskFigures[]): void {
  const cols: [string, (f: TaskFigures) => string][] = [
    ["model", (f) => f.model],
    ["task", (f) => f.task],
    ["tokens/label", (f) => f.meanLabelTokens.toFixed(2)],
    ["queries", (f) => String(f.queries)],
    ["ms/query", (f) => f.msPerQuery.toFixed(1)],
    ["lm-eval-style ms/q", (f) => f.perQueryMsPerQuery?.toFixed(1) ?? "-"],
    ["plain ms/q", (f) => f.plainMsPerQuery?.toFixed(1) ?? "-"],
    ["x lm-eval-style", (f) => (f.perQueryMsPerQuery ? (f.perQueryMsPerQuery / f.msPerQuery).toFixed(1) + "x" : "-")],
    ["x plain", (f) => (f.plainMsPerQuery ? (f.plainMsPerQuery / f.msPerQuery).toFixed(1) + "x" : "-")],
  ];
  const sized = cols.map(([c, f]) => ({ c, f, w: Math.max(c.length, ...rows.map((r) => f(r).length)) }));
  console.log("\n" + sized.map(({ c, w }) => c.padEnd(w)).join("  "));
  for (const r of rows) console.log(sized.map(({ f, w }) => f(r).padEnd(w)).join("  "));
}

function table(rows: Record<string, ModelFigures>): void {
  const cols: [string, (f: ModelFigures) => string][] = [
    ["queries", (f) => String(f.queries)],
    ["time s", (f) => f.seconds.toFixed(1)],
    ["q/s", (f) => f.queriesPerSecond.toFixed(1)],
    ["ms/query", (f) => ((1000 * f.seconds) / f.queries).toFixed(1)],
    ["plain loop s (est.)", (f) => f.naiveSecondsEstimate.toFixed(0)],
    ["x plain loop (goal >=20)", (f) => f.speedup.toFixed(1) + "x"],
    ["lm-eval-style s (est.)", (f) => f.perQuerySecondsEstimate.toFixed(0)],
    ["x lm-eval-style (goal >=10)", (f) => f.speedupOverPerQuery.toFixed(1) + "x"],
    ["tokens/min (goal <=1.2)", (f) => f.tokenRatio.toFixed(3)],
    ["raw tok/s @256 (mean)", (f) => f.rawTokensPerSecond.toFixed(0)],
    ["efficiency (aim >=0.5)", (f) => f.efficiency.toFixed(2)],
    ["peak RSS MB", (f) => f.peakRssMb.toFixed(0)],
    ["RSS goal MB", (f) => f.rssGoalMb.toFixed(0)],
    ["threads", (f) => String(f.threads)],
    ["max |dlogProb| vs first mode", (f) => f.maxDeviationFromFirstMode.toExponential(1)],
    ["x reuse loop (same groups)", (f) => (f.reuse ? (f.reuse.seconds / f.reuse.projectSeconds).toFixed(2) + "x" : "-")],
    ["tokenization share", (f) => (100 * f.prepareShare).toFixed(1) + "%"],
    ["RSS before/after load MB", (f) => `${f.baseRssMb.toFixed(0)}/${f.loadedRssMb.toFixed(0)}`],
  ];
  const w0 = Math.max(...cols.map(([c]) => c.length));
  const columns = Object.entries(rows).map(([n, fig]) => ({ n, fig, w: Math.max(n.length, ...cols.map(([, f]) => f(fig).length)) }));
  console.log("\n" + "".padEnd(w0) + "  " + columns.map(({ n, w }) => n.padStart(w)).join("  "));
  for (const [c, f] of cols) console.log(c.padEnd(w0) + "  " + columns.map(({ fig, w }) => f(fig).padStart(w)).join("  "));
}

export async function run(): Promise<object> {
  const probe = buildProbe();
  const nQueries = probe.groups.reduce((s, g) => s + g.items.length, 0);
  console.log(
    `standard probe: ${probe.source}; ${K_VALUES.length} k (${K_VALUES.join(", ")}) x ${STANDARD_PROBE.variants.length} variants x ${STANDARD_PROBE.seeds.length} seeds x ${QUERIES} queries = ${nQueries} queries, 2 labels each`,
  );
  console.log(
    `baselines: the plain loop and the lm-eval-style loop, each timed on ${NAIVE_SAMPLE} queries of every (variant, k) cell right after the cell is scored, in the first mode's engine, extrapolated per query to the cell`,
  );
  // The 0.5B shape with a 152k vocabulary: a real file from the shared models folder when it
  // holds one, otherwise the writer's random model of that vocabulary with fewer layers.
  const shared = env.ICL_SHARED_MODELS;
  const qwenFile = shared && existsSync(shared) ? readdirSync(shared).find((f) => /qwen.*0\.5b.*\.gguf$/i.test(f)) : undefined;
  const qwenName = qwenFile ? "qwen-0.5b" : `qwen-152k-${QWEN_LAYERS}l`;
  const models: [string, () => string | undefined][] = [
    ["icl-toy", () => (existsSync(defaultModelPath(__dirname)) ? defaultModelPath(__dirname) : undefined)],
    ["smollm-135m-q8", () => smolModel(probe)],
    [qwenName, () => (qwenFile && shared ? join(shared, qwenFile) : qwenModel(probe))],
  ];
  const only = env.ICL_BENCH_MODELS?.split(",");
  const perModel: Record<string, ModelFigures> = {};
  const tasks: TaskFigures[] = [];
  const skipped: Record<string, string> = {};
  for (const [name, pathOf] of models) {
    // ICL_BENCH_MODELS names models; "qwen" selects the 152k-vocabulary row whatever its name.
    if (only && !only.includes(name) && !(name.startsWith("qwen") && only.includes("qwen"))) continue;
    const p = pathOf();
    if (!p) {
      skipped[name] = `${defaultModelPath(__dirname)} is absent`;
      console.log(`[${name}] skipped: ${skipped[name]}`);
      continue;
    }
    for (const f of await benchModel(name, p, probe)) perModel[`${name}/${f.mode}`] = f;
    if (env.ICL_BENCH_TASKS !== "0") tasks.push(...(await labelTasks(name, p, probe)));
  }
  for (const name of new Set(Object.keys(perModel).map((n) => n.split("/")[0]))) {
    const [first, ...rest] = MODES.map((m) => perModel[`${name}/${m}`]).filter((f): f is ModelFigures => f !== undefined);
    if (!first) continue;
    for (const f of rest)
      console.log(
        `[${name}] ${first.mode} vs ${f.mode}: time ${(first.seconds / f.seconds).toFixed(2)}x, peak RSS ${first.peakRssMb.toFixed(0)} vs ${f.peakRssMb.toFixed(0)} MB, KV ${first.kvCacheMb.toFixed(1)} vs ${f.kvCacheMb.toFixed(1)} MB`,
      );
  }
  table(perModel);
  if (tasks.length) taskTable(tasks);
  const goals = judgeGoals(perModel, tasks, FAST_MODE_MEASURED_DEVIATION);
  printGoals(goals);
  for (const [n, f] of Object.entries(perModel))
    console.log(
      `[${n}] gold accuracy by k: ${Object.entries(f.goldAccuracyByK)
        .map(([k, a]) => `k=${k} ${(100 * a).toFixed(0)}%`)
        .join(", ")}`,
    );
  return { probe: { ...STANDARD_PROBE, queries: QUERIES, source: probe.source, baselineSamplePerCell: NAIVE_SAMPLE }, perModel, tasks, skipped, goals };
}
