// GGUF specs for llama-architecture models: metadata keys llama.cpp requires, tensor names and
// shapes, and deterministic random weights with the dimensions of real models (benchmarks).
// A missing llama.feed_forward_length or head_count aborts llama.cpp natively (no JS exception),
// so we always write them; test/model/ggufWriter.test.ts loads every spec in real llama.cpp.
import { GgufKv, GgufSpec, GgufTensor, kv, TensorType } from "./writer";
import { syntheticVocab, VocabSpec } from "./vocab";
import { Q8_0_BLOCK } from "./quant";

export interface LlamaShape {
  /** Vocabulary size (a synthetic word-piece vocabulary is generated) or an explicit vocabulary. */
  vocab: number | VocabSpec;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ff: number;
  context: number;
  ropeFreqBase?: number;
  rmsEps?: number;
}

export interface RandomLlamaOptions extends LlamaShape {
  type: "F32" | "F16" | "Q8_0";
  seed: number;
  /** Name written to general.name. */
  name?: string;
}

/**
 * SmolLM-135M's dimensions (HuggingFaceTB/SmolLM-135M config.json: hidden 576, 30 layers,
 * 9 heads, 3 KV heads, intermediate 1536, vocab 49152, context 2048, rope theta 1e4,
 * rms eps 1e-5, tied embeddings). The vocabulary here is synthetic word pieces of that size.
 */
export function smolLm135mShape(): LlamaShape & { vocab: number } {
  return { vocab: 49152, dim: 576, layers: 30, heads: 9, kvHeads: 3, ff: 1536, context: 2048, ropeFreqBase: 10000, rmsEps: 1e-5 };
}

/** ggml file types written to general.file_type (llama.h enum llama_ftype). */
const FILE_TYPE: Record<RandomLlamaOptions["type"], number> = { F32: 0, F16: 1, Q8_0: 7 };

/** Tokenizer metadata for a SentencePiece ("llama") vocabulary. */
export function tokenizerMetadata(v: VocabSpec): GgufKv[] {
  return [
    kv.str("tokenizer.ggml.model", "llama"),
    kv.strs("tokenizer.ggml.tokens", v.tokens),
    kv.f32s("tokenizer.ggml.scores", v.scores),
    // Without token types llama.cpp reports no BOS (measured), so they are always written.
    kv.i32s("tokenizer.ggml.token_type", v.types),
    kv.u32("tokenizer.ggml.bos_token_id", v.bos),
    kv.u32("tokenizer.ggml.eos_token_id", v.eos),
    kv.u32("tokenizer.ggml.unknown_token_id", v.unk),
    kv.bool("tokenizer.ggml.add_bos_token", true),
    kv.bool("tokenizer.ggml.add_eos_token", false),
  ];
}

export function resolveVocab(vocab: number | VocabSpec, seed = 1): VocabSpec {
  return typeof vocab === "number" ? syntheticVocab(vocab, seed) : vocab;
}

/** The llama.* and general.* keys for a shape (all keys llama.cpp requires are included). */
export function llamaMetadata(shape: LlamaShape, vocabSize: number, opts: { name?: string; fileType?: number } = {}): GgufKv[] {
  if (shape.dim % shape.heads !== 0) throw new Error(`dim ${shape.dim} is not divisible by heads ${shape.heads}`);
  if (shape.heads % shape.kvHeads !== 0) throw new Error(`heads ${shape.heads} is not divisible by kvHeads ${shape.kvHeads}`);
  const m: GgufKv[] = [kv.str("general.architecture", "llama"), kv.str("general.name", opts.name ?? "icl-probe-llama")];
  if (opts.fileType !== undefined) m.push(kv.u32("general.file_type", opts.fileType));
  m.push(
    kv.u32("llama.context_length", shape.context),
    kv.u32("llama.embedding_length", shape.dim),
    kv.u32("llama.block_count", shape.layers),
    kv.u32("llama.feed_forward_length", shape.ff),
    kv.u32("llama.attention.head_count", shape.heads),
    kv.u32("llama.attention.head_count_kv", shape.kvHeads),
    kv.f32("llama.attention.layer_norm_rms_epsilon", shape.rmsEps ?? 1e-5),
    kv.u32("llama.rope.dimension_count", shape.dim / shape.heads),
    kv.f32("llama.rope.freq_base", shape.ropeFreqBase ?? 10000),
    kv.u32("llama.vocab_size", vocabSize),
  );
  return m;
}

/** Tensor names and ggml dims ([in, out] for a torch (out, in) weight), in llama.cpp order. */
export function llamaTensorShapes(shape: LlamaShape, vocabSize: number, tiedOutput = true): { name: string; dims: number[] }[] {
  const hd = shape.dim / shape.heads;
  const t: { name: string; dims: number[] }[] = [{ name: "token_embd.weight", dims: [shape.dim, vocabSize] }];
  for (let l = 0; l < shape.layers; l++) {
    const b = `blk.${l}`;
    t.push(
      { name: `${b}.attn_norm.weight`, dims: [shape.dim] },
      { name: `${b}.attn_q.weight`, dims: [shape.dim, shape.heads * hd] },
      { name: `${b}.attn_k.weight`, dims: [shape.dim, shape.kvHeads * hd] },
      { name: `${b}.attn_v.weight`, dims: [shape.dim, shape.kvHeads * hd] },
      { name: `${b}.attn_output.weight`, dims: [shape.heads * hd, shape.dim] },
      { name: `${b}.ffn_norm.weight`, dims: [shape.dim] },
      { name: `${b}.ffn_gate.weight`, dims: [shape.dim, shape.ff] },
      { name: `${b}.ffn_up.weight`, dims: [shape.dim, shape.ff] },
      { name: `${b}.ffn_down.weight`, dims: [shape.ff, shape.dim] },
    );
  }
  t.push({ name: "output_norm.weight", dims: [shape.dim] });
  if (!tiedOutput) t.push({ name: "output.weight", dims: [shape.dim, vocabSize] });
  return t;
}

/** FNV-1a of a string, to give every tensor its own random stream. */
export function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Counter-based uniform noise in [-1, 1): value i of a stream depends only on (key, i), so any
 * chunk of a big tensor can be filled independently and the result is the same however it is
 * chunked. (A sequential PRNG object per value would be ~10x slower for 135M values.)
 */
export function noise(key: number, i: number): number {
  let x = (Math.imul(i, 0x9e3779b1) ^ key) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x / 2147483648 - 1;
}

/** The storage type for one tensor: 1-D norms stay F32 (as llama.cpp's converters do). */
function storageType(dims: readonly number[], type: TensorType): TensorType {
  if (dims.length === 1) return "F32";
  if (type === "Q8_0" && (dims[0] ?? 1) % Q8_0_BLOCK !== 0) return "F16"; // Q8_0 rows need 32 | width
  return type;
}

/**
 * A llama model with deterministic random weights (uniform with std 0.02, norms 1), any size,
 * for benchmarks and fixtures. Weights are generated lazily while writing.
 */
export function randomLlamaSpec(opts: RandomLlamaOptions): GgufSpec {
  const vocab = resolveVocab(opts.vocab, opts.seed);
  const n = vocab.tokens.length;
  const amp = 0.02 * Math.sqrt(3); // uniform(-a, a) has std a / sqrt(3)
  const tensors: GgufTensor[] = llamaTensorShapes(opts, n).map(({ name, dims }) => {
    const key = hashString(name, opts.seed);
    const isNorm = dims.length === 1;
    return {
      name,
      dims,
      type: storageType(dims, opts.type),
      fill: (start: number, out: Float32Array) => {
        if (isNorm) {
          out.fill(1);
          return;
        }
        for (let i = 0; i < out.length; i++) out[i] = amp * noise(key, start + i);
      },
    };
  });
  return {
    metadata: [...llamaMetadata(opts, n, { name: opts.name ?? "random-llama", fileType: FILE_TYPE[opts.type] }), ...tokenizerMetadata(vocab)],
    tensors,
  };
}

/**
 * A llama spec from given float32 weights (e.g. a trained toy model exported from torch).
 * `weights` maps tensor names to row-major torch tensors ((out, in) for matrices).
 */
export function llamaSpecFromWeights(shape: LlamaShape, vocab: VocabSpec, weights: Map<string, Float32Array>, type: "F32" | "F16" = "F32", name = "icl-toy", extra: GgufKv[] = []): GgufSpec {
  const n = vocab.tokens.length;
  const tied = !weights.has("output.weight");
  const tensors: GgufTensor[] = llamaTensorShapes(shape, n, tied).map(({ name: tn, dims }) => {
    const data = weights.get(tn);
    if (!data) throw new Error(`weights lack tensor ${tn}`);
    return { name: tn, dims, type: storageType(dims, type), data };
  });
  return { metadata: [...llamaMetadata(shape, n, { name, fileType: FILE_TYPE[type] }), ...extra, ...tokenizerMetadata(vocab)], tensors };
}
