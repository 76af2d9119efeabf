// The engine's token-embedding reader (src/engine/embeddings.ts) on files written by the project's
// GGUF writer: it reads only the requested rows, in request order, dequantized; and it refuses
// what it cannot read with a message that says why (the type it cannot decode is named).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTokenEmbeddings, type TensorInfoLike } from "../../src/engine/embeddings";
import { dequantize, encodeValues, GGML_TYPES, writeGguf, type TensorType } from "../../src/gguf";

const DIM = 256;
const VOCAB = 6;
const values = Float32Array.from({ length: DIM * VOCAB }, (_, i) => Math.sin(i * 0.37) * (1 + Math.floor(i / DIM)));

/** A file with a small tensor before token_embd.weight (so its offset is not 0); tensor infos as node-llama-cpp parses them, as in the engine. */
async function writeTable(dir: string, type: TensorType): Promise<{ path: string; tensors: TensorInfoLike[] }> {
  const path = join(dir, `table-${type}.gguf`);
  writeGguf(path, {
    metadata: [],
    tensors: [
      { name: "other", dims: [3], type: "F32", data: new Float32Array([1, 2, 3]) },
      { name: "token_embd.weight", dims: [DIM, VOCAB], type, data: values },
    ],
  });
  const { readGgufFileInfo } = await import("node-llama-cpp");
  const info = await readGgufFileInfo(path, { logWarnings: false });
  return { path, tensors: info.tensorInfo as TensorInfoLike[] };
}

test("reads the requested rows in order (repeats allowed), dequantized as the type stores them", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "icl-embd-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const type of ["F32", "F16", "Q4_K", "Q6_K"] as const) {
    const { path, tensors } = await writeTable(dir, type);
    const got = await readTokenEmbeddings(path, tensors, [4, 0, 4, 5]);
    assert.equal(got.type, type);
    assert.equal(got.dim, DIM);
    assert.equal(got.vocab, VOCAB);
    const all = dequantize(GGML_TYPES[type].id, encodeValues(type, values), DIM * VOCAB);
    [4, 0, 4, 5].forEach((id, i) => assert.deepEqual(got.rows[i], Array.from(all.subarray(id * DIM, (id + 1) * DIM)), `${type} row ${id}`));
  }
});

test("refuses a missing tensor, an undecodable type (named), a split file and ids outside the vocabulary", async () => {
  const info = (over: Partial<TensorInfoLike>): TensorInfoLike[] => [{ name: "token_embd.weight", dimensions: [DIM, VOCAB], ggmlType: 0, fileOffset: 0, ...over }];
  const code = (c: string, re: RegExp) => (e: { code?: string; message?: string }) => e.code === c && re.test(e.message ?? "");
  await assert.rejects(readTokenEmbeddings("/nowhere/m.gguf", [], [0]), code("unsupported", /m\.gguf has no token_embd\.weight tensor/));
  await assert.rejects(
    readTokenEmbeddings("/nowhere/m.gguf", info({ ggmlType: 10 }), [0]),
    code("unsupported", /stored as Q2_K \(ggml type 10\).*supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K/),
  );
  await assert.rejects(readTokenEmbeddings("/nowhere/m.gguf", info({ ggmlType: 17 }), [0]), code("unsupported", /IQ2_XS/));
  await assert.rejects(readTokenEmbeddings("/nowhere/m.gguf", info({ filePart: 2 }), [0]), code("unsupported", /part 2 of a split GGUF/));
  await assert.rejects(readTokenEmbeddings("/nowhere/m.gguf", info({}), [VOCAB]), code("invalid-request", /Token id 6 is outside m\.gguf's vocabulary of 6 tokens/));
  await assert.rejects(readTokenEmbeddings("/nowhere/m.gguf", info({ dimensions: [DIM] }), [0]), code("unsupported", /1 dimensions/));
});
