// The variant registry. A variant key is `<id>` or `<id>#<n>` (grammar in keys.ts): `#n` selects
// the n-th independent draw of the variant's random function (H3 study: for one seed, ra-string#n
// and g-string#n share g). A bare id is draw 0. Every variant is a pure function of
// (key, context): the same file, settings and seed give byte-identical output on any machine.
import { gold } from "./gold";
import { paWord } from "./cipher";
import { abstractLetters, abstractNumbers, abstractSymbols, flipped, unrelated } from "./consistent";
import { inputsOnly, labelsOnly, noLabelSpace } from "./format";
import { correct0, correct25, correct50, correct75, randomLabels } from "./inconsistent";
import { gAntonym, gKeyword, gSynonym, raAntonym, raChains, raKeyword, raSynonym } from "./natural";
import { gString, raString } from "./randomString";
import { gToken, paToken, raToken } from "./token";
import { gLinear } from "./linear";
import { VariantError, type VariantContext, type VariantDefinition, type VariantInstance } from "./types";

export * from "./types";
export * from "./keys";
import { parseVariantKey, variantIdOf } from "./keys";
import { editDistance } from "../demoFile/text";
export { correctCount } from "./inconsistent";
export { pronounceable, randomStringG } from "./randomString";
export { randomTokenG } from "./token";
export { naturalG, synonymChains } from "./natural";
export { WordCipher, wordTypes, WORD_RE } from "./cipher";
export { UNRELATED_WORDS } from "./consistent";
export { ENGLISH_WORDS } from "./wordBank";
export { labelWords, matchCase } from "./common";

/** Every variant, in the order the UI lists them. */
export const VARIANTS: readonly VariantDefinition[] = [
  gold,
  randomLabels,
  correct0,
  correct25,
  correct50,
  correct75,
  flipped,
  abstractNumbers,
  abstractLetters,
  abstractSymbols,
  unrelated,
  labelsOnly,
  inputsOnly,
  noLabelSpace,
  raString,
  raToken,
  raSynonym,
  raAntonym,
  raKeyword,
  ...raChains,
  paWord,
  paToken,
  gString,
  gToken,
  gLinear,
  gSynonym,
  gAntonym,
  gKeyword,
];

const BY_ID = new Map(VARIANTS.map((v) => [v.id, v]));

/** The ids of every variant in the registry, in the order the UI lists them. */
export const VARIANT_IDS: readonly string[] = VARIANTS.map((v) => v.id);

/** The definition for a key (its #n ignored), or undefined for an unknown id. */
export function getVariant(key: string): VariantDefinition | undefined {
  return BY_ID.get(variantIdOf(key));
}

/** Whether building `key` reads the WordNet table (needs it, or uses it when present): callers load it for these. */
export function readsLexicon(key: string): boolean {
  const d = getVariant(key);
  return !!(d?.needsLexicon || d?.readsLexicon);
}

/** Nearest known ids for an unknown one (edit distance), for "did you mean" hints. */
function suggest(id: string): string[] {
  return VARIANTS.map((v) => [v.id, editDistance(id, v.id)] as const)
    .filter(([, x]) => x <= 3)
    .sort((a, b) => a[1] - b[1])
    .slice(0, 3)
    .map(([v]) => v);
}

/**
 * Creates a variant for one seed. Throws VariantError with a clear message when the key is
 * unknown or the variant cannot be built for these classes (no antonym, no tokenizer...).
 * With a cachedTokenizer, token-level variants may throw MissingTokenization: run them inside
 * withTokenizer (core/tokenizer.ts).
 */
export function createVariant(key: string, ctx: VariantContext): VariantInstance {
  const { id, draw } = parseVariantKey(key);
  const def = BY_ID.get(id);
  if (!def) {
    const s = suggest(id);
    throw new VariantError(
      id,
      `Unknown variant '${id}'.`,
      s.length ? `Did you mean ${s.map((x) => `'${x}'`).join(" or ")}? Known: ${VARIANTS.map((v) => v.id).join(", ")}.` : `Known variants: ${VARIANTS.map((v) => v.id).join(", ")}.`,
    );
  }
  if (!Number.isFinite(ctx.seed)) throw new VariantError(id, `seed must be a finite number, got ${ctx.seed}.`);
  return def.create(ctx, draw ?? 0, key.trim());
}
