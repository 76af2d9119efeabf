// Consistent remaps of the label words that need no lexicon: flipped, abstract, unrelated.
// Each is a bijection class -> new label, used in every demo and as the gold answer.
import { derangement, permutation, rngFor } from "../rng";
import { base, labelMapInstance, labelWords, requireClasses, type LabelMapRow } from "./common";
import { VariantError, type VariantDefinition } from "./types";
import { defined } from "../defined";

/** Rows of a label map that shows class i as labels[p[i]] (p a permutation of the classes, labels at least as many). */
function permutedRows(p: readonly number[], labels: readonly string[]): LabelMapRow[] {
  return p.map((j) => ({ to: defined(labels[j], "label at a permuted index") }));
}

/**
 * flipped (Wei et al. 2023, "Larger language models do in-context learning differently"):
 * a consistent permutation of the labels with no fixed point (a uniformly random derangement;
 * with two classes, the swap). Queries are scored against the flipped label (gold) and keep
 * the original as goldAlt, so accuracy can be reported against both.
 */
export const flipped: VariantDefinition = {
  id: "flipped",
  family: "consistent",
  title: "Flipped labels",
  description: "Every class is shown (and scored) as another class's label: a permutation without fixed points.",
  source: "Wei et al. 2023, flipped-label ICL",
  create(ctx, draw, key) {
    requireClasses(ctx, this.id, 2);
    const words = labelWords(ctx);
    const p = derangement(rngFor(ctx.seed, "flipped", draw), words.length);
    return labelMapInstance(ctx, base(ctx, this, draw, key), permutedRows(p, words), { keepAlt: true });
  },
};

const SYMBOLS = ["@", "#", "$", "%", "&", "*", "^", "~", "+", "=", "!", "?", "<", ">", "|", "/"];
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

function abstractVariant(kind: "numbers" | "letters" | "symbols"): VariantDefinition {
  const example = { numbers: "0, 1, 2", letters: "A, B, C", symbols: "@, #, $" }[kind];
  return {
    id: `abstract-${kind}`,
    family: "consistent",
    title: `Abstract labels (${kind})`,
    description: `Classes shown as ${example}... assigned by a seeded random bijection.`,
    source: "Pan et al. 2023 (Findings ACL), \"What In-Context Learning 'Learns' In-Context\": abstract labels",
    /**
     * Abstract labels (Pan et al. 2023): a consistent map of the classes to numbers 0..n-1,
     * letters A, B, C... or symbols @ # $ %...; which class gets which symbol is a seeded
     * random permutation (so no class is always "0").
     */
    create(ctx, draw, key) {
      requireClasses(ctx, this.id, 2);
      const n = ctx.classes.length;
      const alphabet = kind === "numbers" ? Array.from({ length: n }, (_, i) => String(i)) : kind === "letters" ? LETTERS : SYMBOLS;
      if (n > alphabet.length) throw new VariantError(this.id, `${this.id} has ${alphabet.length} distinct labels but the file has ${n} classes.`, "Use abstract-numbers.");
      const p = permutation(rngFor(ctx.seed, this.id, draw), n);
      return labelMapInstance(ctx, base(ctx, this, draw, key), permutedRows(p, alphabet));
    },
  };
}

export const abstractNumbers = abstractVariant("numbers");
export const abstractLetters = abstractVariant("letters");
export const abstractSymbols = abstractVariant("symbols");

/** Metasyntactic words: semantically unrelated to any task. */
export const UNRELATED_WORDS = ["foo", "bar", "baz", "qux", "quux", "corge", "grault", "garply", "waldo", "fred", "plugh", "xyzzy", "thud"];

/**
 * unrelated (Wei et al. 2023, semantically-unrelated label ICL, "SUL-ICL"): classes shown as
 * foo, bar, baz... (the first n words, assigned by a seeded permutation); a word equal to a
 * real label is skipped.
 */
export const unrelated: VariantDefinition = {
  id: "unrelated",
  family: "consistent",
  title: "Unrelated labels (foo/bar)",
  description: "Classes shown as semantically unrelated words (foo, bar, baz...).",
  source: "Wei et al. 2023, semantically-unrelated labels (SUL-ICL)",
  create(ctx, draw, key) {
    requireClasses(ctx, this.id, 2);
    const taken = new Set(labelWords(ctx).map((w) => w.toLowerCase()));
    const pool = UNRELATED_WORDS.filter((w) => !taken.has(w));
    const n = ctx.classes.length;
    if (n > pool.length) throw new VariantError(this.id, `unrelated has ${pool.length} words for ${n} classes.`, "Use ra-string for many classes.");
    // The first n words (foo/bar for two classes, as in Wei et al.), assigned to classes by a seeded permutation.
    const p = permutation(rngFor(ctx.seed, this.id, draw), n);
    return labelMapInstance(ctx, base(ctx, this, draw, key), permutedRows(p, pool));
  },
};
