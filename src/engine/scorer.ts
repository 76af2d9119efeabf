// Exact per-label scoring with prefix reuse. Pure logic over two small interfaces (a tokenizer
// and a KV-cached sequence), so the planning is unit-tested without a model (test/unit/engine*)
// and the worker plugs node-llama-cpp in (worker.ts). The item preparation (joint tokenization,
// BOS rule, label tokens after the divergence point, warnings) and scoreQuery (sums, softmax,
// ranks) are backend-independent, so any other backend scores exactly alike.
//
// Math (docs/ENGINE.md): for a prompt T (BOS + prefix + query) and a label whose joint
// tokenization is F = tokenize(prefix + query + labelSep + label), the label's tokens are F after
// its longest common prefix d with T (normally d = |T|). logProb = sum over i in [d, |F|) of
// log p(F[i] | F[0..i)), each token teacher-forced; the distribution after F[i-1] is read
// where F[i-1] is evaluated. Prefix reuse: the sequence keeps its evaluated tokens; a new
// request erases only what differs (longest common prefix with the current state) and evaluates
// the rest, so a demo prefix is evaluated once per group and each query's own tokens once.
import type { LabelScore } from "../core/types";
import type { ScoreWarning } from "../core/warnings";
import { decideLabels, goldRankOf } from "../core/labelDecision";
import { defined } from "../core/defined";
import { EngineFailure, isTokenItem, type DemoSpan, type ItemScore, type ScoreItem, type ScoreStats } from "./protocol";

/**
 * What the model gives after one position: the raw logits of the tokens asked for and the
 * log-softmax normaliser over the whole vocabulary, so log p(t) = logits(t) − logNormaliser.
 */
export interface NextTokenLogits {
  /** Raw logits of (at least) the requested tokens. */
  readonly logits: ReadonlyMap<number, number>;
  /** log Σ_v exp(logit_v) over the vocabulary. */
  readonly logNormaliser: number;
}

/** Next-token distributions wanted from one evaluate call: position in the call -> the tokens whose logits are needed there. */
export type LogitRequests = ReadonlyMap<number, readonly number[]>;

export interface Tokenizer {
  /** Tokenize user text with special tokens off; never adds BOS. */
  tokenize(text: string): number[];
  /** BOS id to prepend, or null when the model does not ask for one. */
  readonly bosToPrepend: number | null;
}

export interface SequenceBackend {
  /**
   * Appends `tokens` to the sequence; for each [i, wanted] of `want`, returns the raw logits of
   * the `wanted` tokens after tokens[i] and the normaliser. Only those tokens' logits are read,
   * never the whole vocabulary's distribution (its cost grows with the vocabulary).
   */
  evaluate(tokens: number[], want: LogitRequests): Promise<Map<number, NextTokenLogits>>;
  /** Erases tokens [from, end) from the KV cache. */
  eraseFrom(from: number): Promise<void>;
}

/** Smallest positive normal float32: probabilities come from a float32 softmax. */
export const PROB_FLOOR = 1.1754943508222875e-38;

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

interface PreparedLabel {
  label: string;
  /** Full token sequence (BOS + prompt + label), possibly with a changed prompt tail. */
  full: number[];
  /** Index of the first scored token (divergence from the prompt tokens). */
  start: number;
}

export interface PreparedItem {
  index: number;
  id: string;
  groupKey: string;
  /**
   * The group's canonical prefix: BOS + the prefix's tokens without its last one (which may
   * merge with the query's first characters). The runner's prefix is the instruction, the demos
   * and the template's lead before the input (items.ts textScoreItem). A function of the prefix alone, never of which
   * queries share it, so it is evaluated the same way in every request (see scorePrepared).
   */
  groupPrefix: number[];
  prompt: number[];
  labels: PreparedLabel[];
  gold?: string;
  warnings: ScoreWarning[];
}

function withBos(tok: Tokenizer, tokens: number[]): number[] {
  return tok.bosToPrepend === null ? tokens : [tok.bosToPrepend, ...tokens];
}

function fmt(tokens: readonly number[]): string {
  return `[${tokens.join(", ")}]`;
}

/**
 * Tokenizes one item jointly and collects tokenization warnings (no model evaluation).
 * `prefixMemo` shares the canonical group prefix between the items of one request.
 */
export function prepareItem(tok: Tokenizer, item: ScoreItem, index: number, prefixMemo = new Map<string, number[]>()): PreparedItem {
  if (typeof item.id !== "string") throw new EngineFailure("invalid-request", `score item #${index + 1} has no string id.`);
  if (!Array.isArray(item.labels) || item.labels.length === 0) throw new EngineFailure("invalid-request", `score item "${item.id}" has no labels.`, "Give at least one candidate label.");
  if (new Set(item.labels).size !== item.labels.length)
    throw new EngineFailure("invalid-request", `score item "${item.id}" lists a label twice: ${JSON.stringify(item.labels)}.`, "Labels must be distinct.");
  if (item.gold !== undefined && !item.labels.includes(item.gold))
    throw new EngineFailure("invalid-request", `score item "${item.id}": gold label "${item.gold}" is not among its labels ${JSON.stringify(item.labels)}.`);
  const warnings: ScoreWarning[] = [];
  let prompt: number[];
  let labels: PreparedLabel[];
  let groupKey: string;
  let labelSep: string;
  if (isTokenItem(item)) {
    if (item.labelTokens.length !== item.labels.length)
      throw new EngineFailure("invalid-request", `score item "${item.id}": ${item.labelTokens.length} label token lists for ${item.labels.length} labels.`);
    if (
      item.labelOverlap !== undefined &&
      (item.labelOverlap.length !== item.labels.length || item.labelOverlap.some((o) => !Number.isInteger(o) || o < 0 || o > item.prefixTokens.length + item.queryTokens.length))
    )
      throw new EngineFailure(
        "invalid-request",
        `score item "${item.id}": labelOverlap must give, per label, a count from 0 to the prompt's ${item.prefixTokens.length + item.queryTokens.length} tokens.`,
      );
    prompt = withBos(tok, [...item.prefixTokens, ...item.queryTokens]);
    groupKey = "t:" + item.prefixTokens.join(",");
    labelSep = "";
    labels = item.labels.map((label, i) => {
      const lt = defined(item.labelTokens[i], `label token list ${i}`); // lengths checked above
      if (lt.length === 0) throw new EngineFailure("invalid-request", `score item "${item.id}": label "${label}" has no tokens.`);
      // The caller found the divergence point by joint tokenization of the text (core/tokenizer.ts).
      const start = prompt.length - (item.labelOverlap?.[i] ?? 0);
      return { label, full: [...prompt.slice(0, start), ...lt], start };
    });
  } else {
    const promptText = item.prefix + item.query;
    prompt = withBos(tok, tok.tokenize(promptText));
    groupKey = "s:" + item.prefix;
    labelSep = item.labelSep;
    labels = item.labels.map((label) => {
      const full = withBos(tok, tok.tokenize(promptText + item.labelSep + label));
      const d = commonPrefixLength(prompt, full);
      if (d === full.length) throw new EngineFailure("invalid-request", `score item "${item.id}": label ${JSON.stringify(label)} adds no tokens after the prompt.`, "Labels must be non-empty text.");
      return { label, full, start: d };
    });
    // Labels whose tokens in context match neither the label tokenized alone nor labelSep+label
    // alone: their tokenization depends on context, so single-token assumptions break. Only for a
    // label set apart by whitespace: one glued to the text before it (labelSep "") is expected to
    // differ from the label alone (SentencePiece starts every text with a word boundary), and a
    // real merge there is a boundary merge.
    for (const l of labels) {
      if (l.start < prompt.length || item.labelSep === "") continue; // a boundary merge is reported below
      const inCtx = l.full.slice(l.start);
      const alone = tok.tokenize(l.label);
      const withSep = tok.tokenize(item.labelSep + l.label);
      if (!sameTokens(inCtx, alone) && !sameTokens(inCtx, withSep))
        warnings.push({
          code: "label-context-tokens",
          message: `label "${l.label}": its tokens after the prompt ${fmt(inCtx)} differ from the label tokenized alone ${fmt(alone)} and from labelSep+label alone ${fmt(withSep)}.`,
          labels: [l.label],
          tokens: inCtx,
        });
    }
    if (item.demos?.length) warnings.push(...demoLabelWarnings(tok, item.prefix, item.labelSep, item.demos, labels));
  }
  // A boundary merge: the label's joint tokenization changes the prompt's own last tokens, so it
  // is scored from the divergence point and its logProb also covers the merged prompt text.
  const merges: ScoreWarning[] = [];
  for (const l of labels)
    if (l.start < prompt.length)
      merges.push({
        code: "boundary-merge",
        message: `label "${l.label}": joint tokenization changes the prompt's last ${prompt.length - l.start} token(s) ${fmt(prompt.slice(l.start))} into ${fmt(l.full.slice(l.start))}${labelSep ? ` (labelSep ${JSON.stringify(labelSep)})` : ""}; scored from the divergence point, so its logProb also covers the merged prompt text.`,
        labels: [l.label],
        tokens: l.full.slice(l.start),
      });
  warnings.unshift(...merges);
  // Labels sharing a first token: their first-token log-probs are identical by construction.
  const byFirst = new Map<number, string[]>();
  for (const l of labels) {
    const t = defined(l.full[l.start], "a label's first token"); // start < full.length: a label adds tokens
    byFirst.set(t, [...(byFirst.get(t) ?? []), l.label]);
  }
  for (const [t, ls] of byFirst)
    if (ls.length > 1)
      warnings.push({
        code: "shared-first-token",
        message: `labels ${ls.map((l) => `"${l}"`).join(", ")} share their first token (id ${t}); firstTokenLogProb cannot tell them apart.`,
        labels: ls,
        tokens: [t],
      });
  let groupPrefix = prefixMemo.get(groupKey);
  if (!groupPrefix) {
    groupPrefix = isTokenItem(item) ? withBos(tok, item.prefixTokens) : withBos(tok, tok.tokenize(item.prefix).slice(0, -1));
    prefixMemo.set(groupKey, groupPrefix);
  }
  return { index, id: item.id, groupKey, groupPrefix, prompt, labels, gold: item.gold, warnings };
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && commonPrefixLength(a, b) === a.length;
}

/**
 * Compares each demo label's in-context tokens (joint tokenization of the prefix up to and
 * including the label) with the tokens the same label gets after the query. One warning per label
 * (its first demo that differs).
 */
export function demoLabelWarnings(tok: Tokenizer, prefix: string, labelSep: string, demos: DemoSpan[], labels: PreparedLabel[]): ScoreWarning[] {
  const out: ScoreWarning[] = [];
  const queryTokens = new Map(labels.map((l) => [l.label, l.full.slice(l.start)]));
  const whole = tok.tokenize(prefix);
  const reported = new Set<string>();
  demos.forEach((d, i) => {
    if (d.labelStart === undefined || d.label === undefined) return;
    const q = queryTokens.get(d.label);
    if (!q || reported.has(d.label)) return;
    const before = prefix.slice(0, d.labelStart);
    const ctx = labelSep && before.endsWith(labelSep) ? before.slice(0, before.length - labelSep.length) : before;
    const sep = before.slice(ctx.length);
    const a = tok.tokenize(ctx);
    const b = tok.tokenize(ctx + sep + d.label);
    const inCtx = b.slice(commonPrefixLength(a, b));
    if (commonPrefixLength(b, whole) < b.length) {
      reported.add(d.label);
      out.push({
        code: "demo-label-merge",
        message: `label "${d.label}" in demo ${i + 1} merges with the text after it in the prompt, so the model sees different tokens there than after the query ${fmt(q)}.`,
        labels: [d.label],
        tokens: whole.slice(commonPrefixLength(b, whole), b.length),
        demo: i + 1,
      });
    } else if (!sameTokens(inCtx, q)) {
      reported.add(d.label);
      out.push({
        code: "demo-label-tokens",
        message: `label "${d.label}" is tokenized as ${fmt(inCtx)} in demo ${i + 1} but as ${fmt(q)} after the query: the demos do not show the model the tokens that are scored.`,
        labels: [d.label],
        tokens: inCtx,
        demo: i + 1,
      });
    }
  });
  return out;
}

/** Longest prompt+label length of the prepared items, and the item holding it. */
export function longestSequence(items: PreparedItem[]): { length: number; item?: PreparedItem } {
  let best: { length: number; item?: PreparedItem } = { length: 0 };
  for (const it of items) for (const l of it.labels) if (l.full.length > best.length) best = { length: l.full.length, item: it };
  return best;
}

/**
 * Message for a prompt that does not fit: its length, how many tokens too long and, when the
 * caller gave per-demo lengths, the largest k that fits (dropping the longest demos first, so
 * any k demos of that set fit).
 */
export function overflowError(opts: { id: string; length: number; limit: number; fileName: string; demoTokenLengths?: number[] }): EngineFailure {
  const over = opts.length - opts.limit;
  let kNote = "";
  if (opts.demoTokenLengths?.length) {
    const lens = [...opts.demoTokenLengths].sort((a, b) => b - a);
    const fixed = opts.length - lens.reduce((a, b) => a + b, 0);
    // Conservative: the largest k such that the k LONGEST demos plus the rest of the prompt fit.
    let k = 0;
    let sum = fixed;
    while (k < lens.length && sum + lens[k]! <= opts.limit) sum += lens[k++]!;
    kNote = ` With these demos the largest k that fits is ${k} (of ${lens.length}).`;
  }
  return new EngineFailure(
    "context-overflow",
    `Query "${opts.id}": the prompt plus label is ${opts.length} tokens, but ${opts.fileName} has a context of ${opts.limit} tokens (${over} tokens too long).${kNote}`,
    "Use fewer demonstrations (smaller k), shorter examples, or a model with a longer context.",
  );
}

/**
 * Per-demo token lengths for the overflow report (demo text plus the separator before the next
 * one; the last demo's ends before the template's lead, which stays whatever k is).
 */
export function demoTokenLengths(tok: Tokenizer, item: ScoreItem): number[] | undefined {
  if (isTokenItem(item)) return item.demoTokenLengths;
  if (!item.demos?.length) return undefined;
  const end = item.prefix.length - (item.leadLength ?? 0);
  return item.demos.map((d, i) => tok.tokenize(item.prefix.slice(d.start, item.demos![i + 1]?.start ?? end)).length);
}

export interface ScoreHooks {
  /** Called before each query with the number of queries done; throw (EngineFailure "cancelled") to stop. */
  checkCancelled?: (done: number, total: number) => void;
  onProgress?: (done: number, total: number) => void;
  /** Each query's scores as soon as they are computed. */
  onItem?: (item: ItemScore) => void;
}

/** Keeps the sequence's token state and the distributions read so far, and evaluates only what is missing. */
export class PrefixCache {
  private tokens: number[] = [];
  private dists = new Map<number, NextTokenLogits>();
  /**
   * End positions of the evaluate calls that produced the cached tokens, in order. llama.cpp's
   * numbers for a token depend (in the last bits) on which other tokens were in its batch, so a
   * canonical prefix is reused only where it was cut the same way (ensurePrefix).
   */
  private cuts: number[] = [];
  evaluated = 0;
  distributions = 0;
  /** @param chunk longest evaluate call, at most the context's batch size, so llama.cpp never splits one by itself. */
  constructor(
    private readonly backend: SequenceBackend,
    readonly chunk = CHUNK_TOKENS,
  ) {}

  get length(): number {
    return this.tokens.length;
  }

  /** Forgets everything (after the backend's sequence was replaced). */
  reset(): void {
    this.tokens = [];
    this.dists.clear();
    this.cuts = [];
  }

  /**
   * Whether the sequence already holds `prefix` exactly as ensurePrefix would leave it (same
   * tokens, cut the same way), so that ensurePrefix evaluates nothing.
   */
  holdsPrefix(prefix: readonly number[]): boolean {
    const want = prefixCuts(prefix, this.chunk);
    if (this.tokens.length < prefix.length || commonPrefixLength(this.tokens, prefix) < prefix.length) return false;
    return want.every((c, i) => this.cuts[i] === c);
  }

  /**
   * Takes over `source`'s first `upTo` tokens: `copy` copies the KV state (the backend's job),
   * then this mirror takes the source's tokens, cuts and logits below `upTo`. The numbers of a
   * copied prefix are the source's exactly (a copy, not an evaluation).
   */
  async adopt(source: PrefixCache, upTo: number, copy: () => Promise<void>): Promise<void> {
    this.reset();
    await copy();
    this.tokens = source.tokens.slice(0, upTo);
    this.cuts = source.cuts.filter((c) => c <= upTo);
    for (const [p, d] of source.dists) if (p < upTo) this.dists.set(p, d);
  }

  /** Erases tokens from `from` on (rollback after a query). */
  async rollback(from: number): Promise<void> {
    if (from >= this.tokens.length) return;
    await this.backend.eraseFrom(from);
    this.tokens.length = from;
    for (const p of [...this.dists.keys()]) if (p >= from) this.dists.delete(p);
    // A chunk cut short is no longer a whole chunk: only whole ones count for ensurePrefix.
    this.cuts = this.cuts.filter((c) => c <= from);
  }

  /**
   * Makes `prefix` the sequence's leading tokens, evaluated in chunks that end at multiples of
   * `chunk` and at prefix.length. Whole chunks cached exactly so (same tokens, same cuts from 0)
   * are kept; the rest is evaluated again, so the prefix's numbers never depend on what the
   * sequence held before.
   */
  async ensurePrefix(prefix: readonly number[]): Promise<void> {
    const want = prefixCuts(prefix, this.chunk);
    const lcp = commonPrefixLength(this.tokens, prefix);
    let keep = 0;
    for (let i = 0; i < want.length && i < this.cuts.length && want[i] === this.cuts[i] && want[i]! <= lcp; i++) keep = want[i]!;
    if (keep === prefix.length && this.tokens.length === keep) return;
    await this.rollback(keep);
    for (const end of want) if (end > keep) await this.evaluateChunk(prefix.slice(this.tokens.length, end), new Map());
  }

  private async evaluateChunk(tokens: readonly number[], want: LogitRequests): Promise<Map<number, NextTokenLogits>> {
    const got = await this.backend.evaluate([...tokens], want);
    this.evaluated += tokens.length;
    this.distributions += want.size;
    this.tokens.push(...tokens);
    this.cuts.push(this.tokens.length);
    return got;
  }

  /**
   * Makes `seq[0..upTo)` the sequence's leading tokens and returns, for each [p, tokens] of
   * `need` (p < upTo), the logits of those tokens after position p. Reuses the longest common
   * prefix with what is cached (and the logits read there, when they cover the tokens) and
   * evaluates the rest in calls of at most `chunk` tokens.
   */
  async ensure(seq: readonly number[], upTo: number, need: LogitRequests): Promise<Map<number, NextTokenLogits>> {
    const lcp = commonPrefixLength(this.tokens, seq.slice(0, upTo));
    let start = lcp;
    for (const [p, toks] of need) if (!(p < lcp && covers(this.dists.get(p), toks))) start = Math.min(start, p);
    if (start < upTo) {
      await this.rollback(start);
      for (let a = start; a < upTo; a += this.chunk) {
        const b = Math.min(upTo, a + this.chunk);
        const want = new Map<number, readonly number[]>();
        for (const [p, toks] of need) if (p >= a && p < b) want.set(p - a, toks);
        const got = await this.evaluateChunk(seq.slice(a, b), want);
        for (const [i, d] of got) this.dists.set(a + i, d);
      }
    }
    const out = new Map<number, NextTokenLogits>();
    for (const [p, toks] of need) {
      const d = this.dists.get(p);
      if (!covers(d, toks)) throw new EngineFailure("internal", `no logits for tokens ${fmt(toks)} at position ${p} after evaluation`);
      out.set(p, d);
    }
    return out;
  }
}

/** Where ensurePrefix cuts a prefix: at multiples of `chunk` and at its end. */
function prefixCuts(prefix: readonly number[], chunk: number): number[] {
  const want: number[] = [];
  for (let c = chunk; c < prefix.length; c += chunk) want.push(c);
  if (prefix.length > 0) want.push(prefix.length);
  return want;
}

function covers(d: NextTokenLogits | undefined, tokens: readonly number[]): d is NextTokenLogits {
  return d !== undefined && tokens.every((t) => d.logits.has(t));
}

/** Natural log-prob of `token` from a position's logits (exact: the logit minus the log-softmax normaliser). */
export function logProbOf(d: NextTokenLogits, token: number): number {
  const l = d.logits.get(token);
  if (l === undefined) throw new EngineFailure("internal", `no logit for token ${token}`);
  return l - d.logNormaliser;
}

/**
 * The logits one query needs, per label: position p -> the tokens read after p. Labels that
 * share their tokens up to a position share its read (its token set is the union of what they
 * need there), so the first position serves every label's first token in one read.
 */
export function labelLogitRequests(it: PreparedItem): Map<number, number[]>[] {
  const base = Math.min(...it.labels.map((l) => l.start));
  const byPrefix = new Map<string, Set<number>>();
  const key = (l: PreparedLabel, i: number) => `${i}:${l.full.slice(base, i).join(",")}`;
  for (const l of it.labels)
    for (let i = l.start; i < l.full.length; i++) {
      const k = key(l, i);
      let set = byPrefix.get(k);
      if (!set) byPrefix.set(k, (set = new Set()));
      set.add(l.full[i]!); // i < l.full.length, the loop's bound
    }
  return it.labels.map((l) => {
    const need = new Map<number, number[]>();
    for (let i = l.start; i < l.full.length; i++)
      need.set(
        i - 1,
        [...defined(byPrefix.get(key(l, i)), "the token set of a label prefix put in the loop above")].sort((a, b) => a - b),
      );
    return need;
  });
}

/**
 * Longest evaluate call (tokens). The engine's contexts have at least 256 cells and a batch of
 * exactly this many tokens (worker.ts), so a call of 256 is never split by node-llama-cpp or llama.cpp, and
 * the same tokens are always decoded in the same batches whatever the context size. Changing it
 * changes every prefix's cuts and so exact-mode numbers: bump SCORE_PLAN_VERSION (items.ts).
 */
export const CHUNK_TOKENS = 256;

/**
 * The minimum number of tokens any exact scorer with a KV cache must evaluate: the number of
 * distinct token prefixes among all sequences whose distributions are needed (each label's
 * full sequence minus its last token). Each demo prefix counts once, each query's own tokens
 * once, and label tokens shared by several labels (a common first token) once.
 */
export function minimumTokens(items: PreparedItem[]): number {
  type Node = Map<number, Node>;
  const root: Node = new Map();
  let count = 0;
  for (const it of items)
    for (const l of it.labels) {
      let node = root;
      for (let i = 0; i < l.full.length - 1; i++) {
        const t = l.full[i]!; // i < l.full.length - 1, the loop's bound
        let next = node.get(t);
        if (!next) {
          next = new Map();
          node.set(t, next);
          count++;
        }
        node = next;
      }
    }
  return count;
}

/**
 * Tokens of the scorer's canonical plan for one request on an empty cache: each group's prefix
 * once, then each query from there (the rest of its prompt and its labels' distinct tokens).
 * Above minimumTokens by the tokens that queries share beyond the canonical prefix (the
 * template's lead is in it, items.ts textScoreItem), which each query evaluates itself so that
 * its numbers do not depend on its neighbours.
 */
export function plannedTokens(items: PreparedItem[]): number {
  let n = 0;
  const prefixes = new Set<string>();
  for (const it of items) {
    if (!prefixes.has(it.groupKey)) n += it.groupPrefix.length;
    prefixes.add(it.groupKey);
    const start = queryStart(it);
    const seen = new Set<string>();
    for (const l of it.labels) for (let j = start + 1; j < l.full.length; j++) seen.add(l.full.slice(0, j).join(","));
    n += seen.size;
  }
  return n;
}

/** Where a query's own evaluation starts: after its group's canonical prefix, leaving its last prompt token. */
export function queryStart(it: PreparedItem): number {
  return Math.min(commonPrefixLength(it.groupPrefix, it.prompt), it.prompt.length - 1);
}

/** Lexicographic order of token sequences: sorting prompts by it visits their trie depth-first. */
export function compareTokens(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  if (!Number.isFinite(m)) return xs.map(() => 1 / xs.length);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** log PROB_FLOOR: the clamp applied to token log-probs (natural log). */
export const LOG_PROB_FLOOR = Math.log(PROB_FLOOR);

/**
 * Natural log-prob of label `labelIndex`'s token at `position` (that is, of full[position] given
 * full[0..position)). -Infinity or NaN for a probability that underflowed to 0.
 */
export type TokenLogProb = (labelIndex: number, position: number) => number;

/** Raw logit of label `labelIndex`'s first token, where the backend reads logits (undefined otherwise). */
export type FirstTokenLogit = (labelIndex: number) => number | undefined;

/**
 * One query's scores from its label tokens' log-probs: the sums, means, first-token log-probs,
 * the softmax over the labels, the prediction, the gold rank and the warnings. Independent of
 * how the log-probs were obtained, so every backend sums, clamps and ranks exactly alike.
 */
export function scoreQuery(it: PreparedItem, tokenLogProb: TokenLogProb, firstTokenLogit?: FirstTokenLogit): ItemScore {
  const scores: LabelScore[] = [];
  const warnings = [...it.warnings];
  it.labels.forEach((l, li) => {
    let logProb = 0;
    let first = 0;
    const clamped: number[] = [];
    for (let i = l.start; i < l.full.length; i++) {
      const token = l.full[i]!; // i < l.full.length, the loop's bound
      let lp = tokenLogProb(li, i);
      // Same rule as clamping the probability at PROB_FLOOR: log is monotonic.
      if (!(lp >= LOG_PROB_FLOOR)) {
        lp = LOG_PROB_FLOOR;
        clamped.push(token);
      }
      if (i === l.start) first = lp;
      logProb += lp;
    }
    if (clamped.length) {
      const n = clamped.length;
      warnings.push({
        code: "prob-underflow",
        message: `label "${l.label}": ${n} token probabilit${n === 1 ? "y" : "ies"} underflowed to 0 and ${n === 1 ? "was" : "were"} clamped to ${PROB_FLOOR.toExponential(3)} (log ${LOG_PROB_FLOOR.toFixed(2)}); its logProb is an upper bound.`,
        labels: [l.label],
        tokens: clamped,
      });
    }
    const n = l.full.length - l.start;
    const logit = firstTokenLogit?.(li);
    scores.push({ label: l.label, logProb, meanLogProb: logProb / n, firstTokenLogProb: first, tokens: n, prob: 0, ...(logit === undefined ? {} : { firstTokenLogit: logit }) });
  });
  const probs = softmax(scores.map((s) => s.logProb));
  scores.forEach((s, i) => (s.prob = defined(probs[i], `softmax of label ${i}`)));
  // The same rule as the records (src/core/labelDecision.ts): a tie is no prediction.
  const d = decideLabels(scores);
  return {
    id: it.id,
    labels: scores,
    labelTokenIds: it.labels.map((l) => l.full.slice(l.start)),
    promptTokens: it.prompt.length,
    predicted: d.predicted,
    ...(d.tied ? { tied: d.tied } : {}),
    goldRank: it.gold === undefined ? undefined : goldRankOf(scores, it.gold),
    warnings,
  };
}

/**
 * One query from its group's canonical prefix: the prefix (kept when cached), then all of the
 * query's own tokens, then its labels' tokens. Every query starts from the canonical prefix and
 * evaluates all of its own tokens, so on one sequence its numbers are a function of the item
 * alone: the same in a resumed run, in a request of other queries, or after another run on a
 * warm engine. (Sharing the tokens two queries have in common beyond the prefix would make them
 * depend on the neighbour.) `naive` as in scorePrepared.
 */
export async function scoreOne(cache: PrefixCache, it: PreparedItem, naive?: "plain" | "per-query"): Promise<ItemScore> {
  const start = queryStart(it);
  if (!naive) {
    await cache.ensurePrefix(it.groupPrefix);
    await cache.rollback(start);
  } else if (naive === "per-query") await cache.rollback(0);
  const needs = labelLogitRequests(it);
  const dists: Map<number, NextTokenLogits>[] = new Array(it.labels.length);
  // Labels in token order, so that labels sharing leading tokens are adjacent and share their
  // evaluation through the cache (1,000 two-word labels: one decode per distinct first token
  // instead of one per label). A function of the item alone, like every other cut.
  for (const li of labelOrder(it)) {
    const l = defined(it.labels[li], `label ${li}`);
    if (naive === "plain") await cache.rollback(0);
    dists[li] = await cache.ensure(l.full, l.full.length - 1, defined(needs[li], `logit requests of label ${li}`));
  }
  // ensure() returned every position asked for in needs, which covers each label's tokens.
  const at = (li: number, i: number) => defined(defined(dists[li], `logits of label ${li}`).get(i - 1), `logits at position ${i - 1} of label ${li}`);
  const label = (li: number) => defined(it.labels[li], `label ${li}`);
  return scoreQuery(
    it,
    (li, i) => logProbOf(at(li, i), defined(label(li).full[i], `token ${i} of label ${li}`)),
    (li) => at(li, label(li).start).logits.get(defined(label(li).full[label(li).start], `first token of label ${li}`)),
  );
}

/** Label indices in lexicographic order of their token sequences (ties keep the item's order). */
export function labelOrder(it: PreparedItem): number[] {
  return it.labels.map((_, i) => i).sort((a, b) => compareTokens(defined(it.labels[a], "label").full, defined(it.labels[b], "label").full) || a - b);
}

/** Items grouped by identical prefix, in first-seen order, each group's queries in lexicographic token order (unless `keepOrder`). */
export function planGroups(items: PreparedItem[], keepOrder = false): PreparedItem[][] {
  const groups = new Map<string, PreparedItem[]>();
  for (const it of items) groups.set(it.groupKey, [...(groups.get(it.groupKey) ?? []), it]);
  // Lexicographic token order: a deterministic order, whatever order the items came in.
  return [...groups.values()].map((g) => (keepOrder ? g : [...g].sort((a, b) => compareTokens(a.prompt, b.prompt))));
}

/** The request's token accounting (see ScoreStats). */
export function scoreStats(items: PreparedItem[], groups: number, evaluatedTokens: number, distributions: number): Omit<ScoreStats, "contextSize" | "ms"> {
  return { items: items.length, groups, evaluatedTokens, minimumTokens: minimumTokens(items), plannedTokens: plannedTokens(items), distributions };
}

/**
 * Scores prepared items group by group on one sequence: each distinct prefix is evaluated once,
 * each query's own tokens once. Results keep input order. `naive` selects a from-scratch
 * reference: "plain", every label's whole sequence evaluated from an empty KV cache;
 * "per-query" (lm-evaluation-harness style), each query's prompt from an empty cache once and its
 * labels from there, labels sharing leading tokens sharing their evaluation.
 *
 * One sequence on purpose (exact mode). Spreading a group's queries over several sequences of
 * one context, as they became ready, was nondeterministic and, at times, wrong by whole nats
 * (issue 9, docs/ENGINE.md "Why one sequence"): node-llama-cpp reads each output's logits in
 * its own thread-pool job, and llama.cpp reorders a multi-sequence batch's logits in place on
 * first access, so concurrent reads raced; and even with the reads serialised, the batch
 * composition depended on timing, which changes float rounding from run to run. Fast mode's
 * batched scorer (batchedScorer.ts) fixes both and is opt-in, because a query's numbers there
 * depend on its batch neighbours.
 */
export async function scorePrepared(
  cache: PrefixCache,
  items: PreparedItem[],
  hooks: ScoreHooks = {},
  naive?: "plain" | "per-query",
): Promise<{ results: ItemScore[]; stats: Omit<ScoreStats, "contextSize" | "ms"> }> {
  const groups = planGroups(items, naive !== undefined);
  const results: ItemScore[] = new Array(items.length);
  const evaluated0 = cache.evaluated;
  const dist0 = cache.distributions;
  let done = 0;
  for (const group of groups) {
    hooks.checkCancelled?.(done, items.length);
    for (const it of group) {
      hooks.checkCancelled?.(done, items.length);
      const score = await scoreOne(cache, it, naive);
      results[it.index] = score;
      hooks.onItem?.(score);
      hooks.onProgress?.(++done, items.length);
    }
  }
  return { results, stats: scoreStats(items, groups.length, cache.evaluated - evaluated0, cache.distributions - dist0) };
}
