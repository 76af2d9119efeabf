// Tokenization through the server's own tokenizer, for the scorer's synchronous Tokenizer
// interface (src/engine/scorer.ts). prepareItem asks for texts one at a time; here it runs over
// a cache, and every text it asked for and the cache lacked is fetched from the server in one
// round (concurrently), then it runs again, until nothing is missing. core's withTokenizer does
// the same one text per round; this records them all instead, so a demo set's ~260 texts cost
// a few rounds rather than hundreds. The cache lives as long as the engine (one run in the CLI).
import { defined } from "../core/defined";
import type { Tokenizer } from "../engine/scorer";

/** Texts fetched per round are bounded by the run; the cache is dropped past this many tokens. */
const CACHE_TOKEN_LIMIT = 4_000_000;
const MAX_ROUNDS = 12;

export class RemoteTokenizer {
  private readonly cache = new Map<string, number[]>();
  private cachedTokens = 0;
  /** Texts asked for by the last run of a computation and not in the cache. */
  private missing = new Set<string>();
  private readonly sync: Tokenizer;

  constructor(
    /** Token ids of each text, special tokens not added (the server's add_special_tokens: false). */
    private readonly fetch: (texts: string[]) => Promise<number[][]>,
    readonly bosToPrepend: number | null,
  ) {
    let dummy = 0;
    const placeholders = new Map<string, number[]>();
    this.sync = {
      bosToPrepend,
      tokenize: (text) => {
        const hit = this.cache.get(text);
        if (hit) return hit;
        this.missing.add(text);
        // A distinct placeholder per text keeps the computation going, so one run lists every
        // text it needs; its results are discarded until nothing was missing.
        let p = placeholders.get(text);
        if (!p) placeholders.set(text, (p = [-1 - dummy++]));
        return p;
      },
    };
  }

  /** Texts in the cache (for the tests' accounting). */
  get size(): number {
    return this.cache.size;
  }

  /** Token ids of `texts` (cached, fetched when missing). */
  async tokenize(texts: string[]): Promise<number[][]> {
    return this.run((tok) => texts.map((t) => tok.tokenize(t)));
  }

  /**
   * Runs a pure computation over the server's tokenizer. `compute` must be deterministic in the
   * tokens it is given (prepareItem is); errors it throws while texts were still missing are
   * ignored, since they may come from placeholders.
   */
  async run<T>(compute: (tok: Tokenizer) => T, signal?: AbortSignal): Promise<T> {
    // Dropped between computations only: one computation's texts stay until it completes.
    if (this.cachedTokens > CACHE_TOKEN_LIMIT) {
      this.cache.clear();
      this.cachedTokens = 0;
    }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      this.missing = new Set();
      let result: T | undefined;
      let error: unknown;
      try {
        result = compute(this.sync);
      } catch (e) {
        error = e;
      }
      const need = [...this.missing];
      if (need.length === 0) {
        if (error !== undefined) throw error;
        return result as T;
      }
      if (signal?.aborted) throw Object.assign(new Error("cancelled"), { name: "AbortError" });
      const got = await this.fetch(need);
      if (got.length !== need.length) throw new Error(`the tokenizer answered ${got.length} token lists for ${need.length} texts`);
      for (const [i, t] of need.entries()) {
        const tokens = defined(got[i], `token list ${i} of the tokenizer's answer`);
        this.cache.set(t, tokens);
        this.cachedTokens += tokens.length;
      }
    }
    throw new Error(`tokenization still incomplete after ${MAX_ROUNDS} rounds`);
  }
}
