// Types of the variant library (see index.ts for the registry and createVariant).
import type { Lexicon, WordLists } from "../lexicon";
import type { TokenizerAccess, TokenPrompt } from "../tokenizer";
import type { Example, MappingTable, ProbeSettings, Prompt, PromptExample, VariantFamily } from "../types";

/** Tunables of the variants; all optional with documented defaults. */
export interface VariantOptions {
  /** Length of tau_RA random strings (ra-string, g-string): consonant-vowel alternation, default 5 (CVCVC). */
  stringLength?: number;
  /**
   * Natural g (synonym/antonym/keyword, chains): pick among the first `naturalTop` WordNet
   * candidates (WordNet lists frequent senses first), default 5. User word lists: all entries.
   */
  naturalTop?: number;
}

/** What a variant is created from. Everything is passed in: core reads no files. */
export interface VariantContext {
  seed: number;
  /** Class ids in order (DemoFile.classes). */
  classes: readonly string[];
  /** class -> label word shown in the prompt (default: settings.verbalizers, else identity). */
  verbalizers?: Readonly<Record<string, string>>;
  /** WordNet relations (node side: loadLexicon()); needed by ra-synonym/antonym/keyword, chains, g-synonym... */
  lexicon?: Lexicon;
  /** User relations; override the lexicon per word. */
  wordLists?: WordLists;
  /** Token-level variants (ra-token, pa-token) need the model's tokenizer. */
  tokenizer?: TokenizerAccess;
  /** Template, separator, instruction: ra-token checks single tokens in context, pa-token builds its keep-list. */
  settings?: Pick<ProbeSettings, "template" | "separator" | "instruction"> & Partial<Pick<ProbeSettings, "verbalizers">>;
  /** All examples of the file: pa-word fixes its cipher table over their vocabulary (order-independent). */
  examples?: readonly Example[];
  options?: VariantOptions;
}

/** A query as the variant presents it. `gold` is in the variant's label space. */
export interface VariantQuery {
  input: string;
  gold: string;
  /** Second gold where a variant keeps two (flipped: the original label). */
  goldAlt?: string;
}

/** A created variant: pure functions of the demo set / query, for one seed and draw. */
export interface VariantInstance {
  /** The key it was created from, e.g. "ra-string#3". */
  key: string;
  id: string;
  /** The #n draw (0 without one). */
  draw: number;
  seed: number;
  family: VariantFamily;
  title: string;
  /** What the variant did, for display. */
  mapping: MappingTable;
  /** Candidate labels scored for every query, in class order. */
  labelSpace: string[];
  /** The transformed demonstrations, in the given order. Takes the whole set (exact-count variants). */
  demos(demoSet: readonly Example[]): PromptExample[];
  /** The transformed query and its gold answer(s). */
  query(q: Example): VariantQuery;
  /**
   * Token-level variants only (pa-token): turns a text prompt (built from the untransformed
   * demos) into token ids for the engine's TokenScoreItem. Uses ctx.tokenizer synchronously.
   */
  tokens?(prompt: Prompt): TokenPrompt;
  /**
   * g-linear only (tau_g-Linear): the token ids whose input embeddings stand for each prompt p
   * (a label word, as tokenized at the query's input position) and each response r (g's single
   * token), keyed by the word as demos() and query() show it. The runner fits a linear map on
   * these embeddings instead of asking the model (src/core/linear).
   */
  linear?: LinearTask;
}

export interface LinearTask {
  /** Prompt word -> its token ids in context (one or more; several are averaged). */
  inputTokens: Record<string, number[]>;
  /** Response word -> its single token id. */
  responseTokens: Record<string, number>;
}

export interface VariantDefinition {
  id: string;
  family: VariantFamily;
  title: string;
  /** One line: what it does. */
  description: string;
  /** The paper it comes from. */
  source: string;
  needsTokenizer?: boolean;
  /** Cannot be built without the WordNet table (or the file's word lists). */
  needsLexicon?: boolean;
  /**
   * Reads the WordNet table when it is there (pa-word avoids English words as ciphers): every
   * caller loads it for such a variant, so its output never depends on which other variants run.
   */
  readsLexicon?: boolean;
  create(ctx: VariantContext, draw: number, key: string): VariantInstance;
}

/** A variant cannot be built for this file/settings; the message says what to do. */
export class VariantError extends Error {
  override readonly name = "VariantError";
  constructor(
    readonly variant: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
