// The unaltered task.
import { base, labelMapInstance, labelWords, requireClasses } from "./common";
import type { VariantDefinition } from "./types";

/** gold: demos and queries as in the file (every ICL paper's reference condition; e.g. Min et al. 2022, Pan et al. 2023). */
export const gold: VariantDefinition = {
  id: "gold",
  family: "reference",
  title: "Gold labels",
  description: "Demonstrations with their true labels.",
  source: "Min et al. 2022 (EMNLP); Pan et al. 2023 (Findings ACL): gold-label condition",
  create(ctx, draw, key) {
    requireClasses(ctx, this.id, 1);
    return labelMapInstance(
      ctx,
      base(ctx, this, draw, key),
      labelWords(ctx).map((to) => ({ to })),
    );
  },
};
