// Engine benchmark (`npm run bench`): the standard probe, scored with prefix reuse, on the
// embedded model and on a random-weight SmolLM-135M-shaped Q8_0 model, against
// - a naive loop (lm-evaluation-harness style: every query's and label's whole prompt evaluated
//   from scratch), measured in the same run on a sample of the same queries at every k and
//   extrapolated per query (running it in full would take most of an hour on 2 cores);
// - the minimum token count (each distinct prefix once, then query and label tokens);
// - the model's raw prompt-processing throughput at batch 512, measured in the same run.
// Also the peak resident memory (VmHWM) of the engine process. Ratios only; no test asserts them.
import { existsSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDemoFile } from "../src/core/demoFile";
import { buildPrompt } from "../src/core/prompt";
import { drawQueries, selectDemos } from "../src/core/selection";
import type { Example } from "../src/core/types";
import { createVariant } from "../src/core/variants";
import { EngineClient } from "../src/engine/client";
import { defaultModelPath } from "../src/engine/defaultModel";
import { packageRoot } from "../src/node/packageRoot";
import type { ScoringMode, TextScoreItem } from "../src/engine/protocol";
import { randomLlamaSpec, smolLm135mShape, syntheticVocab, wordVocab, writeGguf, type VocabSpec } from "../src/gguf";

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
/** Queries per k timed in the naive loop (seed 1, gold variant). */
const NAIVE_SAMPLE = Number(env.ICL_BENCH_NAIVE_SAMPLE ?? 3);

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
    return { index: start + i, line: 0, input: `the ${nouns[(i * 3) % 8]} is ${adj} and the ${nouns[(i * 7 + 1) % 8]} feels ${(good ? pos : neg)[(i + 1) % 8]}`, label: good ? "positive" : "negative" };
  });
}

function buildProbe(): Probe {
  const root = packageRoot(__dirname) ?? process.cwd();
  const path = join(root, STANDARD_PROBE.file);
  let source: string;
  let examples: Example[];
  let settings;
  let classes: string[];
  const need = QUERIES + Math.max(...STANDARD_PROBE.k);
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
    for (const k of STANDARD_PROBE.k) {
      const demos = selectDemos({ examples, k, seed, mode: "fixed", balance: false, queryPool: queries });
      for (const key of STANDARD_PROBE.variants) {
        const v = createVariant(key, { seed, classes, settings, examples });
        const shown = v.demos(demos);
        const items = queries.map((q): TextScoreItem => {
          const vq = v.query(q);
          const p = buildPrompt(settings, shown, vq.input, v.labelSpace);
          return { id: `${seed}/${k}/${key}/${q.index}`, prefix: p.prefix, query: p.query, labelSep: p.labelSep, labels: p.labels, gold: vq.gold };
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
    if (seen.has(filler.tokens[i])) continue;
    seen.add(filler.tokens[i]);
    v.tokens.push(filler.tokens[i]);
    v.scores.push(filler.scores[i]);
    v.types.push(filler.types[i]);
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

export interface ModelFigures {
  file: string;
  mode: ScoringMode;
  fileMb: number;
  threads: number;
  threadsReason: string;
  queries: number;
  seconds: number;
  queriesPerSecond: number;
  naiveSecondsEstimate: number;
  naiveSampleQueries: number;
  speedup: number;
  evaluatedTokens: number;
  minimumTokens: number;
  tokenRatio: number;
  rawTokensPerSecond: number;
  efficiency: number;
  peakRssMb: number;
  kvCacheMb: number;
  rssGoalMb: number;
  goldAccuracyByK: Record<number, number>;
  /** Largest |logProb difference| from the first mode's scores of the same queries (0 for the first mode). */
  maxDeviationFromFirstMode: number;
}

interface ModeRun {
  mode: ScoringMode;
  c: EngineClient;
  evaluated: number;
  minimum: number;
  queries: number;
  seconds: number;
  naiveMs: number;
  naiveSample: number;
  idealSeconds: number;
  rawRates: number[];
  gold: Map<number, { right: number; n: number }>;
  /** logProbs by item id (kept for the first mode, to measure the others' deviation). */
  scores: Map<string, number[]>;
  deviation: number;
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
  const engines: EngineClient[] = [];
  try {
    const acc: ModeRun[] = [];
    for (const mode of MODES) {
      const c = await EngineClient.start();
      engines.push(c);
      const info0 = await c.load(path, { mode });
      console.log(`\n[${name}/${mode}] ${info0.fileName}: ${info0.architecture}, vocab ${info0.vocabSize}, ${info0.layers} layers, dim ${info0.embeddingLength}, ${info0.quantization ?? "?"}; KV ${info0.kvCacheType?.key}; ${info0.threadsReason}`);
      acc.push({ mode, c, evaluated: 0, minimum: 0, queries: 0, seconds: 0, naiveMs: 0, naiveSample: 0, idealSeconds: 0, rawRates: [], gold: new Map(), scores: new Map(), deviation: 0 });
    }
    for (const k of STANDARD_PROBE.k) {
      const kMin = new Map<ModeRun, number>();
      const kSeconds = new Map<ModeRun, number>();
      const raws = new Map<ModeRun, number>();
      for (const a of acc) {
        const raw = await a.c.throughput(512, 2);
        a.rawRates.push(raw.tokensPerSecond);
        raws.set(a, raw.tokensPerSecond);
      }
      let kQueries = 0;
      // The modes take turns group by group, so drift in the machine's load hits them alike.
      for (const g of probe.groups.filter((x) => x.k === k)) {
        kQueries += g.items.length;
        for (const a of acc) {
          const t0 = performance.now();
          const r = await a.c.scoreWithStats(g.items);
          kSeconds.set(a, (kSeconds.get(a) ?? 0) + (performance.now() - t0) / 1000);
          a.evaluated += r.stats.evaluatedTokens;
          kMin.set(a, (kMin.get(a) ?? 0) + r.stats.minimumTokens);
          r.items.forEach((it, i) => {
            const lps = it.labels.map((l) => l.logProb);
            const first = acc[0].scores.get(it.id);
            if (a === acc[0]) a.scores.set(it.id, lps);
            else if (first) lps.forEach((x, j) => (a.deviation = Math.max(a.deviation, Math.abs(x - first[j]))));
            if (g.variant === "gold") {
              const gk = a.gold.get(g.k) ?? { right: 0, n: 0 };
              gk.right += it.predicted === g.items[i].gold ? 1 : 0;
              gk.n++;
              a.gold.set(g.k, gk);
            }
          });
        }
      }
      const g = probe.groups.find((x) => x.k === k && x.variant === "gold")!;
      const sample = g.items.slice(0, NAIVE_SAMPLE);
      for (const a of acc) {
        const s0 = performance.now();
        await a.c.scoreWithStats(sample, { naive: true });
        const naivePerQuery = (performance.now() - s0) / sample.length;
        a.naiveMs += naivePerQuery * kQueries;
        a.naiveSample += sample.length;
        a.minimum += kMin.get(a)!;
        a.queries += kQueries;
        a.seconds += kSeconds.get(a)!;
        a.idealSeconds += kMin.get(a)! / raws.get(a)!;
        process.stderr.write(
          `[${name}/${a.mode}] k=${k}: ${kQueries} queries in ${kSeconds.get(a)!.toFixed(1)} s (naive ~${((naivePerQuery * kQueries) / 1000).toFixed(0)} s), raw ${raws.get(a)!.toFixed(0)} tok/s, min tokens ${kMin.get(a)}\n`,
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
        evaluatedTokens: a.evaluated,
        minimumTokens: a.minimum,
        tokenRatio: a.evaluated / a.minimum,
        rawTokensPerSecond,
        // Time the minimum tokens would take at each k's raw batch-512 rate, over the actual time.
        efficiency: a.idealSeconds / a.seconds,
        peakRssMb: mem.peakRssMb,
        kvCacheMb,
        rssGoalMb: fileMb + kvCacheMb + 250,
        goldAccuracyByK: Object.fromEntries([...a.gold].map(([k, x]) => [k, x.right / x.n])),
        maxDeviationFromFirstMode: a.deviation,
      });
    }
    for (const c of engines) await c.dispose();
    return out;
  } catch (e) {
    for (const c of engines) if (c.alive) c.kill();
    throw e;
  }
}

function table(rows: Record<string, ModelFigures>): void {
  const cols: [string, (f: ModelFigures) => string][] = [
    ["queries", (f) => String(f.queries)],
    ["time s", (f) => f.seconds.toFixed(1)],
    ["q/s", (f) => f.queriesPerSecond.toFixed(1)],
    ["naive s (est.)", (f) => f.naiveSecondsEstimate.toFixed(0)],
    ["speed-up (goal >=10)", (f) => f.speedup.toFixed(1) + "x"],
    ["tokens/min (goal <=1.2)", (f) => f.tokenRatio.toFixed(3)],
    ["raw tok/s @512 (mean)", (f) => f.rawTokensPerSecond.toFixed(0)],
    ["efficiency (aim >=0.5)", (f) => f.efficiency.toFixed(2)],
    ["peak RSS MB", (f) => f.peakRssMb.toFixed(0)],
    ["RSS goal MB", (f) => f.rssGoalMb.toFixed(0)],
    ["threads", (f) => String(f.threads)],
    ["max |dlogProb| vs first mode", (f) => f.maxDeviationFromFirstMode.toExponential(1)],
  ];
  const names = Object.keys(rows);
  const w0 = Math.max(...cols.map(([c]) => c.length));
  const widths = names.map((n) => Math.max(n.length, ...cols.map(([, f]) => f(rows[n]).length)));
  console.log("\n" + "".padEnd(w0) + "  " + names.map((n, i) => n.padStart(widths[i])).join("  "));
  for (const [c, f] of cols) console.log(c.padEnd(w0) + "  " + names.map((n, i) => f(rows[n]).padStart(widths[i])).join("  "));
}

export async function run(): Promise<object> {
  const probe = buildProbe();
  const nQueries = probe.groups.reduce((s, g) => s + g.items.length, 0);
  console.log(`standard probe: ${probe.source}; ${STANDARD_PROBE.k.length} k x ${STANDARD_PROBE.variants.length} variants x ${STANDARD_PROBE.seeds.length} seeds x ${QUERIES} queries = ${nQueries} queries, 2 labels each`);
  console.log(`naive loop: ${NAIVE_SAMPLE} queries per k (seed 1, gold) timed in full and extrapolated per query to all ${nQueries}`);
  const models: [string, string | undefined][] = [
    ["icl-toy", existsSync(defaultModelPath(__dirname)) ? defaultModelPath(__dirname) : undefined],
    ["smollm-135m-q8", undefined],
  ];
  const only = env.ICL_BENCH_MODELS?.split(",");
  const perModel: Record<string, ModelFigures> = {};
  const skipped: Record<string, string> = {};
  for (const [name, p] of models) {
    if (only && !only.includes(name)) continue;
    if (name === "icl-toy" && !p) {
      skipped[name] = `${defaultModelPath(__dirname)} is absent`;
      console.log(`[icl-toy] skipped: ${skipped[name]}`);
      continue;
    }
    for (const f of await benchModel(name, p ?? smolModel(probe), probe)) perModel[`${name}/${f.mode}`] = f;
  }
  for (const name of new Set(Object.keys(perModel).map((n) => n.split("/")[0]))) {
    const [first, ...rest] = MODES.map((m) => perModel[`${name}/${m}`]).filter(Boolean);
    for (const f of rest) console.log(`[${name}] ${first.mode} vs ${f.mode}: time ${(first.seconds / f.seconds).toFixed(2)}x, peak RSS ${first.peakRssMb.toFixed(0)} vs ${f.peakRssMb.toFixed(0)} MB, KV ${first.kvCacheMb.toFixed(1)} vs ${f.kvCacheMb.toFixed(1)} MB`);
  }
  table(perModel);
  for (const [n, f] of Object.entries(perModel))
    console.log(`[${n}] gold accuracy by k: ${Object.entries(f.goldAccuracyByK).map(([k, a]) => `k=${k} ${(100 * a).toFixed(0)}%`).join(", ")}`);
  return { probe: { ...STANDARD_PROBE, queries: QUERIES, source: probe.source, naiveSamplePerK: NAIVE_SAMPLE }, perModel, skipped };
}
