// The second embedded model, models/icl-memoriser.gguf: a "memoriser" whose behaviour is known
// by construction, the opposite of the trained in-context copier (models/icl-toy.gguf). It is
// a fixed lookup table (food word -> colour word) written as a one-layer llama whose attention
// and feed-forward weights are all zero, so the hidden state at a position is a function of that
// position's token alone: nothing written earlier in the prompt, demonstrations included, can
// change any score. The next-token logits after a token t are W_out · RMSNorm(E[t]):
// - after a memorised word (any form: "▁cherry" or line-initial "cherry") its colour label gets
//   a large boost, so gold is right at every k, k = 0 included (a prior, not learning);
// - every other logit is a fixed per-token preference b(t), the same after every token, so among
//   labels it does not know (remapped, abstract, random strings or tokens) it always picks the
//   same one, whatever the query and the demos: accuracy = that class's share of the queries.
// scripts/model/build-memoriser.mjs writes the file; docs/MODEL.md describes the profile;
// test/model/memoriser.test.ts rebuilds it byte for byte and checks llama.cpp against the
// closed-form log-probs below.
import { hashString, llamaSpecFromWeights, noise, type LlamaShape } from "./llamaSpec";
import { SPACE, wordVocab, type VocabSpec } from "./vocab";
import { kv, type GgufSpec } from "./writer";

/** The memorised facts: word -> colour (label class). Lower case, as they must appear in prompts. */
export const MEMORISED: Readonly<Record<string, string>> = Object.freeze({
  apple: "red",
  cherry: "red",
  strawberry: "red",
  tomato: "red",
  radish: "red",
  raspberry: "red",
  lime: "green",
  kiwi: "green",
  cucumber: "green",
  lettuce: "green",
  spinach: "green",
  broccoli: "green",
  plum: "purple",
  grape: "purple",
  eggplant: "purple",
  beetroot: "purple",
  fig: "purple",
  blackberry: "purple",
  lemon: "yellow",
  banana: "yellow",
  corn: "yellow",
  pineapple: "yellow",
  grapefruit: "yellow",
  quince: "yellow",
});

/** The label classes, in the order of the dimensions that carry them. */
export const MEMORISER_LABELS = ["red", "green", "purple", "yellow"] as const;

/**
 * Vocabulary words besides the memorised ones: the instructions and modifiers of its example
 * (examples/toy-colours.icl.jsonl) and of examples/toy-lookup.icl.jsonl, so both files tokenize
 * into whole words; letters and numbers 0-99 (abstract-letters/-numbers labels, toy-lookup's
 * inputs). Any other text still tokenizes (word pieces, then bytes); to the model every such
 * token is simply not a memorised word.
 */
const OTHER_WORDS = ["colour:", "lookup:", "fresh", "ripe", "small", "large", "whole"];
const LETTERS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"];
const NUMBERS = Array.from({ length: 100 }, (_, i) => String(i));

export function memoriserVocab(): VocabSpec {
  const words = [...OTHER_WORDS, ...MEMORISER_LABELS, ...Object.keys(MEMORISED), ...LETTERS, ...NUMBERS];
  return wordVocab([...new Set(words)], { bare: true });
}

/** Shape: attention and feed-forward exist (llama.cpp needs them) but are zero. */
export const MEMORISER_SHAPE: LlamaShape = { vocab: 0, dim: 8, layers: 1, heads: 1, kvHeads: 1, ff: 8, context: 2048, ropeFreqBase: 10000, rmsEps: 1e-5 };

/**
 * Embedding layout (dim 8): dim 0 = 1 for every token (carries the preference b); dims 1-4 = the
 * class of a memorised word (value A); dim 5 = A for every other token, so that every embedding
 * has the same norm and RMSNorm scales all of them alike; dims 6-7 unused.
 * Output rows: dim 0 = b(t) in [-1, 1) (a hash of the token's text); a label token of class c
 * also has B at dim 1 + c.
 */
export const MEMORISER_CONSTANTS = { A: 4, B: 4 } as const;
const BIAS_SEED = 2024;

/** The preference b(t) of a token, from its text (so it does not depend on token ids). */
export function preference(token: string): number {
  return noise(hashString(token, BIAS_SEED), 0);
}

/** The class (index into MEMORISER_LABELS) a token stands for as a memorised word, or -1. */
export function memorisedClass(token: string): number {
  const w = token.startsWith(SPACE) ? token.slice(1) : token;
  const label = Object.hasOwn(MEMORISED, w) ? MEMORISED[w] : undefined;
  return label === undefined ? -1 : MEMORISER_LABELS.indexOf(label as (typeof MEMORISER_LABELS)[number]);
}

/** The class a token stands for as a label word ("▁red" or "red"), or -1. */
export function labelClass(token: string): number {
  const w = token.startsWith(SPACE) ? token.slice(1) : token;
  return MEMORISER_LABELS.indexOf(w as (typeof MEMORISER_LABELS)[number]);
}

/** Row-major weights ((out, in) for matrices, (vocab, dim) for embeddings), as llamaSpecFromWeights takes them. */
export function memoriserWeights(vocab: VocabSpec): Map<string, Float32Array> {
  const { dim, ff } = MEMORISER_SHAPE;
  const { A, B } = MEMORISER_CONSTANTS;
  const n = vocab.tokens.length;
  const emb = new Float32Array(n * dim);
  const out = new Float32Array(n * dim);
  vocab.tokens.forEach((t, i) => {
    const c = memorisedClass(t);
    emb[i * dim] = 1;
    emb[i * dim + (c >= 0 ? 1 + c : 5)] = A;
    out[i * dim] = preference(t);
    const l = labelClass(t);
    if (l >= 0) out[i * dim + 1 + l] = B;
  });
  const ones = new Float32Array(dim).fill(1);
  const w = new Map<string, Float32Array>([
    ["token_embd.weight", emb],
    ["output_norm.weight", ones],
    ["output.weight", out],
  ]);
  const b = "blk.0";
  w.set(`${b}.attn_norm.weight`, ones);
  w.set(`${b}.ffn_norm.weight`, ones);
  for (const name of ["attn_q", "attn_k", "attn_v", "attn_output"]) w.set(`${b}.${name}.weight`, new Float32Array(dim * dim));
  w.set(`${b}.ffn_gate.weight`, new Float32Array(ff * dim));
  w.set(`${b}.ffn_up.weight`, new Float32Array(ff * dim));
  w.set(`${b}.ffn_down.weight`, new Float32Array(dim * ff));
  return w;
}

export function memoriserSpec(): GgufSpec {
  const vocab = memoriserVocab();
  const description =
    "ICL Probe memoriser: a fixed lookup table (food word -> colour) written as a one-layer llama with zero attention, " +
    "so demonstrations cannot change any score; built by scripts/model/build-memoriser.mjs. Not a language model. See docs/MODEL.md.";
  return llamaSpecFromWeights({ ...MEMORISER_SHAPE, vocab }, vocab, memoriserWeights(vocab), "F32", "icl-memoriser", [kv.str("general.description", description), kv.str("general.license", "MIT")]);
}

/**
 * Closed-form next-token log-probs after `token` (float64): what llama.cpp must compute from
 * the file up to float32 rounding. Independent of every earlier token by construction.
 */
export function memoriserLogProbs(vocab: VocabSpec, token: number): Float64Array {
  const { dim } = MEMORISER_SHAPE;
  const { A, B } = MEMORISER_CONSTANTS;
  const text = vocab.tokens[token];
  if (text === undefined) throw new RangeError(`token ${token} is outside the memoriser's vocabulary (${vocab.tokens.length} tokens)`);
  const c = memorisedClass(text);
  const scale = 1 / Math.sqrt((1 + A * A) / dim + (MEMORISER_SHAPE.rmsEps ?? 1e-5));
  const logits = new Float64Array(vocab.tokens.length);
  vocab.tokens.forEach((t, i) => {
    logits[i] = Math.fround(preference(t)) * scale + (c >= 0 && labelClass(t) === c ? B * A * scale : 0);
  });
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return logits.map((v) => v - lse);
}
