// GGUF files from our writer load in node-llama-cpp 3.21.1 (real llama.cpp), tokenize with the
// word-level SentencePiece vocabulary as designed, and evaluate to a proper distribution.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomLlamaSpec, wordVocab, writeGguf } from "../../src/gguf";

const WORDS = ["hello", "world", "lookup", "cat", "dog", "->"];

test("random tiny llama models (F32, F16, Q8_0) load, tokenize and evaluate in node-llama-cpp", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "icl-gguf-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { getLlama, readGgufFileInfo } = await import("node-llama-cpp");
  // One thread: the library's default of 4 threads on a 2-core machine is hundreds of times slower.
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
  const vocab = wordVocab(WORDS, { bare: true });
  for (const type of ["F32", "F16", "Q8_0"] as const) {
    const path = join(dir, `tiny-${type}.gguf`);
    const bytes = writeGguf(path, randomLlamaSpec({ vocab, dim: 64, layers: 2, heads: 4, kvHeads: 2, ff: 128, context: 256, type, seed: 11 }));
    assert.equal(statSync(path).size, bytes);

    const info = await readGgufFileInfo(path);
    assert.equal(info.version, 3);
    assert.equal(info.metadata.general.architecture, "llama");
    assert.equal(info.tensorInfo?.length, 1 + 2 * 9 + 1);

    const model = await llama.loadModel({ modelPath: path });
    try {
      assert.equal(model.tokens.bos, 1, `${type}: BOS`);
      assert.equal(model.tokens.shouldPrependBosToken, true);
      const id = (piece: string) => vocab.tokens.indexOf(piece);
      // Start of text gets "▁"; after "\n" a word has no space (the bare pieces); the rest bytes.
      assert.deepEqual(model.tokenize("hello world"), [id("▁hello"), id("▁world")]);
      assert.deepEqual(model.tokenize("lookup\ncat -> dog"), [id("▁lookup"), id("<0x0A>"), id("cat"), id("▁->"), id("▁dog")]);
      assert.deepEqual(model.tokenize("hi"), [id("▁h"), id("i") === -1 ? id("<0x69>") : id("i")]);
      assert.equal(model.detokenize(model.tokenize("hello world")), "hello world");

      const ctx = await model.createContext({ contextSize: 64, threads: 1 });
      try {
        const seq = ctx.getSequence();
        const toks = [model.tokens.bos!, ...model.tokenize("hello world")];
        const out = await seq.controlledEvaluate(toks.map((tok, i) => (i === toks.length - 1 ? [tok, { generateNext: { probabilities: true } }] : tok)));
        const probs = out[toks.length - 1]?.next?.probabilities;
        assert.ok(probs && probs.size > 0, `${type}: no probabilities`);
        const total = [...probs.values()].reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - 1) < 1e-3, `${type}: probabilities sum to ${total}`);
      } finally {
        await ctx.dispose();
      }
    } finally {
      await model.dispose();
    }
  }
});
