// How much engine work each demo set of a plan is, so that a run (a study: tens of thousands of
// queries over k = 0..32) can say how long it will take from what it has measured so far. The
// unit is characters the engine evaluates: the demonstrations once per demo set (the prefix is
// evaluated once), then each query with its candidate labels. Characters stand in for tokens
// (same file, same tokenizer: proportional on average); prefix and query characters cost about
// the same per character, an approximation the measured rate absorbs as the run goes on.
import type { DemoFile, ProbeSettings } from "../types";
import { examplesAt, type ExperimentPlan, type PlanGroup } from "./plan";

export function groupWork(
  file: Pick<DemoFile, "examples" | "classes">,
  settings: Pick<ProbeSettings, "template" | "separator" | "instruction" | "verbalizers">,
  group: Pick<PlanGroup, "demoIndices" | "queries" | "calibrationInputs">,
): number {
  const ex = file.examples;
  const frame = settings.template.replace(/\{(input|label)\}/g, "").length + settings.separator.length;
  const labels = file.classes.reduce((a, cl) => a + (settings.verbalizers[cl] ?? cl).length + 1, 0);
  let w = settings.instruction.length;
  for (const d of examplesAt(ex, group.demoIndices)) w += frame + d.input.length + d.label.length;
  for (const q of examplesAt(ex, group.queries)) w += frame + q.input.length + labels;
  for (const input of group.calibrationInputs) w += frame + input.length + labels;
  return w;
}

/**
 * Measured rate -> time left. `work` is each group's work (0 for a group no model scores, such as
 * g-linear's least squares); `done` marks the queries already recorded (resume). Feed it every
 * scored query; it answers the seconds left at the rate of this session.
 */
export class WorkMeter {
  private readonly perQuery: Map<string, number>;
  private remaining = 0;
  private doneWork = 0;
  private scoredMs = 0;
  /** Demo sets finished in this session (the first one gives the first estimate). */
  groupsMeasured = 0;

  constructor(plan: ExperimentPlan, work: (g: PlanGroup) => number, done: (g: PlanGroup, queryIndex: number) => boolean) {
    this.perQuery = new Map();
    for (const g of plan.groups) {
      const w = g.queries.length ? work(g) / g.queries.length : 0;
      this.perQuery.set(g.id, w);
      for (const q of g.queries) if (!done(g, q)) this.remaining += w;
    }
  }

  /** A batch of `queries` queries of group `g` took `ms`. */
  add(g: PlanGroup, queries: number, ms: number): void {
    const w = (this.perQuery.get(g.id) ?? 0) * queries;
    this.remaining = Math.max(0, this.remaining - w);
    this.doneWork += w;
    this.scoredMs += ms;
  }

  /** Seconds left, or undefined until some work was measured. */
  etaSeconds(): number | undefined {
    if (this.doneWork <= 0) return this.remaining === 0 && this.groupsMeasured > 0 ? 0 : undefined;
    return ((this.scoredMs / this.doneWork) * this.remaining) / 1000;
  }
}
