// Dequantized token-embedding rows against llama.cpp itself, and the embedding reader on real
// model files.
//
// Reference for every type: a llama model whose only non-zero weights are the token embeddings
// (stored in the type under test) and the norms (1). Attention and feed-forward then add exactly
// 0 to the residual stream, so llama.cpp's embedding output for a token is
// rmsnorm(its token_embd row), computed by ggml's own dequantizer (get_rows). The engine's
// reader (src/engine/embeddings.ts + src/gguf/dequant.ts) must give the same row.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, openSync, readSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineClient } from "../../src/engine/client";
import { defaultModelPath } from "../../src/engine/defaultModel";
import { DEQUANT_TYPES, f16ToFloat32, GGML_TYPES, llamaMetadata, llamaTensorShapes, mulberry32, tokenizerMetadata, wordVocab, writeGguf, type DequantType, type GgufTensor } from "../../src/gguf";
import { at } from "../support/at";

const clients: EngineClient[] = [];
after(() => {
  for (const c of clients) if (c.alive) c.kill();
});
async function engine(path: string): Promise<EngineClient> {
  const c = await EngineClient.start();
  clients.push(c);
  await c.load(path);
  return c;
}

const WORDS = ["alpha", "beta", "gamma", "delta", "omega"];
const DIM = 256; // K-quant rows are whole 256-value super-blocks
const EPS = 1e-5;

/** The zero-layer reference model with token_embd in `type`; returns the path and the word token ids. */
function writeReferenceModel(dir: string, type: DequantType): { path: string; ids: number[] } {
  const vocab = wordVocab(WORDS);
  const n = vocab.tokens.length;
  const shape = { vocab: n, dim: DIM, layers: 1, heads: 2, kvHeads: 2, ff: 64, context: 256, rmsEps: EPS };
  const r = mulberry32(GGML_TYPES[type].id + 1);
  const tensors: GgufTensor[] = llamaTensorShapes(shape, n, false).map(({ name, dims }) => {
    const count = dims.reduce((a, b) => a * b, 1);
    if (name === "token_embd.weight") {
      // Normal-ish values with a different scale per row, an outlier or two.
      const data = Float32Array.from({ length: count }, (_, i) => (r() - 0.5) * (1 + (Math.floor(i / DIM) % 7)) * (r() < 0.01 ? 6 : 1));
      return { name, dims, type, data };
    }
    return { name, dims, type: "F32", data: new Float32Array(count).fill(dims.length === 1 ? 1 : 0) };
  });
  const path = join(dir, `ref-${type}.gguf`);
  writeGguf(path, { metadata: [...llamaMetadata(shape, n, { name: `dequant-ref-${type}` }), ...tokenizerMetadata(vocab)], tensors });
  return { path, ids: WORDS.map((w) => vocab.tokens.indexOf("\u2581" + w)) };
}

function rmsnorm(row: readonly number[]): number[] {
  const ms = row.reduce((a, v) => a + v * v, 0) / row.length;
  return row.map((v) => v / Math.sqrt(ms + EPS));
}

test("token_embd rows of every supported type match llama.cpp's own dequantization", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "icl-dequant-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { getLlama } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
  const lines: string[] = [];
  for (const type of DEQUANT_TYPES) {
    const { path, ids } = writeReferenceModel(dir, type);
    const eng = await engine(path);
    const got = await eng.tokenEmbeddings(ids);
    await eng.dispose();
    assert.equal(got.type, type);
    assert.equal(got.dim, DIM);
    assert.equal(got.rows.length, ids.length);
    const model = await llama.loadModel({ modelPath: path });
    const ctx = await model.createEmbeddingContext({ contextSize: 64, threads: 1 });
    let worst = 0;
    try {
      for (let w = 0; w < ids.length; w++) {
        const ref = (await ctx.getEmbeddingFor([ids[w]] as never)).vector;
        assert.equal(ref.length, DIM);
        const mine = rmsnorm(at(got.rows, w));
        for (let i = 0; i < DIM; i++) worst = Math.max(worst, Math.abs(at(mine, i) - at(ref, i)));
      }
    } finally {
      await ctx.dispose();
      await model.dispose();
    }
    // Same decoded values; only llama.cpp's float32 RMS norm differs from this double one.
    assert.ok(worst < 1e-5, `${type}: max |difference| ${worst} after RMS norm`);
    lines.push(`${type} ${worst.toExponential(1)}`);
  }
  t.diagnostic(`max |ours - llama.cpp| after RMS norm: ${lines.join(", ")}`);
});

/** An independent whole-tensor decode for F32 / F16 files (reads the tensor in one go). */
function wholeRow(path: string, offset: number, type: number, dim: number, id: number): number[] {
  const size = type === 0 ? 4 : 2;
  const buf = Buffer.alloc(dim * size);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, buf.length, offset + id * dim * size);
  } finally {
    closeSync(fd);
  }
  return Array.from({ length: dim }, (_, i) => (type === 0 ? buf.readFloatLE(4 * i) : f16ToFloat32(buf.readUInt16LE(2 * i))));
}

const shared = process.env.ICL_SHARED_MODELS;
const realModels: { name: string; path?: string; type: string }[] = [
  { name: "icl-toy.gguf (embedded)", path: defaultModelPath(), type: "F32" },
  { name: "stories260K.gguf", path: shared && join(shared, "stories260K.gguf"), type: "F32" },
  { name: "llama-2-tiny-random.gguf", path: shared && join(shared, "llama-2-tiny-random.gguf"), type: "F16" },
];

for (const m of realModels) {
  test(`embedding rows read from a real file: ${m.name}`, async (t) => {
    if (!m.path || !existsSync(m.path)) {
      t.skip(`${m.name} not found (${m.path ?? "ICL_SHARED_MODELS is not set"})`);
      return;
    }
    const { readGgufFileInfo } = await import("node-llama-cpp");
    const info = await readGgufFileInfo(m.path);
    const tensor = info.tensorInfo!.find((x) => x.name === "token_embd.weight")!;
    const eng = await engine(m.path);
    const mi = await eng.info();
    const ids = [0, 1, 2, Math.floor(mi.vocabSize / 2), mi.vocabSize - 1, 1];
    const got = await eng.tokenEmbeddings(ids);
    assert.equal(got.type, m.type);
    assert.equal(got.dim, mi.embeddingLength);
    assert.equal(got.vocab, mi.vocabSize);
    ids.forEach((id, i) => assert.deepEqual(got.rows[i], wholeRow(m.path!, Number(tensor.fileOffset), tensor.ggmlType, got.dim, id), `row ${id}`));
    assert.ok(
      got.rows.some((r) => r.some((v) => v !== 0)),
      "rows are not all zero",
    );
    await assert.rejects(eng.tokenEmbeddings([mi.vocabSize]), (e: { code?: string; message?: string }) => e.code === "invalid-request" && /outside/.test(e.message ?? ""));
    await eng.dispose();
  });
}
