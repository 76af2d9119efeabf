// GGUF files from our writer load in node-llama-cpp 3.21.1 (real llama.cpp), tokenize with the
// word-level SentencePiece vocabulary as designed, and evaluate to a proper distribution.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { randomLlamaSpec, wordVocab, writeBadModelFixtures, writeGguf, writeTinyModel } from "../../src/gguf";

const root = join(__dirname, "..", "..", "..");

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

/** Loads a model in a child process (a native abort must not take the test runner down). */
function loadInChild(dir: string, modelPath: string): { status: number | null; out: string } {
  const script = join(dir, "load-child.mjs");
  const lib = pathToFileURL(join(root, "node_modules", "node-llama-cpp", "dist", "index.js")).href;
  writeFileSync(
    script,
    `const { getLlama } = await import(${JSON.stringify(lib)});
const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
try { const m = await llama.loadModel({ modelPath: process.argv[2] }); console.log("LOADED " + m.tokenize("hello").length); await m.dispose(); }
catch (e) { console.log("JS-ERROR " + e.message); }
`,
  );
  const r = spawnSync(process.execPath, [script, modelPath], { encoding: "utf8", timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test("bad-file fixtures fail where they are meant to fail", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "icl-bad-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { readGgufFileInfo } = await import("node-llama-cpp");
  const f = writeBadModelFixtures(dir);
  // Not GGUF at all: the pure-JS reader rejects the magic.
  await assert.rejects(readGgufFileInfo(f.nonGguf), /magic/i);
  await assert.rejects(readGgufFileInfo(f.empty));
  // Vocab-only: parses, tokenizer present, zero tensors.
  const vocabOnly = await readGgufFileInfo(f.vocabOnly);
  assert.equal(vocabOnly.tensorInfo?.length, 0);
  assert.ok((vocabOnly.metadata.tokenizer?.ggml?.tokens?.length ?? 0) > 259);
  // Missing key: parses (the reader does not know llama.cpp's required keys) ...
  const missing = await readGgufFileInfo(f.missingKey);
  assert.equal((missing.metadata as { llama?: { feed_forward_length?: number } }).llama?.feed_forward_length, undefined);
  // ... but aborts llama.cpp natively: only a child process survives it.
  const abort = loadInChild(dir, f.missingKey);
  assert.notEqual(abort.status, 0, abort.out);
  assert.ok(!abort.out.includes("LOADED"), abort.out);
  // Truncated data: the reader accepts the header, llama.cpp refuses with a JS error.
  const trunc = loadInChild(dir, f.truncated);
  assert.equal(trunc.status, 0, trunc.out);
  assert.match(trunc.out, /JS-ERROR/);
  assert.match(trunc.out, /not within the file bounds/);
  // And the valid tiny model loads in the same way.
  const ok = loadInChild(dir, writeTinyModel(dir));
  assert.match(ok.out, /LOADED \d+/);
});
