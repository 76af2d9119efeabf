// Model-free baselines on exactly the demos the model saw (per variant, so tau_PA's baseline sees
// the ciphered text): majority class of the demos and bag-of-words logistic regression, both from
// src/core/classifiers (fixed hyperparameters). Chance is 1 / #labels and needs no record.
import type { BaselineRecord } from "../results/schema";
import type { DemoFile } from "../types";
import { exampleAt, examplesAt, type ExperimentPlan, type PlanGroup, type VariantCache } from "./plan";
import { scoreBaselines } from "../classifiers";

export interface GroupBaseline {
  n: number;
  majorityCorrect: number;
  logregCorrect: number;
}

/** Baselines of one demo set (k = 0: scoreBaselines credits the expected chance count). */
export function groupBaseline(g: PlanGroup, file: Pick<DemoFile, "examples" | "classes">, variants: VariantCache): GroupBaseline {
  const v = variants.get(g.variant, g.seed);
  const demos = v.demos(examplesAt(file.examples, g.demoIndices));
  const queries = g.queries.map((qi) => v.query(exampleAt(file.examples, qi)));
  const s = scoreBaselines(demos, queries, v.labelSpace);
  return { n: s.n, majorityCorrect: s.majorityCorrect, logregCorrect: s.logregCorrect };
}

/**
 * One record per (variant, k, seed), in plan order, summing its demo sets (one in fixed mode,
 * one per query in per-query mode). `known` holds demo sets already computed (by group id).
 */
export function computeBaselines(plan: ExperimentPlan, file: Pick<DemoFile, "examples" | "classes">, variants: VariantCache, known: ReadonlyMap<string, GroupBaseline> = new Map()): BaselineRecord[] {
  const acc = new Map<string, BaselineRecord>();
  for (const g of plan.groups) {
    const s = known.get(g.id) ?? groupBaseline(g, file, variants);
    const key = `${g.variant}|${g.k}|${g.seed}`;
    let rec = acc.get(key);
    if (!rec) acc.set(key, (rec = { variant: g.variant, k: g.k, seed: g.seed, n: 0, majorityCorrect: 0, logregCorrect: 0 }));
    rec.n += s.n;
    rec.majorityCorrect += s.majorityCorrect;
    rec.logregCorrect += s.logregCorrect;
  }
  return [...acc.values()];
}
