// The embedded toy model (models/icl-toy.gguf): its file, its tokenizer (training tokenization
// == node-llama-cpp tokenization), its weights (llama.cpp log-probs == torch's), and the
// in-context behaviour the shipped example is designed to show (docs/MODEL.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseDemoFile } from "../../src/core/demoFile";
import { buildPrompt } from "../../src/core/prompt";
import { drawQueries, selectDemos } from "../../src/core/selection";
import { createVariant } from "../../src/core/variants";
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp" with { "resolution-mode": "import" };

const root = join(__dirname, "..", "..", "..");
const MODEL = join(root, "models", "icl-toy.gguf");
const EXAMPLE = join(root, "examples", "toy-lookup.icl.jsonl");
const REFERENCE = join(root, "scripts", "model", "toy-reference.json");

interface Reference {
  samples: { text: string; ids: number[] }[];
  reference: { text: string; ids: number[]; top: [number, number][] }[];
}

async function load() {
  const { getLlama } = await import("node-llama-cpp");
  // One thread: the 4-thread default on a 2-core machine is hundreds of times slower.
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
  const model = await llama.loadModel({ modelPath: MODEL });
  // No flash attention: llama.cpp then agrees with torch to ~1e-4 (docs/MODEL.md).
  const ctx = await model.createContext({ contextSize: 512, threads: 1, flashAttention: false });
  return { model, ctx, seq: ctx.getSequence() };
}

test("the embedded model file: GGUF llama, under 5 MB, word-level SentencePiece vocabulary", async () => {
  const size = statSync(MODEL).size;
  assert.ok(size < 5 * 1024 * 1024, `models/icl-toy.gguf is ${size} bytes`);
  const { readGgufFileInfo } = await import("node-llama-cpp");
  const info = await readGgufFileInfo(MODEL);
  assert.equal(info.metadata.general.architecture, "llama");
  assert.equal(info.metadata.general.name, "icl-toy");
  assert.equal(info.metadata.tokenizer.ggml.model, "llama");
  const tokens = info.metadata.tokenizer.ggml.tokens ?? [];
  for (const w of ["\u2581lookup:", "\u2581apple", "\u2581lemon", "43", "\u2581red", "\u2581purple", "\u2581yellow", "\u2581A", "\u25817", "\u2581foo"]) {
    assert.ok(tokens.includes(w), `vocabulary lacks ${w}`);
  }
});

test("train.py's tokenizer gives the same ids as node-llama-cpp on the sample texts", async (t) => {
  const ref = JSON.parse(readFileSync(REFERENCE, "utf8")) as Reference;
  assert.ok(ref.samples.length >= 50);
  const { model, ctx } = await load();
  t.after(async () => {
    await ctx.dispose();
    await model.dispose();
  });
  const diffs = ref.samples.filter((s) => JSON.stringify(Array.from(model.tokenize(s.text))) !== JSON.stringify(s.ids));
  assert.deepEqual(
    diffs.map((d) => d.text),
    [],
  );
});

test("llama.cpp next-token log-probs match torch's on the shipped weights", async (t) => {
  const ref = JSON.parse(readFileSync(REFERENCE, "utf8")) as Reference;
  const { model, ctx, seq } = await load();
  t.after(async () => {
    await ctx.dispose();
    await model.dispose();
  });
  for (const r of ref.reference) {
    assert.deepEqual([model.tokens.bos, ...model.tokenize(r.text)], r.ids, `tokens of ${JSON.stringify(r.text)}`);
    await seq.clearHistory();
    const ids = r.ids as Token[];
    const out = await seq.controlledEvaluate(ids.map((tok, i) => (i === ids.length - 1 ? ([tok, { generateNext: { probabilities: true } }] as const) : tok)));
    const probs = out[ids.length - 1]?.next?.probabilities;
    assert.ok(probs);
    for (const [id, lp] of r.top) {
      const got = Math.log(probs.get(id as Token) ?? 0);
      // F32 weights, F16 KV cache (the default): measured differences are ~1e-4.
      assert.ok(Math.abs(got - lp) < 5e-3, `${JSON.stringify(r.text)} token ${id}: llama.cpp ${got} vs torch ${lp}`);
    }
  }
});

/** Summed teacher-forced log-prob of each label (joint tokenization of prompt + sep + label). */
async function scoreLabels(model: LlamaModel, seq: LlamaContextSequence, prompt: string, sep: string, labels: readonly string[]): Promise<number[]> {
  const p = [model.tokens.bos!, ...model.tokenize(prompt)];
  const scores: number[] = [];
  for (const label of labels) {
    const full = [model.tokens.bos!, ...model.tokenize(prompt + sep + label)];
    assert.deepEqual(full.slice(0, p.length), p, `label ${label} changes the prompt's tokens`);
    const lt = full.slice(p.length);
    await seq.clearHistory();
    const out = await seq.controlledEvaluate(full.map((tok, i) => (i >= p.length - 1 && i < full.length - 1 ? ([tok, { generateNext: { probabilities: true } }] as const) : tok)));
    let lp = 0;
    lt.forEach((tok, j) => {
      lp += Math.log(Math.max(out[p.length - 1 + j]?.next?.probabilities?.get(tok) ?? 0, 1e-30));
    });
    scores.push(lp);
  }
  return scores;
}

test("on examples/toy-lookup the model learns in context: k=8 gold >> k=0 ~ chance, random labels << gold", async (t) => {
  const file = parseDemoFile(readFileSync(EXAMPLE, "utf8"), EXAMPLE);
  assert.deepEqual(
    file.problems.filter((p) => p.severity === "error"),
    [],
  );
  const s = file.settings;
  const { model, ctx, seq } = await load();
  t.after(async () => {
    await ctx.dispose();
    await model.dispose();
  });
  const seed = 1;
  const queries = drawQueries({ examples: file.examples, n: s.queries, seed });
  async function accuracy(variantKey: string, k: number): Promise<number> {
    const v = createVariant(variantKey, { seed, classes: file.classes, settings: s, examples: file.examples });
    const demos = selectDemos({ examples: file.examples, k, seed, mode: "fixed", balance: s.balance, queryPool: queries, classes: file.classes });
    let correct = 0;
    for (const q of queries) {
      const vq = v.query(q);
      const prompt = buildPrompt(s, v.demos(demos), vq.input, v.labelSpace);
      const lps = await scoreLabels(model, seq, prompt.prefix + prompt.query, prompt.labelSep, prompt.labels);
      if (prompt.labels[lps.indexOf(Math.max(...lps))] === vq.gold) correct++;
    }
    return correct / queries.length;
  }
  const chance = 1 / file.classes.length;
  const k0 = await accuracy("gold", 0);
  const k8 = await accuracy("gold", 8);
  const random8 = await accuracy("random-labels", 8);
  t.diagnostic(`k=0 ${k0.toFixed(3)}, k=8 gold ${k8.toFixed(3)}, k=8 random labels ${random8.toFixed(3)} (chance ${chance})`);
  assert.ok(k0 <= chance + 0.2, `k=0 accuracy ${k0} should be near chance ${chance}`);
  assert.ok(k8 >= 0.8, `k=8 gold accuracy ${k8} should be far above chance`);
  assert.ok(random8 <= k8 - 0.3, `per-demo random labels (${random8}) should be clearly below gold (${k8})`);
});
