// Bad model files for the engine's error-handling tests. Each case reaches a different check:
// a truncated GGUF and a non-GGUF file fail readGgufFileInfo; a GGUF without
// llama.feed_forward_length parses fine but makes llama.cpp abort natively on load (so only a
// child process survives it); a vocab-only GGUF has tokenizer metadata and no tensors.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomLlamaSpec, tokenizerMetadata } from "./llamaSpec";
import { wordVocab } from "./vocab";
import { encodeGguf, kv, writeGguf } from "./writer";
import type { GgufSpec } from "./writer";

const TINY = { dim: 32, layers: 1, heads: 2, kvHeads: 1, ff: 64, context: 64, type: "F32" as const, seed: 7 };
const WORDS = ["hello", "world", "positive", "negative"];

/** A small valid llama model (random weights) that loads in node-llama-cpp. */
export function tinyLlamaSpec(): GgufSpec {
  return randomLlamaSpec({ ...TINY, vocab: wordVocab(WORDS, { bare: true }) });
}

/** Writes a valid tiny random model; returns its path. */
export function writeTinyModel(dir: string, name = "tiny.gguf"): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeGguf(p, tinyLlamaSpec());
  return p;
}

/** A GGUF cut off in the middle of its tensor data (starts with the right magic). */
export function writeTruncatedGguf(dir: string, name = "truncated.gguf"): string {
  mkdirSync(dir, { recursive: true });
  const full = encodeGguf(tinyLlamaSpec());
  const p = join(dir, name);
  writeFileSync(p, full.subarray(0, Math.floor(full.length / 2)));
  return p;
}

/** A GGUF cut off inside its metadata (the header itself is incomplete). */
export function writeTruncatedHeaderGguf(dir: string, name = "truncated-header.gguf"): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, encodeGguf(tinyLlamaSpec()).subarray(0, 100));
  return p;
}

/**
 * A complete, well-formed GGUF whose llama metadata lacks a key llama.cpp requires
 * (default llama.feed_forward_length): llama.cpp hits a native assert and aborts the process.
 */
export function writeMissingKeyGguf(dir: string, missingKey = "llama.feed_forward_length", name = "missing-key.gguf"): string {
  mkdirSync(dir, { recursive: true });
  const spec = tinyLlamaSpec();
  if (!spec.metadata.some((m) => m.key === missingKey)) throw new Error(`the tiny model has no key ${missingKey} to remove`);
  const p = join(dir, name);
  writeGguf(p, { ...spec, metadata: spec.metadata.filter((m) => m.key !== missingKey) });
  return p;
}

/** A file that is not GGUF at all (text). */
export function writeNonGguf(dir: string, name = "not-a-model.gguf"): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, "This is not a GGUF model file, just text.\n".repeat(4));
  return p;
}

/** A vocab-only GGUF: llama tokenizer metadata and architecture keys, zero tensors. */
export function writeVocabOnlyGguf(dir: string, name = "vocab-only.gguf"): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  const spec = tinyLlamaSpec();
  const arch = spec.metadata.filter((m) => m.key.startsWith("general.") || m.key.startsWith("llama."));
  writeGguf(p, { metadata: [...arch, ...tokenizerMetadata(wordVocab(WORDS, { bare: true }))], tensors: [] });
  return p;
}

/** An empty (0-byte) file. */
export function writeEmptyFile(dir: string, name = "empty.gguf"): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, "");
  return p;
}

/** Every bad-file case at once, keyed by case name. */
export function writeBadModelFixtures(dir: string): Record<"truncated" | "truncatedHeader" | "missingKey" | "nonGguf" | "vocabOnly" | "empty", string> {
  return {
    truncated: writeTruncatedGguf(dir),
    truncatedHeader: writeTruncatedHeaderGguf(dir),
    missingKey: writeMissingKeyGguf(dir),
    nonGguf: writeNonGguf(dir),
    vocabOnly: writeVocabOnlyGguf(dir),
    empty: writeEmptyFile(dir),
  };
}

// kv is re-exported for fixture authors who want to add their own odd keys.
export { kv };
