// Model-free baselines on exactly the demos the model saw (per variant, so tau_PA's baseline sees
// the ciphered text): majority class of the demos and bag-of-words logistic regression
// (src/core/baselines, fixed hyperparameters). Chance is 1 / #labels and needs no record.
import type { BaselineRecord } from "../results/schema";
import type { DemoFile } from "../types";
import type { ExperimentPlan } from "./plan";
import type { VariantCache } from "./plan";
import { majorityLabel, trainLogReg } from "../baselines";

export function computeBaselines(plan: ExperimentPlan, file: Pick<DemoFile, "examples" | "classes">, variants: VariantCache): BaselineRecord[] {
  const acc = new Map<string, BaselineRecord>();
  for (const g of plan.groups) {
    // k = 0 gives a learner nothing: no baseline record, chance is the reference there.
    if (g.k === 0) continue;
    const v = variants.get(g.variant, g.seed);
    const demos = v.demos(g.demoIndices.map((i) => file.examples[i]));
    const key = `${g.variant}|${g.k}|${g.seed}`;
    let rec = acc.get(key);
    if (!rec) {
      rec = { variant: g.variant, k: g.k, seed: g.seed, n: 0, majorityCorrect: 0, logregCorrect: 0 };
      acc.set(key, rec);
    }
    const maj = majorityLabel(demos.map((d) => d.label));
    const model = trainLogReg(demos);
    for (const qi of g.queries) {
      const q = v.query(file.examples[qi]);
      rec.n++;
      if (maj === q.gold) rec.majorityCorrect++;
      if (model.predict(q.input) === q.gold) rec.logregCorrect++;
    }
  }
  return [...acc.values()];
}
