// tau_RA / tau_g with random strings (Li et al. 2024): g maps each class to a random
// pronounceable string. ra-string#n and g-string#n use the same g for the same seed (the H3
// correlation study compares them across many g).
import { pick, rngFor, type RandomGenerator } from "../rng";
import type { Lexicon } from "../lexicon";
import { base, gTaskInstance, labelMapInstance, labelWords, requireClasses, type LabelMapRow } from "./common";
import { VariantError, type VariantContext, type VariantDefinition } from "./types";

const CONSONANTS = "bdfghjklmnprstvz".split("");
const VOWELS = "aeiou".split("");

/** A pronounceable string: consonant, vowel, consonant... of the given length (5 -> CVCVC). */
export function pronounceable(rng: RandomGenerator, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) s += pick(rng, i % 2 === 0 ? CONSONANTS : VOWELS);
  return s;
}

/**
 * Draws one distinct string per label from `rng`: no two equal, none equal to a label word
 * (case-insensitive), none a word the lexicon knows (when given), none in `avoid`. Redraws on a
 * clash; fails clearly when the space is too small (e.g. length 1 and many classes).
 */
export function distinctStrings(rng: RandomGenerator, count: number, length: number, avoid: ReadonlySet<string>, lexicon: Lexicon | undefined, variant: string): string[] {
  const out: string[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    let s = "";
    for (let attempt = 0; ; attempt++) {
      if (attempt >= 10_000) throw new VariantError(variant, `could not draw ${count} distinct random strings of length ${length}.`, "Increase the string length (options.stringLength).");
      s = pronounceable(rng, length);
      if (!used.has(s) && !avoid.has(s) && !(lexicon?.has(s) ?? false)) break;
    }
    used.add(s);
    out.push(s);
  }
  return out;
}

/** The random-string g for (seed, draw): one row per class, shared by ra-string and g-string. */
export function randomStringG(ctx: VariantContext, draw: number, variant: string): LabelMapRow[] {
  const length = ctx.options?.stringLength ?? 5;
  if (!Number.isInteger(length) || length < 1 || length > 64) throw new VariantError(variant, `stringLength must be an integer from 1 to 64, got ${length}.`);
  const words = labelWords(ctx);
  const avoid = new Set(words.map((w) => w.toLowerCase()));
  return distinctStrings(rngFor(ctx.seed, "g-string", draw), words.length, length, avoid, ctx.lexicon, variant).map((to) => ({ to }));
}

/**
 * ra-string (Li et al. 2024 ACL, "What Do Language Models Learn in Context? The Structured Task
 * Hypothesis", tau_RA): every class is shown and scored as a random pronounceable string of
 * configurable length (default CVCVC): a bijection, no collisions, never a real label.
 */
export const raString: VariantDefinition = {
  id: "ra-string",
  family: "consistent",
  title: "tau_RA: random strings",
  description: "Labels replaced through a random function g: class -> random pronounceable string.",
  source: "Li et al. 2024 (ACL), tau_RA",
  create(ctx, draw, key) {
    requireClasses(ctx, this.id, 2);
    return labelMapInstance(ctx, base(ctx, this, draw, key), randomStringG(ctx, draw, this.id));
  },
};

/**
 * g-string (Li et al. 2024 ACL, tau_g-ICL): the input is the original label word and the answer
 * is g(label word), with the same g as ra-string for the same seed and #n.
 */
export const gString: VariantDefinition = {
  id: "g-string",
  family: "task",
  title: "tau_g: label word -> random string",
  description: "Input = original label word, answer = g(label) for the random-string g of ra-string.",
  source: "Li et al. 2024 (ACL), tau_g-ICL",
  create(ctx, draw, key) {
    requireClasses(ctx, this.id, 2);
    return gTaskInstance(ctx, base(ctx, this, draw, key), randomStringG(ctx, draw, this.id));
  },
};
