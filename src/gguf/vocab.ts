// Word-level SentencePiece ("llama") vocabularies for tiny GGUF models.
// llama.cpp's SPM tokenizer starts from single characters and repeatedly merges the adjacent pair
// with the highest score whose concatenation is in the vocabulary (ties: leftmost first), then
// maps leftover characters to <0xXX> byte tokens. With every prefix of "▁word" in the vocabulary
// and score = piece length, "▁word" always merges left to right into one token
// (test/model/ggufWriter.test.ts checks llama.cpp's own tokenization of such a vocabulary).

/** llama.cpp token types (llama.h enum llama_token_type). */
export enum TokenType {
  NORMAL = 1,
  UNKNOWN = 2,
  CONTROL = 3,
  USER_DEFINED = 4,
  UNUSED = 5,
  BYTE = 6,
}

export interface VocabSpec {
  tokens: string[];
  scores: number[];
  types: TokenType[];
  unk: number;
  bos: number;
  eos: number;
}

export const SPACE = "\u2581"; // "▁", SentencePiece's visible space

export interface WordVocabOptions {
  /**
   * Also add every prefix of the bare word (no "▁"). A word right after "\n" has no space
   * before it, so without these it falls back to byte tokens. Default false (the plain recipe).
   */
  bare?: boolean;
  /** Extra single pieces added as is (e.g. punctuation such as "->" or ":"). */
  pieces?: string[];
}

/** Special tokens and the 256 byte tokens every vocabulary starts with (ids 0..258), then "▁". */
function baseVocab(): VocabSpec {
  const v: VocabSpec = { tokens: ["<unk>", "<s>", "</s>"], scores: [0, 0, 0], types: [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL], unk: 0, bos: 1, eos: 2 };
  for (let b = 0; b < 256; b++) {
    v.tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    v.scores.push(0);
    v.types.push(TokenType.BYTE);
  }
  v.tokens.push(SPACE);
  v.scores.push(1);
  v.types.push(TokenType.NORMAL);
  return v;
}

/** Adds `piece` (and nothing else) unless present. Returns true when added. */
function addPiece(v: VocabSpec, seen: Set<string>, piece: string): boolean {
  if (seen.has(piece)) return false;
  seen.add(piece);
  v.tokens.push(piece);
  v.scores.push([...piece].length);
  v.types.push(TokenType.NORMAL);
  return true;
}

function prefixes(s: string): string[] {
  const chars = [...s];
  return chars.map((_, i) => chars.slice(0, i + 1).join(""));
}

/**
 * A word-level SentencePiece vocabulary: <unk>, <s>, </s>, 256 byte tokens, "▁", then for each
 * word every prefix of "▁word" (and with `bare`, every prefix of "word"); scores = piece length.
 * Words must not contain spaces (SentencePiece would split them).
 */
export function wordVocab(words: readonly string[], options: WordVocabOptions = {}): VocabSpec {
  const v = baseVocab();
  const seen = new Set(v.tokens);
  for (const p of options.pieces ?? []) addPiece(v, seen, p);
  for (const w of words) {
    if (!w || /\s/.test(w)) throw new Error(`vocabulary word ${JSON.stringify(w)} is empty or contains whitespace`);
    for (const p of prefixes(SPACE + w).slice(1)) addPiece(v, seen, p);
    if (options.bare) for (const p of prefixes(w)) addPiece(v, seen, p);
  }
  return v;
}

/** Deterministic 32-bit PRNG (mulberry32) for synthetic word pieces; no core dependency needed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONSONANTS = "bcdfghjklmnprstvwz";
const VOWELS = "aeiou";

/** A pronounceable pseudo-word of 2..maxSyllables syllables. */
export function pseudoWord(rand: () => number, maxSyllables = 4): string {
  const n = 1 + Math.floor(rand() * maxSyllables);
  let w = "";
  for (let i = 0; i < n; i++) {
    w += CONSONANTS.charAt(Math.floor(rand() * CONSONANTS.length)) + VOWELS.charAt(Math.floor(rand() * VOWELS.length));
    if (rand() < 0.3) w += CONSONANTS.charAt(Math.floor(rand() * CONSONANTS.length));
  }
  return w;
}

/**
 * A word-level vocabulary of exactly `size` tokens made of synthetic pronounceable word pieces
 * (for random-weight benchmark models with the vocabulary size of a real model).
 */
export function syntheticVocab(size: number, seed = 1): VocabSpec {
  const v = baseVocab();
  if (size < v.tokens.length) throw new Error(`a vocabulary needs at least ${v.tokens.length} tokens, asked for ${size}`);
  const seen = new Set(v.tokens);
  const rand = mulberry32(seed);
  while (v.tokens.length < size) {
    const missing = prefixes(SPACE + pseudoWord(rand))
      .slice(1)
      .filter((p) => !seen.has(p));
    if (missing.length === 0) continue;
    if (v.tokens.length + missing.length > size) {
      // Near the end: extend an existing piece by one letter, which adds exactly one piece
      // (all its prefixes are present already), until the size is met exactly.
      for (let i = v.tokens.length - 1; v.tokens.length < size && i > 0; i--) {
        for (const c of CONSONANTS + VOWELS) {
          if (v.tokens.length >= size) break;
          if (v.types[i] === TokenType.NORMAL) addPiece(v, seen, v.tokens[i] + c);
        }
      }
      continue;
    }
    for (const p of missing) addPiece(v, seen, p);
  }
  return v;
}
