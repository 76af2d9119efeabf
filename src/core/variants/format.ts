// Format ablations (Min et al. 2022): what part of the demonstrations matters.
import { pick, rngFor, sample } from "../rng";
import { base, classWordOf, labelWords, requireClasses } from "./common";
import { VariantError, type VariantContext, type VariantDefinition, type VariantInstance } from "./types";
import { ENGLISH_WORDS } from "./wordBank";
import type { PromptExample } from "../types";

function formatInstance(
  def: VariantDefinition,
  ctx: VariantContext,
  draw: number,
  key: string,
  demo: (e: { input: string; label: string; index: number }, word: string) => PromptExample,
  rows: { from: string; to: string; note?: string }[] = [],
): VariantInstance {
  requireClasses(ctx, def.id, 2);
  const words = labelWords(ctx);
  const wordOf = classWordOf(ctx, def.id);
  return {
    ...base(ctx, def, draw, key),
    mapping: { kind: rows.length ? "per-demo" : "none", rows, warnings: [] },
    labelSpace: words.slice(),
    demos: (set) => set.map((e) => demo(e, wordOf(e))),
    query: (q) => ({ input: q.input, gold: wordOf(q) }),
  };
}

/**
 * labels-only (Min et al. 2022, "demonstrations without inputs"): demos show only their
 * (gold) labels. Rendering (prompt.ts renderDemo, show "label"): template lines carrying
 * {input} are dropped, so "Review: {input}\nSentiment: {label}" shows "Sentiment: positive".
 * The query keeps the full format.
 */
export const labelsOnly: VariantDefinition = {
  id: "labels-only",
  family: "format",
  title: "Labels only",
  description: "Demonstrations show only their labels (template lines with {input} are dropped).",
  source: "Min et al. 2022 (EMNLP), format ablation: demonstrations without inputs",
  create(ctx, draw, key) {
    return formatInstance(this, ctx, draw, key, (e, w) => ({ input: e.input, label: w, show: "label" }));
  },
};

/**
 * inputs-only (Min et al. 2022, "demonstrations without labels"): demos show only their
 * inputs. Rendering (show "input"): template lines carrying {label} are dropped, so the demo
 * reads "Review: a fine film". The query keeps the full format and is scored on the true labels.
 */
export const inputsOnly: VariantDefinition = {
  id: "inputs-only",
  family: "format",
  title: "Inputs only",
  description: "Demonstrations show only their inputs (template lines with {label} are dropped).",
  source: "Min et al. 2022 (EMNLP), format ablation: demonstrations without labels",
  create(ctx, draw, key) {
    return formatInstance(this, ctx, draw, key, (e, w) => ({ input: e.input, label: w, show: "input" }));
  },
};

/**
 * no-label-space (Min et al. 2022, "random English words" as labels): a seeded set of |C|
 * common English words (not equal to any label) is drawn; every demo gets one of them at random
 * (independently per demo, seeded by its example index); queries are scored on the original labels.
 */
export const noLabelSpace: VariantDefinition = {
  id: "no-label-space",
  family: "format",
  title: "No label space",
  description: "Demo labels replaced by random English words; queries scored on the true labels.",
  source: "Min et al. 2022 (EMNLP), demonstrations with random English words as labels",
  create(ctx, draw, key) {
    const taken = new Set(labelWords(ctx).map((w) => w.toLowerCase()));
    const bank = ENGLISH_WORDS.filter((w) => !taken.has(w));
    if (ctx.classes.length > bank.length) throw new VariantError(this.id, `no-label-space has ${bank.length} words for ${ctx.classes.length} classes.`);
    const chosen = sample(rngFor(ctx.seed, "no-label-space", draw), bank, ctx.classes.length);
    const rows = chosen.map((w) => ({ from: "(any demo)", to: w, note: "drawn per demo" }));
    return formatInstance(this, ctx, draw, key, (e) => ({ input: e.input, label: pick(rngFor(ctx.seed, "no-label-space-demo", draw, e.index), chosen) }), rows);
  },
};
