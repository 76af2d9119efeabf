// Issue 9: the same probe run twice (on a fresh engine, then again on the same, warm engine)
// gives identical label log-probs, and every one of them is
// within 1e-4 of a from-scratch evaluation (each query in a fresh context of its own, no prefix
// reuse: test/support/scratchScores.ts). The probe goes through the real runner and engine
// process, exact mode (the default), at k = 0, 1, 2 and 8, with labels of several token lengths
// and groups of 12 queries (large enough that the removed parallel-sequence path, which raced in
// node-llama-cpp's logit reads, would have spread each k = 0 group over three sequences). There is
// no parallel path left to switch off: the engine always scores on one sequence.
//
// Models: the embedded icl-toy, ../shared/models (skipped with a reason when absent) and a
// random-weight Q8_0 model written by the project's GGUF writer, because quantized weights are
// where llama.cpp's results depend most on how tokens are split into batches.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineClient } from "../../src/engine/client";
import { defaultModelPath } from "../../src/engine/defaultModel";
import type { ItemScore, ScoreItem, TextScoreItem } from "../../src/engine/protocol";
import { parseDemoFile } from "../../src/core/demoFile";
import { runExperiment, type EngineLike } from "../../src/runner/run";
import type { QueryRecord } from "../../src/core/types";
import { randomLlamaSpec } from "../../src/gguf/llamaSpec";
import { wordVocab } from "../../src/gguf/vocab";
import { writeGguf } from "../../src/gguf/writer";
import { scratchScores } from "../support/scratchScores";
import { at } from "../support/at";

const TOL = 1e-4;
const dir = mkdtempSync(join(tmpdir(), "icl-determinism-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SUBJECTS = ["the cat", "a dog", "my friend", "the teacher", "our team", "the bird", "his sister", "the farmer"];
const VERBS = ["likes rain", "can swim", "is tired", "won the game", "lost a key"];
const LABELS = ["yes", "no", "not sure"];

/** 40 distinct questions over three labels of 1 to 5 tokens depending on the tokenizer. */
function demoText(): string {
  const lines = [JSON.stringify({ "icl-probe": 1, template: "Q: {input}?\nA: {label}", separator: "\n", labels: LABELS })];
  for (let i = 0; i < 40; i++) lines.push(JSON.stringify({ input: `${SUBJECTS[i % 8]} ${VERBS[Math.floor(i / 8)]}`, label: LABELS[(i * 7) % 3] }));
  return lines.join("\n") + "\n";
}

const DEMO = join(dir, "questions.icl.jsonl");
writeFileSync(DEMO, demoText());

function q8Model(): string {
  const words = ["Q", "A", ":", "?", ...LABELS.flatMap((l) => l.split(" ")), ...SUBJECTS.flatMap((s) => s.split(" ")), ...VERBS.flatMap((v) => v.split(" "))];
  const p = join(dir, "random-q8_0.gguf");
  writeGguf(p, randomLlamaSpec({ vocab: wordVocab([...new Set(words)]), dim: 64, layers: 2, heads: 4, kvHeads: 2, ff: 128, context: 1024, type: "Q8_0", seed: 9 }));
  return p;
}

const shared = process.env.ICL_SHARED_MODELS;
const MODELS: { name: string; path: () => string | undefined; why?: string }[] = [
  { name: "icl-toy (embedded)", path: () => (existsSync(defaultModelPath()) ? defaultModelPath() : undefined), why: "models/icl-toy.gguf is missing" },
  { name: "random Q8_0 (project GGUF writer)", path: q8Model },
  ...["stories260K.gguf", "llama-2-tiny-random.gguf"].map((f) => ({
    name: f,
    path: () => (shared && existsSync(join(shared, f)) ? join(shared, f) : undefined),
    why: `${f} not found in ICL_SHARED_MODELS (${shared ?? "unset"})`,
  })),
];

interface Run {
  records: QueryRecord[];
  items: TextScoreItem[];
  scored: Map<string, ItemScore>;
}

/**
 * One probe through the runner, recording what the runner sent. A fresh engine process unless
 * `warm` is given: then the engine still holds the KV cache of the previous run, as in the editor.
 */
async function probe(modelPath: string, warm?: EngineClient): Promise<Run & { engine: EngineClient }> {
  const text = demoText();
  const file = parseDemoFile(text, DEMO, { variants: ["gold", "ra-string"], k: [0, 1, 2, 8], seeds: [1, 2], queries: 12 });
  const engine = warm ?? (await EngineClient.start());
  if (!warm) await engine.load(modelPath);
  {
    const items: TextScoreItem[] = [];
    const scored = new Map<string, ItemScore>();
    const recording: EngineLike = {
      info: () => engine.info(),
      score: (batch) => engine.score(batch),
      async scoreWithStats(batch: ScoreItem[], opts) {
        items.push(...(batch as TextScoreItem[]));
        const r = await engine.scoreWithStats(batch, opts);
        for (const s of r.items) scored.set(s.id, s);
        return r;
      },
    };
    const outcome = await runExperiment({ file, fileText: text, settings: file.settings, modelPath }, { engine: recording });
    assert.equal(outcome.status, "complete", outcome.error?.message);
    assert.equal(outcome.results.manifest.engine.mode, "exact");
    assert.deepEqual(outcome.results.manifest.engine.kvCacheType, { key: "F32", value: "F32" });
    return { records: outcome.results.records, items, scored, engine };
  }
}

const keyOf = (r: QueryRecord) => `${r.variant}|k${r.k}|s${r.seed}|q${r.queryIndex}`;

for (const m of MODELS) {
  test(`${m.name}: two runs (fresh and warm engine) give identical label log-probs, all within ${TOL} of a from-scratch evaluation (k = 0, 1, 2, 8)`, async (t) => {
    const path = m.path();
    if (!path) {
      t.skip(m.why);
      return;
    }
    const a = await probe(path);
    const b = await probe(path, a.engine).finally(() => a.engine.dispose());
    assert.equal(a.records.length, 2 * 4 * 2 * 12);
    // Identical, not merely close: same file, model, settings and seeds give the same numbers.
    assert.deepEqual(
      b.records.map((r) => r.labels),
      a.records.map((r) => r.labels),
    );
    // Labels of several token lengths, including multi-token labels (teacher-forced positions).
    const lengths = new Set(a.records.flatMap((r) => r.labels.map((l) => l.tokens)));
    assert.ok(lengths.size >= 2 && Math.max(...lengths) >= 2, `label token lengths ${[...lengths]}`);
    const ks = new Set(a.records.map((r) => r.k));
    assert.deepEqual(
      [...ks].sort((x, y) => x - y),
      [0, 1, 2, 8],
    );

    const ref = new Map((await scratchScores(path, a.items)).map((s) => [s.id, s]));
    let worst = 0;
    for (const r of a.records) {
      const s = ref.get(keyOf(r));
      assert.ok(s, `no reference for ${keyOf(r)}`);
      r.labels.forEach((l, j) => {
        assert.equal(l.label, at(s.labels, j).label);
        assert.equal(l.tokens, at(s.labels, j).tokens, `${keyOf(r)} ${l.label}: token count`);
        const d = Math.max(Math.abs(l.logProb - at(s.labels, j).logProb), Math.abs(l.firstTokenLogProb - at(s.labels, j).firstTokenLogProb));
        worst = Math.max(worst, d);
        assert.ok(d <= TOL, `${keyOf(r)} label ${JSON.stringify(l.label)}: engine ${l.logProb} vs from scratch ${at(s.labels, j).logProb} (|diff| ${d.toExponential(2)})`);
      });
    }
    // Raw logits beside the log-probs: each label's first-token logit minus its first-token
    // log-prob is the position's log-softmax normaliser, one number for all labels of a query.
    for (const r of a.records) {
      const norms = r.labels.map((l) => {
        assert.ok(Number.isFinite(l.firstTokenLogit), `${keyOf(r)} ${l.label}: firstTokenLogit ${l.firstTokenLogit}`);
        return l.firstTokenLogit! - l.firstTokenLogProb;
      });
      if (!r.warnings?.some((w) => w.code === "boundary-merge")) assert.ok(Math.max(...norms) - Math.min(...norms) <= 1e-9, `${keyOf(r)}: normalisers ${norms}`);
    }
    t.diagnostic(`${a.records.length} queries, label token lengths ${[...lengths].sort((x, y) => x - y).join("/")}, max |engine - scratch| = ${worst.toExponential(2)}`);
  });
}
