// Where code lenses go on a demo file and what they say. Pure (unit-tested): the provider in
// codeLens.ts only turns these into vscode.CodeLens objects.
import type { DemoFile, QueryRecord } from "../core/types";
import { lensPredictions } from "../shared/viewModel";

export interface LensSpec {
  /** 0-based line. */
  line: number;
  title: string;
  command: string;
  args?: unknown[];
  tooltip?: string;
}

export interface LensRun {
  records: readonly QueryRecord[];
  variant: string;
  k?: number;
  /** sha256 or exact text of the demo file the run used; lenses vanish when the text differs. */
  stale: boolean;
}

/** Header lenses above the header (or first line), and per-query lenses after a run. */
export function lensSpecs(file: DemoFile, modelName: string, run?: LensRun, running = false): LensSpec[] {
  const top = Math.max(0, (file.headerLine ?? file.examples[0]?.line ?? 1) - 1);
  const specs: LensSpec[] = [
    running
      ? { line: top, title: "$(debug-stop) Cancel probe", command: "iclProbe.cancelProbe" }
      : { line: top, title: "$(play) Run probe", command: "iclProbe.runProbe", tooltip: "Run the configured variants on this file" },
    { line: top, title: "Preview τ_RA", command: "iclProbe.previewVariant", args: [undefined, "ra-string"], tooltip: "Random label remapping (tau_RA): show the exact prompt" },
    { line: top, title: "Preview τ_PA", command: "iclProbe.previewVariant", args: [undefined, "pa-word"], tooltip: "Input cipher (tau_PA): show the exact prompt" },
    { line: top, title: `$(chip) ${modelName}`, command: "iclProbe.selectModel", tooltip: "Model used for probes: click to change" },
  ];
  if (run && !run.stale && run.records.length) {
    const preds = lensPredictions(run.records, run.variant, run.k);
    if (preds.size) {
      specs.push({ line: top, title: `$(eye) ${run.variant}`, command: "iclProbe.chooseLensVariant", tooltip: "Variant whose predictions are shown on the queries: click to change" });
    }
    const byIndex = new Map(file.examples.map((e) => [e.index, e]));
    for (const [qi, p] of preds) {
      const ex = byIndex.get(qi);
      if (!ex) continue;
      const mark = p.n > 1 ? `${p.nCorrect}/${p.n} ✓` : p.correct ? "✓" : "✗";
      // An empty prediction is a tie for the top score (src/core/labelDecision.ts).
      const tie = p.predicted === "";
      specs.push({
        line: ex.line - 1,
        title: tie ? `${mark} tie` : `${mark} ${p.predicted} (p=${p.prob.toFixed(2)})`,
        command: "iclProbe.showResults",
        tooltip: `${run.variant}${run.k !== undefined ? `, k=${run.k}` : ""}: ${tie ? "labels tied for the top score (no prediction)" : `predicted "${p.predicted}" with probability ${p.prob.toFixed(3)}`}${p.n > 1 ? ` (first of ${p.n} seeds)` : ""}`,
      });
    }
  }
  return specs;
}
