// Helpers shared by the variant families: label words, class lookup, and the two instance
// shapes most variants are (a consistent label map; a tau_g task over label words).
import type { Example, MappingTable, PromptExample, VariantFamily } from "../types";
import { VariantError, type VariantContext, type VariantInstance, type VariantQuery } from "./types";
import { defined } from "../defined";

/** Label word of each class, in class order. */
export function labelWords(ctx: VariantContext): string[] {
  const v = ctx.verbalizers ?? ctx.settings?.verbalizers ?? {};
  return ctx.classes.map((c) => (Object.prototype.hasOwnProperty.call(v, c) ? v[c] : undefined) ?? c);
}

/** Index of the example's class; a clear error for a label outside the class list. */
export function classIndexer(ctx: VariantContext, variant: string): (e: Example) => number {
  const idx = new Map(ctx.classes.map((c, i) => [c, i]));
  return (e) => {
    const i = idx.get(e.label);
    if (i === undefined) {
      throw new VariantError(
        variant,
        `The example on line ${e.line} has label '${e.label}', which is not one of the classes (${ctx.classes.join(", ")}).`,
        "Fix the label or declare the class in the header.",
      );
    }
    return i;
  };
}

/** Label word of the example's class, with classIndexer's error for a label outside the classes. */
export function classWordOf(ctx: VariantContext, variant: string): (e: Example) => string {
  const words = labelWords(ctx);
  const ci = classIndexer(ctx, variant);
  return (e) => defined(words[ci(e)], "label word of a class"); // one word per class
}

export function requireClasses(ctx: VariantContext, variant: string, min: number): void {
  if (ctx.classes.length < min) {
    throw new VariantError(variant, `${variant} needs at least ${min} classes; this file has ${ctx.classes.length}.`, "Add examples of more classes or declare them in the header.");
  }
  const words = labelWords(ctx).map((w) => w.toLowerCase());
  const dup = words.find((w, i) => words.indexOf(w) !== i);
  if (dup !== undefined) throw new VariantError(variant, `Two classes share the label word '${dup}'.`, "Give every class its own verbalizer.");
}

/** Applies the casing style of `model` (lower, Capitalized, UPPER) to `word`. */
export function matchCase(model: string, word: string): string {
  if (model.length > 1 && model === model.toUpperCase() && model !== model.toLowerCase()) return word.toUpperCase();
  const first = model.charAt(0);
  if (first !== first.toLowerCase() && model.slice(1) === model.slice(1).toLowerCase()) return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}

/** The identifying fields every VariantInstance shares (filled in by `base`). */
export type Base = Pick<VariantInstance, "key" | "id" | "draw" | "seed" | "family" | "title">;

export function base(ctx: VariantContext, def: { id: string; family: VariantFamily; title: string }, draw: number, key: string): Base {
  return { key, id: def.id, draw, seed: ctx.seed, family: def.family, title: def.title };
}

export interface LabelMapRow {
  to: string;
  chain?: string[];
  note?: string;
}

/**
 * A consistent remap: class i is shown as `rows[i].to` in every demo and is the gold answer of
 * every query of class i (a bijection when the `to` values are distinct, checked here).
 * With `keepAlt`, queries also carry the original label word as goldAlt (flipped labels).
 */
export function labelMapInstance(ctx: VariantContext, b: Base, rows: LabelMapRow[], opts: { keepAlt?: boolean; warnings?: string[] } = {}): VariantInstance {
  const words = labelWords(ctx);
  const to = rows.map((r) => r.to);
  const lower = to.map((t) => t.toLowerCase());
  if (new Set(lower).size !== lower.length) throw new Error(`internal: ${b.key} produced a non-injective label map ${JSON.stringify(to)}`);
  const ci = classIndexer(ctx, b.id);
  // rows has one entry per class (words' order); class indices come from ci.
  const wordOf = (i: number): string => defined(words[i], "label word of a class");
  const toOf = (i: number): string => defined(to[i], "remapped label of a class");
  const mapping: MappingTable = {
    kind: "label",
    rows: rows.map((r, i) => ({ from: wordOf(i), to: r.to, ...(r.chain ? { chain: r.chain } : {}), ...(r.note ? { note: r.note } : {}) })),
    warnings: opts.warnings ?? [],
  };
  return {
    ...b,
    mapping,
    labelSpace: to.slice(),
    demos: (set) => set.map((e) => ({ input: e.input, label: toOf(ci(e)) })),
    query: (q): VariantQuery => {
      const i = ci(q);
      return opts.keepAlt ? { input: q.input, gold: toOf(i), goldAlt: wordOf(i) } : { input: q.input, gold: toOf(i) };
    },
  };
}

/**
 * tau_g-ICL (Li et al. 2024): the input becomes the original label word and the answer is
 * g(label word), in demos and queries alike ("Review: negative / Sentiment: bad").
 */
export function gTaskInstance(ctx: VariantContext, b: Base, rows: LabelMapRow[]): VariantInstance {
  const words = labelWords(ctx);
  const inner = labelMapInstance(ctx, b, rows);
  const ci = classIndexer(ctx, b.id);
  // One row per class, in words' order (as labelMapInstance).
  const pair = (e: Example): { input: string; to: string } => {
    const i = ci(e);
    return { input: defined(words[i], "label word of a class"), to: defined(rows[i], "label map row of a class").to };
  };
  return {
    ...inner,
    demos: (set): PromptExample[] =>
      set.map((e) => {
        const p = pair(e);
        return { input: p.input, label: p.to };
      }),
    query: (q) => {
      const p = pair(q);
      return { input: p.input, gold: p.to };
    },
  };
}
