// The variant registry. A variant key is `<id>` or `<id>#<n>` (CONTRACTS.md): `#n` selects the
// n-th independent draw of the variant's random function (H3 study: for one seed, ra-string#n
// and g-string#n share g). A bare id is draw 0. Every variant is a pure function of
// (key, context): the same file, settings and seed give byte-identical output on any machine.
import { gold } from "./baseline";
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

/**
 * Splits a key into id and draw: "ra-string#3" -> {id: "ra-string", draw: 3}; "gold" -> {id: "gold"}.
 * Throws VariantError for a malformed draw ("ra-string#x", "#-1").
 */
export function parseVariantKey(key: string): { id: string; draw?: number } {
  const hash = key.indexOf("#");
  if (hash < 0) return { id: key.trim() };
  const id = key.slice(0, hash).trim();
  const n = key.slice(hash + 1).trim();
  if (!/^\d{1,6}$/.test(n)) throw new VariantError(id, `Variant key '${key}': the part after '#' must be a draw number (0, 1, 2...).`, `Write e.g. '${id}#1'.`);
  return { id, draw: Number(n) };
}

/**
 * Expands draw ranges in a variant list: "ra-string#0..49" stands for ra-string#0 ... ra-string#49
 * (the H3 correlation study needs N paired draws of g; nobody should type 100 keys). Other keys
 * pass through; duplicates are dropped, first occurrence wins. A range larger than 10,000 draws
 * or running backwards is an error.
 */
export function expandVariantKeys(keys: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (k: string) => {
    if (!seen.has(k)) {
      seen.add(k);
      out.push(k);
    }
  };
  for (const raw of keys) {
    const key = raw.trim();
    const m = /^([^#]+)#(\d{1,6})\.\.(\d{1,6})$/.exec(key);
    if (!m) {
      add(key);
      continue;
    }
    const [, id, a, b] = m;
    const from = Number(a);
    const to = Number(b);
    if (to < from || to - from >= 10_000) {
      throw new VariantError(id, `Variant key '${key}': a draw range runs from a smaller to a larger number, at most 10,000 draws.`, `Write e.g. '${id}#0..49'.`);
    }
    for (let n = from; n <= to; n++) add(`${id}#${n}`);
  }
  return out;
}

/** The definition for a key (its #n ignored), or undefined for an unknown id. */
export function getVariant(key: string): VariantDefinition | undefined {
  const hash = key.indexOf("#");
  return BY_ID.get((hash < 0 ? key : key.slice(0, hash)).trim());
}

/** Nearest known ids for an unknown one (edit distance), for "did you mean" hints. */
function suggest(id: string): string[] {
  const d = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length];
  };
  return VARIANTS.map((v) => [v.id, d(id, v.id)] as const)
    .filter(([, x]) => x <= 3)
    .sort((a, b) => a[1] - b[1])
    .slice(0, 3)
    .map(([v]) => v);
}

/**
 * Creates a variant for one seed. Throws VariantError with a clear message when the key is
 * unknown or the variant cannot be built for these classes (no antonym, no tokenizer...).
 * With a cachedTokenizer, token-level variants may throw MissingTokenization: run them inside
 * withTokenizer (tokenVariants.ts).
 */
export function createVariant(key: string, ctx: VariantContext): VariantInstance {
  const { id, draw } = parseVariantKey(key);
  const def = BY_ID.get(id);
  if (!def) {
    const s = suggest(id);
    throw new VariantError(id, `Unknown variant '${id}'.`, s.length ? `Did you mean ${s.map((x) => `'${x}'`).join(" or ")}? Known: ${VARIANTS.map((v) => v.id).join(", ")}.` : `Known variants: ${VARIANTS.map((v) => v.id).join(", ")}.`);
  }
  if (!Number.isFinite(ctx.seed)) throw new VariantError(id, `seed must be a finite number, got ${ctx.seed}.`);
  return def.create(ctx, draw ?? 0, key.trim());
}
