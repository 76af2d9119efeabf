// Byte layout of the GGUF writer (ggml docs/gguf.md, v3) and its number encodings.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  dequantize,
  encodeGguf,
  encodeQ8_0,
  f16ToFloat32,
  float32ToF16,
  GgufValueType,
  kv,
  llamaTensorShapes,
  Q8_0_BLOCK_BYTES,
  randomLlamaSpec,
  smolLm135mShape,
  syntheticVocab,
  tensorByteSize,
  TokenType,
  wordVocab,
} from "../../src/gguf";
import { at } from "../support/at";

/** A minimal independent GGUF reader, enough to check what the writer put where. */
function readGguf(buf: Buffer) {
  let p = 0;
  const u32 = () => {
    const v = buf.readUInt32LE(p);
    p += 4;
    return v;
  };
  const u64 = () => {
    const v = Number(buf.readBigUInt64LE(p));
    p += 8;
    return v;
  };
  const str = () => {
    const n = u64();
    const s = buf.toString("utf8", p, p + n);
    p += n;
    return s;
  };
  const scalar = (t: number): unknown => {
    switch (t) {
      case 4:
        return u32();
      case 5: {
        const v = buf.readInt32LE(p);
        p += 4;
        return v;
      }
      case 6: {
        const v = buf.readFloatLE(p);
        p += 4;
        return v;
      }
      case 7: {
        const v = buf.readUInt8(p) !== 0;
        p += 1;
        return v;
      }
      case 8:
        return str();
      default:
        throw new Error(`type ${t} not handled by the test reader`);
    }
  };
  const magic = buf.toString("latin1", 0, 4);
  p = 4;
  const version = u32();
  const nTensors = u64();
  const nKv = u64();
  const meta = new Map<string, unknown>();
  for (let i = 0; i < nKv; i++) {
    const key = str();
    const t = u32();
    if (t === 9) {
      const it = u32();
      const n = u64();
      meta.set(
        key,
        Array.from({ length: n }, () => scalar(it)),
      );
    } else meta.set(key, scalar(t));
  }
  const tensors = Array.from({ length: nTensors }, () => {
    const name = str();
    const nd = u32();
    const dims = Array.from({ length: nd }, () => u64());
    return { name, dims, type: u32(), offset: u64() };
  });
  const dataStart = Math.ceil(p / 32) * 32;
  return { magic, version, nTensors, nKv, meta, tensors, headerEnd: p, dataStart };
}

test("header: magic, version 3, counts, typed metadata and tensor infos", () => {
  const data = new Float32Array([1, 2, 3, 4, 5, 6]);
  const buf = encodeGguf({
    metadata: [kv.str("general.architecture", "llama"), kv.u32("a.u32", 7), kv.f32("a.f32", 0.5), kv.bool("a.b", true), kv.strs("a.arr", ["x", "yz"])],
    tensors: [
      { name: "t0", dims: [3, 2], type: "F32", data },
      { name: "t1", dims: [5], type: "F32", data: new Float32Array(5).fill(2) },
    ],
  });
  const r = readGguf(buf);
  assert.equal(r.magic, "GGUF");
  assert.equal(r.version, 3);
  assert.equal(r.nTensors, 2);
  assert.equal(r.nKv, 5);
  assert.equal(r.meta.get("general.architecture"), "llama");
  assert.equal(r.meta.get("a.u32"), 7);
  assert.equal(r.meta.get("a.f32"), 0.5);
  assert.equal(r.meta.get("a.b"), true);
  assert.deepEqual(r.meta.get("a.arr"), ["x", "yz"]);
  assert.deepEqual(
    r.tensors.map((t) => [t.name, t.dims, t.type]),
    [
      ["t0", [3, 2], 0],
      ["t1", [5], 0],
    ],
  );
  // Offsets are relative to the aligned data start and aligned themselves: 24 bytes -> next at 32.
  assert.deepEqual(
    r.tensors.map((t) => t.offset),
    [0, 32],
  );
  assert.equal(r.dataStart % 32, 0);
  assert.deepEqual(Array.from(new Float32Array(buf.buffer.slice(buf.byteOffset + r.dataStart, buf.byteOffset + r.dataStart + 24))), [1, 2, 3, 4, 5, 6]);
  // Padding between the two tensors is zero, and the file ends aligned.
  assert.ok(buf.subarray(r.dataStart + 24, r.dataStart + 32).every((b) => b === 0));
  assert.equal(buf.length % 32, 0);
  assert.equal(buf.length, r.dataStart + 32 + 32);
});

test("a non-default alignment is written as general.alignment and honoured", () => {
  const buf = encodeGguf({
    metadata: [],
    alignment: 64,
    tensors: [
      { name: "a", dims: [3], type: "F32", data: new Float32Array(3) },
      { name: "b", dims: [3], type: "F32", data: new Float32Array(3) },
    ],
  });
  const r = readGguf(buf);
  assert.equal(r.meta.get("general.alignment"), 64);
  assert.deepEqual(
    r.tensors.map((t) => t.offset),
    [0, 64],
  );
});

test("bad specs are rejected with the tensor or key named", () => {
  assert.throws(() => encodeGguf({ metadata: [], tensors: [{ name: "w", dims: [3, 2], type: "F32", data: new Float32Array(5) }] }), /tensor w: 5 values/);
  assert.throws(() => encodeGguf({ metadata: [kv.u32("k", 1), kv.u32("k", 2)], tensors: [] }), /k appears twice/);
  assert.throws(() => encodeGguf({ metadata: [], tensors: [{ name: "q", dims: [48, 2], type: "Q8_0", data: new Float32Array(96) }] }), /tensor q: Q8_0 needs an innermost dimension divisible by 32/);
  assert.throws(() => encodeGguf({ metadata: [{ key: "s", type: GgufValueType.STRING, value: 3 }], tensors: [] }), /metadata s/);
  assert.throws(() => encodeGguf({ metadata: [{ key: "n", type: GgufValueType.UINT8, value: 300 }], tensors: [] }), /metadata n: value 300 does not fit type UINT8/);
});

test("F16 conversion: exact values, rounding to nearest even, subnormals, overflow", () => {
  for (const v of [0, 1, -2, 0.5, 65504, 2 ** -24, 2 ** -14, 1.5, -0.0009765625]) assert.equal(f16ToFloat32(float32ToF16(v)), v);
  assert.equal(float32ToF16(1), 0x3c00);
  assert.equal(float32ToF16(-2), 0xc000);
  assert.equal(float32ToF16(1 + 2 ** -11), 0x3c00); // tie -> even
  assert.equal(float32ToF16(1 + 3 * 2 ** -11), 0x3c02); // tie -> even (up)
  assert.equal(float32ToF16(1e6), 0x7c00);
  assert.equal(float32ToF16(2 ** -26), 0);
  assert.ok(Number.isNaN(f16ToFloat32(float32ToF16(NaN))));
});

test("Q8_0 blocks: f16 scale = max|x|/127, int8 = round(x/scale), round-trip within half a step (+ f16 scale rounding)", () => {
  const vals = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * (i < 32 ? 1 : 0.01));
  const buf = Buffer.alloc(2 * Q8_0_BLOCK_BYTES);
  encodeQ8_0(vals, buf);
  const amax0 = Math.max(...Array.from(vals.subarray(0, 32), Math.abs));
  assert.equal(buf.readUInt16LE(0), float32ToF16(amax0 / 127));
  const argmax = Array.from(vals.subarray(0, 32), Math.abs).indexOf(amax0);
  assert.equal(Math.abs(buf.readInt8(2 + argmax)), 127);
  const back = dequantize(8, buf, 64);
  for (let i = 0; i < 64; i++) {
    const scale = f16ToFloat32(buf.readUInt16LE(Math.floor(i / 32) * Q8_0_BLOCK_BYTES));
    // Half a quantisation step, plus the f16 rounding of the scale (quants use the exact scale,
    // as ggml does): at most 127 * 2^-11 relative to the scale.
    assert.ok(Math.abs(at(back, i) - at(vals, i)) <= scale * (0.5 + 127 * 2 ** -11), `value ${i}: ${back[i]} vs ${vals[i]}`);
  }
  // An all-zero block has scale 0 and zero quants.
  const z = Buffer.alloc(Q8_0_BLOCK_BYTES, 0xff);
  encodeQ8_0(new Float32Array(32), z);
  assert.ok(z.every((b) => b === 0));
});

test("Q8_0 tensors are stored as 34-byte blocks in the file", () => {
  const vals = Float32Array.from({ length: 64 }, (_, i) => i - 32);
  const buf = encodeGguf({ metadata: [], tensors: [{ name: "q", dims: [32, 2], type: "Q8_0", data: vals }] });
  const r = readGguf(buf);
  assert.equal(at(r.tensors, 0).type, 8);
  const back = dequantize(8, buf.subarray(r.dataStart, r.dataStart + 68), 64);
  for (let i = 0; i < 64; i++) assert.ok(Math.abs(at(back, i) - at(vals, i)) < 0.2);
});

test("wordVocab: specials, 256 bytes, ▁, every prefix of ▁word, scores = length, types", () => {
  const v = wordVocab(["cat", "car"]);
  assert.deepEqual(v.tokens.slice(0, 3), ["<unk>", "<s>", "</s>"]);
  assert.deepEqual(v.types.slice(0, 3), [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL]);
  assert.equal(v.tokens[3], "<0x00>");
  assert.equal(v.tokens[3 + 0x0a], "<0x0A>");
  assert.equal(v.tokens[258], "<0xFF>");
  assert.ok(v.types.slice(3, 259).every((t) => t === TokenType.BYTE));
  assert.deepEqual(v.tokens.slice(259), ["▁", "▁c", "▁ca", "▁cat", "▁car"]);
  assert.deepEqual(v.scores.slice(259), [1, 2, 3, 4, 4]);
  assert.deepEqual([v.bos, v.eos, v.unk], [1, 2, 0]);
  const b = wordVocab(["cat"], { bare: true });
  assert.deepEqual(b.tokens.slice(259), ["▁", "▁c", "▁ca", "▁cat", "c", "ca", "cat"]);
  assert.throws(() => wordVocab(["two words"]), /whitespace/);
});

test("syntheticVocab has exactly the asked size, unique pieces, deterministic", () => {
  for (const size of [300, 1000, 4097]) {
    const v = syntheticVocab(size, 3);
    assert.equal(v.tokens.length, size);
    assert.equal(new Set(v.tokens).size, size);
  }
  assert.deepEqual(syntheticVocab(500, 9).tokens, syntheticVocab(500, 9).tokens);
});

test("randomLlamaSpec: required llama keys, tensor shapes, deterministic weights", () => {
  const opts = { vocab: 400, dim: 64, layers: 2, heads: 4, kvHeads: 2, ff: 128, context: 128, type: "Q8_0" as const, seed: 5 };
  const a = encodeGguf(randomLlamaSpec(opts));
  const b = encodeGguf(randomLlamaSpec(opts));
  assert.ok(a.equals(b), "same seed must give the same bytes");
  assert.ok(!a.equals(encodeGguf(randomLlamaSpec({ ...opts, seed: 6 }))));
  const r = readGguf(a);
  for (const key of [
    "llama.context_length",
    "llama.embedding_length",
    "llama.block_count",
    "llama.feed_forward_length",
    "llama.attention.head_count",
    "llama.attention.layer_norm_rms_epsilon",
    "tokenizer.ggml.model",
    "tokenizer.ggml.tokens",
    "tokenizer.ggml.token_type",
  ]) {
    assert.ok(r.meta.has(key), `missing ${key}`);
  }
  assert.equal((r.meta.get("tokenizer.ggml.tokens") as string[]).length, 400);
  assert.equal(r.tensors.length, 1 + 2 * 9 + 1);
  const q = r.tensors.find((t) => t.name === "blk.0.attn_k.weight")!;
  assert.deepEqual(q.dims, [64, 32]);
  assert.equal(q.type, 8);
  assert.equal(r.tensors.find((t) => t.name === "output_norm.weight")!.type, 0);
});

test("smolLm135mShape: SmolLM-135M dimensions and ~135M parameters, Q8_0 ~145 MB", () => {
  const s = smolLm135mShape();
  assert.deepEqual([s.vocab, s.dim, s.layers, s.heads, s.kvHeads, s.ff, s.context], [49152, 576, 30, 9, 3, 1536, 2048]);
  const shapes = llamaTensorShapes(s, s.vocab);
  const params = shapes.reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0);
  assert.ok(Math.abs(params - 134.5e6) < 1e6, `params ${params}`);
  const bytes = shapes.reduce((n, t) => n + tensorByteSize({ ...t, type: t.dims.length === 1 ? "F32" : "Q8_0" }), 0);
  assert.ok(bytes > 140e6 && bytes < 150e6, `bytes ${bytes}`);
});
