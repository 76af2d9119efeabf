// Label noise that is NOT a function of the class (per-demo random labels, x%-correct demos).
// Kept apart from the consistent remaps: they probe task recognition, not mapping learning.
import { intBelow, pick, rngFor, sample } from "../rng";
import type { Example } from "../types";
import { base, classIndexer, classWordOf, labelWords, requireClasses } from "./common";
import { defined } from "../defined";
import type { VariantContext, VariantDefinition, VariantInstance } from "./types";

/**
 * random-labels (Min et al. 2022, EMNLP, "Rethinking the Role of Demonstrations"): every demo
 * gets a label drawn uniformly from the label set, independently per demo (it may be the gold
 * one). The draw for a demo depends only on (seed, draw, example index), so a demo keeps its
 * random label whichever other demos surround it. Queries keep their true labels.
 */
export const randomLabels: VariantDefinition = {
  id: "random-labels",
  family: "inconsistent",
  title: "Random labels (per demo)",
  description: "Each demonstration gets a uniformly random label; queries are scored against their true labels.",
  source: "Min et al. 2022 (EMNLP), random labels; Pan et al. 2023 (Findings ACL), Random",
  create(ctx, draw, key) {
    requireClasses(ctx, this.id, 2);
    const words = labelWords(ctx);
    const wordOf = classWordOf(ctx, this.id);
    return {
      ...base(ctx, this, draw, key),
      mapping: { kind: "per-demo", rows: [], warnings: [] },
      labelSpace: words.slice(),
      demos: (set) =>
        set.map((e) => {
          wordOf(e); // a label outside the classes is an error here too
          return { input: e.input, label: pick(rngFor(ctx.seed, "random-labels", draw, e.index), words) };
        }),
      query: (q) => ({ input: q.input, gold: wordOf(q) }),
    };
  },
};

/** Number of demos that keep their gold label: round(x% of k), halves rounded up. */
export function correctCount(percent: number, k: number): number {
  return Math.floor((percent * k) / 100 + 0.5);
}

/**
 * x%-correct demos (Min et al. 2022, EMNLP): exactly round(x% of k) demos keep their gold
 * label; every other demo gets a wrong label (uniform among the other classes, per demo). Which
 * positions stay correct is drawn from (seed, draw, x, the demo set's example indices), so a
 * re-drawn demo set gets its own positions.
 */
function correctVariant(percent: number): VariantDefinition {
  return {
    id: `correct-${percent}`,
    family: "inconsistent",
    title: `${percent}% correct labels`,
    description: `Exactly ${percent}% of the demonstrations (rounded) keep their gold label; the rest get a wrong label.`,
    source: "Min et al. 2022 (EMNLP), x%-correct demonstrations",
    create(ctx: VariantContext, draw: number, key: string): VariantInstance {
      requireClasses(ctx, this.id, 2);
      const words = labelWords(ctx);
      const ci = classIndexer(ctx, this.id);
      const wordOf = classWordOf(ctx, this.id);
      // Indices below words.length: the gold g, and w < length - 1 shifted past g.
      const word = (i: number): string => defined(words[i], "label word of a class");
      return {
        ...base(ctx, this, draw, key),
        mapping: { kind: "per-demo", rows: [], warnings: [] },
        labelSpace: words.slice(),
        demos: (set: readonly Example[]) => {
          const keep = new Set(
            sample(
              rngFor(ctx.seed, "correct", percent, draw, ...set.map((e) => e.index)),
              set.map((_, i) => i),
              correctCount(percent, set.length),
            ),
          );
          return set.map((e, pos) => {
            const g = ci(e);
            if (keep.has(pos)) return { input: e.input, label: word(g) };
            const w = intBelow(rngFor(ctx.seed, "wrong-label", draw, e.index), words.length - 1);
            return { input: e.input, label: word(w >= g ? w + 1 : w) };
          });
        },
        query: (q: Example) => ({ input: q.input, gold: wordOf(q) }),
      };
    },
  };
}

export const correct0 = correctVariant(0);
export const correct25 = correctVariant(25);
export const correct50 = correctVariant(50);
export const correct75 = correctVariant(75);
