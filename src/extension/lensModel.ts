// Where code lenses go on a demo file and what they say. Pure (unit-tested): the provider in
// codeLens.ts only turns these into vscode.CodeLens objects. Only the lenses above the header:
// the per-query results are end-of-line decorations (lineResults.ts), not a lens row per example.
import type { DemoFile } from "../core/types";

export interface LensSpec {
  /** 0-based line. */
  line: number;
  title: string;
  command: string;
  args?: unknown[];
  tooltip?: string;
}

/** The results shown on the query lines, named in the header lens. */
export interface LensResults {
  variant: string;
  k: number;
  /** The run's name (file · start time). */
  run: string;
  /** A newer partial run that is not shown, or that the shown run is partial. */
  note?: string;
}

/** What the first lens offers: Run probe when idle, Cancel probe while one runs, nothing to click while it stops. */
export type LensPhase = "idle" | "running" | "cancelling";

const FIRST: Record<LensPhase, Omit<LensSpec, "line">> = {
  idle: { title: "$(play) Run probe", command: "iclProbe.runProbe", tooltip: "Run the configured variants on this file" },
  running: { title: "$(debug-stop) Cancel probe", command: "iclProbe.cancelProbe", tooltip: "Stop the running probe; the queries scored so far are kept" },
  cancelling: { title: "$(loading~spin) Cancelling…", command: "iclProbe.showResults", tooltip: "The probe is stopping; the queries scored so far are kept" },
};

/** Header lenses above the header (or first line); `running` true means "running". */
export function lensSpecs(file: DemoFile, modelName: string, results?: LensResults, running: boolean | LensPhase = false): LensSpec[] {
  const top = Math.max(0, (file.headerLine ?? file.examples[0]?.line ?? 1) - 1);
  const phase: LensPhase = running === true ? "running" : running === false ? "idle" : running;
  const specs: LensSpec[] = [
    { line: top, ...FIRST[phase] },
    { line: top, title: "Preview τ_RA", command: "iclProbe.previewVariant", args: [undefined, "ra-string"], tooltip: "Random label remapping (tau_RA): show the exact prompt" },
    { line: top, title: "Preview τ_PA", command: "iclProbe.previewVariant", args: [undefined, "pa-word"], tooltip: "Input cipher (tau_PA): show the exact prompt" },
    { line: top, title: `$(chip) ${modelName}`, command: "iclProbe.selectModel", tooltip: "Model used for probes: click to change" },
  ];
  if (results) {
    specs.push({
      line: top,
      title: `$(eye) ${results.variant}, k=${results.k}${results.note ? " $(warning)" : ""}`,
      command: "iclProbe.chooseLensVariant",
      tooltip: `The query lines show ${results.variant} at k=${results.k} from ${results.run}${results.note ? `; ${results.note}` : ""}. Click to show another variant or k.`,
    });
  }
  return specs;
}
