// The model's tokenizer as the core sees it, and the token-level primitives that the token
// variants (variants/token.ts: ra-token, g-token, pa-token; Li et al. 2024) are built from: label
// token candidates, joint tokenization, token-id permutations. Everything works against a
// TokenizerAccess that the caller provides synchronously: in the engine process the
// model's own tokenizer; in the extension/CLI a cache filled from EngineClient.tokenize()
// (cachedTokenizer + withTokenizer below turn the async engine call into retry rounds).
import { shuffle, type RandomGenerator } from "./rng";
import type { ScoreWarning } from "./warnings";
import { defined } from "./defined";

export type VocabTokenType = "normal" | "control" | "byte" | "unknown" | "user" | "unused";

/** One vocabulary entry as EngineClient.vocab() returns it. */
export interface VocabEntry {
  id: number;
  /** Detokenized text of the token alone (may drop a leading space, so `piece` is preferred). */
  text: string;
  /** The raw vocabulary piece, e.g. "\u2581positive" (SentencePiece) or "\u0120positive" (GPT-2 BPE). */
  piece?: string;
  type: VocabTokenType;
}

/** The token as text with word markers made spaces: from `piece` when known, else `text`. */
export function vocabSurface(v: VocabEntry): string {
  return tokenSurface(v.piece ?? v.text);
}

export interface TokenizerAccess {
  vocab: readonly VocabEntry[];
  /** Token ids of `text` as the engine tokenizes prompt text: no BOS, special tokens off. */
  tokenize(text: string): number[];
  /** Optional batch form; a prefetching tokenizer reports every missing text at once. */
  tokenizeMany?(texts: readonly string[]): number[][];
}

/** A prompt as token ids, ready for the engine's TokenScoreItem. */
export interface TokenPrompt {
  prefixTokens: number[];
  queryTokens: number[];
  /**
   * Continuation tokens of each label from where its joint tokenization parts from the prompt's
   * (never permuted): tokenize(prefix + query + labelSep + label) after its common prefix with
   * tokenize(prefix + query).
   */
  labelTokens: number[][];
  /** Per label, how many of the prompt's last tokens its continuation replaces (a boundary merge; usually 0). */
  labelOverlap: number[];
  warnings: ScoreWarning[];
}

/** Thrown by cachedTokenizer for texts it has not been given; withTokenizer fetches them and retries. */
export class MissingTokenization extends Error {
  override readonly name = "MissingTokenization";
  constructor(readonly texts: string[]) {
    super(`${texts.length} text(s) still need tokenizing by the engine, e.g. ${JSON.stringify(texts[0]?.slice(0, 60))}`);
  }
}

/** Tokenizes several texts, in one batch when the tokenizer supports it. */
export function tokenizeAll(tok: TokenizerAccess, texts: readonly string[]): number[][] {
  return tok.tokenizeMany ? tok.tokenizeMany(texts) : texts.map((t) => tok.tokenize(t));
}

/**
 * A synchronous tokenizer over known tokenizations. It reads `cache` live (entries added later
 * are seen) and throws MissingTokenization listing every missing text of a call.
 */
export function cachedTokenizer(vocab: readonly VocabEntry[], cache: ReadonlyMap<string, number[]>): TokenizerAccess {
  const many = (texts: readonly string[]): number[][] => {
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    if (missing.length) throw new MissingTokenization(missing);
    return texts.map((t) => cache.get(t)!.slice());
  };
  return { vocab, tokenize: (t) => defined(many([t])[0], "tokenization of the text"), tokenizeMany: many };
}

/**
 * Runs a pure computation that needs a synchronous tokenizer, fetching missing tokenizations
 * asynchronously (e.g. `texts => engine.tokenize(texts)`) and re-running it, until it completes.
 * Deterministic because `run` is pure; `cache` may be shared between calls.
 */
export async function withTokenizer<T>(
  vocab: readonly VocabEntry[],
  fetch: (texts: string[]) => Promise<number[][]>,
  run: (tok: TokenizerAccess) => T,
  cache: Map<string, number[]> = new Map(),
  maxRounds = 50,
): Promise<T> {
  const tok = cachedTokenizer(vocab, cache);
  for (let round = 0; round < maxRounds; round++) {
    try {
      return run(tok);
    } catch (e) {
      if (!(e instanceof MissingTokenization)) throw e;
      const got = await fetch(e.texts);
      if (got.length !== e.texts.length) throw new Error(`tokenizer returned ${got.length} results for ${e.texts.length} texts`);
      e.texts.forEach((t, i) => cache.set(t, defined(got[i], "fetched tokenization"))); // lengths checked above
    }
  }
  throw new Error(`withTokenizer: still missing tokenizations after ${maxRounds} rounds`);
}

/** Token text with word-boundary markers made spaces: "\u2581good" / "\u0120good" -> " good", "\u010a" -> "\n". */
export function tokenSurface(text: string): string {
  return text
    .replace(/\u2581/g, " ")
    .replace(/\u0120/g, " ")
    .replace(/\u010a/g, "\n");
}

/**
 * Vocabulary entries that can serve as a random label token: type "normal" (no control, byte,
 * user-defined, unknown or unused token), the surface is a word of at least 2 letters, starting
 * with a word boundary when the label follows a space (labelSep ends with " "), not one of
 * `exclude` (lower-case words), not one of `excludeIds` and not a word `excludeWord` rejects.
 * Sorted by id; duplicates of a word keep the lowest id.
 */
export function labelTokenCandidates(
  vocab: readonly VocabEntry[],
  exclude: ReadonlySet<string>,
  wordInitial: boolean,
  excludeIds: ReadonlySet<number> = new Set(),
  excludeWord: (lowerCaseWord: string) => boolean = () => false,
): { id: number; word: string }[] {
  const seen = new Set<string>();
  const out: { id: number; word: string }[] = [];
  for (const v of [...vocab].sort((a, b) => a.id - b.id)) {
    if (v.type !== "normal" || excludeIds.has(v.id)) continue;
    const s = vocabSurface(v);
    const word = wordInitial ? (s.startsWith(" ") ? s.slice(1) : "") : s;
    if (!/^\p{L}{2,}$/u.test(word)) continue;
    const low = word.toLowerCase();
    if (exclude.has(low) || seen.has(low) || excludeWord(low)) continue;
    seen.add(low);
    out.push({ id: v.id, word });
  }
  return out;
}

/**
 * What a random label token must not be, from texts of the demo file tokenized IN CONTEXT (each
 * example rendered in the template, the instruction, every label): every token id that occurs,
 * and every word that is a piece of a word of the file: the texts' own words and the words their
 * tokens spell, lower-cased ("rasp" of "raspberry", "pos" of "positive", "film" at the start of a
 * line, held by the vocabulary under another id than " film"). `excludesWord(w)` tests the latter.
 */
export function fileTokenExclusion(tok: TokenizerAccess, texts: readonly string[]): { ids: Set<number>; excludesWord: (word: string) => boolean } {
  const ids = new Set<number>();
  for (const t of tokenizeAll(tok, texts)) for (const id of t) ids.add(id);
  const words = new Set<string>();
  const byId = new Map(tok.vocab.map((v) => [v.id, v]));
  for (const id of ids) {
    const v = byId.get(id);
    for (const w of (v ? vocabSurface(v) : "").toLowerCase().match(/\p{L}+/gu) ?? []) words.add(w);
  }
  for (const t of texts) for (const w of t.toLowerCase().match(/\p{L}+/gu) ?? []) words.add(w);
  // One string of all words, so "is a piece of one of them" is one substring search.
  const joined = "\u0001" + [...words].join("\u0001") + "\u0001";
  return { ids, excludesWord: (word) => joined.includes(word.toLowerCase()) };
}

/**
 * Picks `count` distinct random label tokens. Candidates (labelTokenCandidates) are taken in a
 * seeded random order and kept only if they are a single token IN CONTEXT:
 * tokenize(context + labelSep + word) must equal tokenize(context) followed by exactly that id.
 * Checks run in batches (one engine round trip per batch with a prefetching tokenizer). `notes`
 * receives a sentence when the pool had to fall back (a vocabulary without word markers).
 */
export function pickLabelTokens(opts: {
  tokenizer: TokenizerAccess;
  count: number;
  rng: RandomGenerator;
  context: string;
  labelSep: string;
  exclude: ReadonlySet<string>;
  excludeIds?: ReadonlySet<number>;
  excludeWord?: (lowerCaseWord: string) => boolean;
  maxChecks?: number;
  notes?: string[];
}): { id: number; word: string }[] {
  const { tokenizer, count, rng, context, labelSep, exclude, excludeIds, excludeWord } = opts;
  let pool = labelTokenCandidates(tokenizer.vocab, exclude, labelSep.endsWith(" "), excludeIds, excludeWord);
  // A vocabulary given without word markers (no `piece`, detokenized text without the leading
  // space): take every word-like token and let the in-context check decide.
  if (pool.length === 0 && labelSep.endsWith(" ")) {
    pool = labelTokenCandidates(tokenizer.vocab, exclude, false, excludeIds, excludeWord);
    opts.notes?.push("the vocabulary shows no word-boundary markers, so every word-like token was a candidate (each still verified to be one token after the label's space in context)");
  }
  const candidates = shuffle(rng, pool);
  const maxChecks = Math.min(candidates.length, opts.maxChecks ?? 4000);
  const chosen: { id: number; word: string }[] = [];
  // tokenizeAll gives one tokenization per text (here and below).
  const base = defined(tokenizeAll(tokenizer, [context])[0], "tokenization of the context");
  for (let i = 0; i < maxChecks && chosen.length < count;) {
    const batch = candidates.slice(i, Math.min(maxChecks, i + Math.max(8, (count - chosen.length) * 4)));
    i += batch.length;
    const toks = tokenizeAll(
      tokenizer,
      batch.map((c) => context + labelSep + c.word),
    );
    batch.forEach((c, j) => {
      const t = defined(toks[j], "tokenization of a candidate label");
      if (chosen.length < count && t.length === base.length + 1 && t[t.length - 1] === c.id && base.every((b, x) => t[x] === b)) chosen.push(c);
    });
  }
  if (chosen.length < count) {
    throw new Error(`only ${chosen.length} of ${count} random label tokens are single tokens in context after ${maxChecks} checks`);
  }
  return chosen;
}

export type SegmentKind = "template" | "input" | "label";

/** Length of the common prefix of two token arrays. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Classifies the tokens of a text made of segments by where they come from, using the
 * IN-CONTEXT tokenization: the whole text is tokenized once, and every segment boundary is
 * located by tokenizing the text up to it and taking the common prefix with the whole (a token
 * merging across a boundary goes to the earlier segment's side of the cut). This avoids the
 * pitfall of the authors' code, which tokenized template words on their own.
 */
export function classifyTokens(tok: TokenizerAccess, segments: readonly { text: string; kind: SegmentKind }[]): { tokens: number[]; kinds: SegmentKind[] } {
  const texts: string[] = [];
  let acc = "";
  for (const s of segments) {
    acc += s.text;
    texts.push(acc);
  }
  const all = tokenizeAll(tok, texts);
  const tokens = all[all.length - 1] ?? [];
  const kinds: SegmentKind[] = new Array(tokens.length);
  let start = 0;
  segments.forEach((s, j) => {
    const end = j === segments.length - 1 ? tokens.length : Math.max(start, commonPrefix(defined(all[j], "tokenization of a segment prefix"), tokens));
    for (let x = start; x < end; x++) kinds[x] = s.kind;
    start = end;
  });
  return { tokens, kinds };
}

/**
 * Segments of a rendered demonstration: template literal text, {input} and {label} slots, in
 * order (only full-format demos; the separator is added by the caller).
 */
export function templateSegments(template: string, input: string, label: string): { text: string; kind: SegmentKind }[] {
  const out: { text: string; kind: SegmentKind }[] = [];
  for (const part of template.split(/(\{input\}|\{label\})/)) {
    if (part === "{input}") out.push({ text: input, kind: "input" });
    else if (part === "{label}") out.push({ text: label, kind: "label" });
    else if (part !== "") out.push({ text: part, kind: "template" });
  }
  return out;
}

/** Token ids that a permutation may move: normal tokens not in `keep`. Sorted ascending. */
export function permutableIds(vocab: readonly VocabEntry[], keep: ReadonlySet<number>): number[] {
  return vocab
    .filter((v) => v.type === "normal" && !keep.has(v.id))
    .map((v) => v.id)
    .sort((a, b) => a - b);
}

/** A seeded bijection on `ids`: ids[i] -> shuffled[i]. */
export function tokenPermutation(rng: RandomGenerator, ids: readonly number[]): Map<number, number> {
  const shuffled = shuffle(rng, ids);
  return new Map(ids.map((id, i) => [id, defined(shuffled[i], "shuffled id")]));
}

/** Applies the permutation; ids outside it (kept, control, byte tokens) stay. */
export function permuteTokens(tokens: readonly number[], perm: ReadonlyMap<number, number>): number[] {
  return tokens.map((t) => perm.get(t) ?? t);
}

/** The texts a prompt's token split needs: prefix, prefix + query, and each full prompt + label. */
export function promptTokenTexts(prompt: { prefix: string; query: string; labelSep: string; labels: readonly string[] }): string[] {
  const pq = prompt.prefix + prompt.query;
  return [prompt.prefix, pq, ...prompt.labels.map((l) => pq + prompt.labelSep + l)];
}

/**
 * Splits a text prompt into prefix, query and label tokens by joint tokenization: label tokens
 * are what follows the common prefix of tokenize(prefix + query) and
 * tokenize(prefix + query + labelSep + label). When the label merges with the end of the prompt
 * (a boundary merge), that common prefix is shorter than the prompt: `labelOverlap` says how many
 * prompt tokens the label's continuation replaces, so the engine scores it from the divergence
 * point exactly as it does a text item (and reports the merge). When the prefix and the query
 * merge into one token, the prefix is shortened to the common tokens and `warnings` says so.
 */
export function splitPromptTokens(tok: TokenizerAccess, prompt: { prefix: string; query: string; labelSep: string; labels: readonly string[] }): TokenPrompt {
  const all = tokenizeAll(tok, promptTokenTexts(prompt));
  const pre = defined(all[0], "tokenization of the prefix");
  const pq = defined(all[1], "tokenization of prefix + query");
  const full = all.slice(2);
  const warnings: ScoreWarning[] = [];
  const prefixTokens = prompt.prefix === "" ? [] : pre;
  let cut = prefixTokens.length;
  if (commonPrefix(prefixTokens, pq) !== cut) {
    cut = commonPrefix(prefixTokens, pq);
    warnings.push({
      code: "token-prompt-merge",
      message: `the prefix and the query merge at their boundary (prefix ends ${JSON.stringify(prefixTokens.slice(cut))}, joint ${JSON.stringify(pq.slice(cut, cut + 2))}); the prefix was shortened to the ${cut} tokens they share.`,
      tokens: pq.slice(cut, cut + 1),
    });
  }
  const labelOverlap: number[] = [];
  const labelTokens = full.map((f) => {
    const c = commonPrefix(f, pq);
    labelOverlap.push(pq.length - c);
    return f.slice(c);
  });
  return { prefixTokens: pq.slice(0, cut), queryTokens: pq.slice(cut), labelTokens, labelOverlap, warnings };
}
