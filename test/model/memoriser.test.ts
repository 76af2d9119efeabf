// The second embedded model (models/icl-memoriser.gguf, built by construction in
// src/gguf/memoriser.ts): the committed file is exactly what the construction writes, and
// llama.cpp computes from it the closed-form scores of the construction, whatever precedes the
// last token (docs/MODEL.md). Its probe profile and verdicts: knownBehaviour.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeGguf } from "../../src/gguf/writer";
import { MEMORISED, MEMORISER_LABELS, memoriserLogProbs, memoriserSpec, memoriserVocab } from "../../src/gguf/memoriser";
import type { Token } from "node-llama-cpp" with { "resolution-mode": "import" };
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");
const MODEL = join(root, "models", "icl-memoriser.gguf");

test("models/icl-memoriser.gguf is byte for byte what its construction writes (rebuild: node scripts/model/build-memoriser.mjs)", () => {
  const shipped = readFileSync(MODEL);
  const built = encodeGguf(memoriserSpec());
  assert.equal(shipped.length, built.length, "file size");
  assert.ok(shipped.equals(built), "the committed file differs from src/gguf/memoriser.ts's construction");
  assert.ok(shipped.length < 256 * 1024, `${shipped.length} bytes`);
});

test("llama.cpp's next-token log-probs from the file equal the construction's closed form, demos or not", async (t) => {
  const { getLlama } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
  const model = await llama.loadModel({ modelPath: MODEL });
  // F32 KV cache, no flash attention: the exact path (docs/ENGINE.md).
  const ctx = await model.createContext({ contextSize: 512, threads: 1, flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" } as Parameters<
    typeof model.createContext
  >[0]);
  t.after(async () => {
    await ctx.dispose();
    await model.dispose();
  });
  const seq = ctx.getSequence();
  const vocab = memoriserVocab();
  assert.equal(model.tokens.bos, vocab.bos);
  const demos = "colour:\nfresh cherry green\nripe banana purple\nsmall kiwi red\nlarge fig yellow";
  const texts = [
    "colour:\nfresh cherry",
    `${demos}\nfresh cherry`, // same last token, different (wrong) demos before it
    "colour:\nripe spinach",
    "colour:\nsmall blackberry",
    "lookup:\n43 lemon",
    `${demos}\nlarge pineapple`,
    "colour:\nfresh zucchini",
    `${demos}\nripe`,
    "lookup:\n43 apple red\n12 lime",
  ];
  let worst = 0;
  for (const text of texts) {
    const ids = [model.tokens.bos!, ...model.tokenize(text)];
    await seq.clearHistory();
    const out = await seq.controlledEvaluate(ids.map((tok, i) => (i === ids.length - 1 ? ([tok, { generateNext: { probabilities: true } }] as const) : tok)));
    const probs = out[ids.length - 1]?.next?.probabilities;
    assert.ok(probs, text);
    const expected = memoriserLogProbs(vocab, at(ids, ids.length - 1));
    // Every label token and a spread of other tokens.
    const check = [...MEMORISER_LABELS.map((l) => vocab.tokens.indexOf("\u2581" + l)), ...Array.from({ length: 40 }, (_, i) => 3 + i * 22)];
    for (const id of check) {
      const got = Math.log(probs.get(id as Token) ?? 0);
      worst = Math.max(worst, Math.abs(got - at(expected, id)));
      assert.ok(Math.abs(got - at(expected, id)) < 1e-4, `${JSON.stringify(text)} token ${JSON.stringify(vocab.tokens[id])}: llama.cpp ${got} vs construction ${expected[id]}`);
    }
  }
  t.diagnostic(`largest |llama.cpp - closed form| = ${worst.toExponential(2)}`);
  // Every memorised word is one token after a space and at the start of a line.
  for (const w of Object.keys(MEMORISED)) {
    assert.equal(model.tokenize(`fresh ${w}`).length, 2, w);
    assert.equal(model.tokenize(`colour:\n${w}`).slice(2).length, 1, w);
  }
});
