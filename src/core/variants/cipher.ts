// tau_PA as a word-level cipher (Li et al. 2024): every word type of the inputs is replaced by
// a random string, consistently across demos and queries; template text and labels are kept.
import { intBetween, rngFor } from "../rng";
import type { Lexicon } from "../lexicon";
import type { Example } from "../types";
import { base, classWordOf, labelWords, requireClasses } from "./common";
import { pronounceable } from "./randomString";
import type { VariantContext, VariantDefinition, VariantInstance } from "./types";

/**
 * Word tokenisation of the cipher: a word is a maximal run of Unicode letters and digits, with
 * inner apostrophes kept ("don't", "film's" are one word). Everything else (spaces, punctuation,
 * hyphens, symbols) is kept as is, so "well-made film!" -> "<w1>-<w2> <w3>!".
 * Word types are case-insensitive ("The" and "the" are one type); the cipher string takes the
 * casing style of each occurrence (the -> kavo, The -> Kavo, THE -> KAVO).
 */
export const WORD_RE = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu;

export function wordTypes(texts: readonly string[]): string[] {
  const set = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(WORD_RE)) set.add(m[0].toLowerCase());
  return [...set].sort();
}

function applyCase(original: string, cipher: string): string {
  if (original.length > 1 && original === original.toUpperCase() && original !== original.toLowerCase()) return cipher.toUpperCase();
  const f = original.charAt(0);
  return f !== f.toLowerCase() ? cipher.charAt(0).toUpperCase() + cipher.slice(1) : cipher;
}

/**
 * A word cipher h for (seed, draw). The table is fixed up front over the word types of all the
 * file's inputs (ctx.examples), in sorted order, each type drawing from its own stream
 * (seed, "pa-word", draw, type): a random pronounceable string of 3-8 letters, redrawn while it
 * collides with an earlier type, a label word or a known English word. Because the table does
 * not depend on which demos come first, h is the same function for every demo set and query.
 * Words outside the table (inputs not in ctx.examples) get a cipher from their own stream on
 * first sight, avoiding every cipher already assigned.
 */
export class WordCipher {
  private readonly table = new Map<string, string>();
  private readonly used = new Set<string>();
  constructor(
    private readonly seed: number,
    private readonly draw: number,
    private readonly avoid: ReadonlySet<string>,
    private readonly lexicon: Lexicon | undefined,
    vocabulary: readonly string[],
  ) {
    for (const w of vocabulary) this.cipherOf(w);
  }

  /** The cipher of one word type (lower case). */
  cipherOf(type: string): string {
    const key = type.toLowerCase();
    const known = this.table.get(key);
    if (known !== undefined) return known;
    const rng = rngFor(this.seed, "pa-word", this.draw, key);
    let c = "";
    for (let attempt = 0; ; attempt++) {
      c = pronounceable(rng, intBetween(rng, 3, 8) + (attempt > 100 ? 2 : 0));
      if (!this.used.has(c) && !this.avoid.has(c) && !(this.lexicon?.has(c) ?? false)) break;
    }
    this.used.add(c);
    this.table.set(key, c);
    return c;
  }

  /** The text with every word replaced (punctuation and spacing kept). */
  encode(text: string): string {
    return text.replace(WORD_RE, (w) => applyCase(w, this.cipherOf(w)));
  }

  /** The table so far, sorted by word. */
  entries(): [string, string][] {
    return [...this.table.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

/**
 * pa-word (Li et al. 2024 ACL, tau_PA at the word level): inputs of demos and queries go
 * through the cipher h; labels and template text are unchanged. If ICL stays near chance and
 * below a logistic regression on the same ciphered demos, H2 (ICL as a general learner) is
 * contradicted.
 */
export const paWord: VariantDefinition = {
  id: "pa-word",
  family: "input",
  title: "tau_PA: word cipher",
  description: "Every input word type replaced by a random string, consistently; labels and template kept.",
  source: "Li et al. 2024 (ACL), tau_PA (word-level version of their token permutation)",
  readsLexicon: true,
  create(ctx: VariantContext, draw: number, key: string): VariantInstance {
    requireClasses(ctx, this.id, 2);
    const words = labelWords(ctx);
    const avoid = new Set(words.map((w) => w.toLowerCase()));
    const vocabulary = wordTypes((ctx.examples ?? []).map((e) => e.input));
    const cipher = new WordCipher(ctx.seed, draw, avoid, ctx.lexicon, vocabulary);
    const wordOf = classWordOf(ctx, this.id);
    return {
      ...base(ctx, this, draw, key),
      mapping: {
        kind: "word",
        rows: cipher.entries().map(([from, to]) => ({ from, to })),
        warnings: ctx.examples ? [] : ["pa-word was created without the file's examples; the cipher table is filled as words are seen."],
      },
      labelSpace: words.slice(),
      demos: (set: readonly Example[]) => set.map((e) => ({ input: cipher.encode(e.input), label: wordOf(e) })),
      query: (q: Example) => ({ input: cipher.encode(q.input), gold: wordOf(q) }),
    };
  },
};
