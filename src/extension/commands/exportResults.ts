// ICL Probe: Export Results (JSON/CSV)... — the results JSON, per-label scores CSV or summary CSV.
import * as vscode from "vscode";
import { basename, dirname, join } from "node:path";
import { scoresCsv, summaryCsv } from "../../core/results/csv";
import { analyseRun } from "../../core/analysis";
import type { ResultsFile } from "../../core/results/schema";
import { showError } from "../log";
import type { CommandModule } from "../services";

const FORMATS = [
  { label: "Results JSON", description: "the full results file (schema in docs/)", ext: "json", id: "json" },
  { label: "Scores CSV", description: "one row per query × label", ext: "csv", id: "scores" },
  { label: "Summary CSV", description: "one row per variant × k", ext: "csv", id: "summary" },
] as const;

export const exportResults: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.exportResults", async (runArg?: unknown, formatArg?: unknown, targetArg?: unknown) => {
    const run = await s.pickRun(runArg, "Export which run?");
    if (!run) return;
    const fmt = FORMATS.find((f) => f.id === formatArg) ?? (await vscode.window.showQuickPick([...FORMATS], { title: "ICL Probe: export format" }));
    if (!fmt) return;
    const base = run.path ? dirname(run.path) : s.context.globalStorageUri.fsPath;
    const name = fmt.id === "json" ? "results.json" : fmt.id === "scores" ? "scores.csv" : "summary.csv";
    const target =
      targetArg instanceof vscode.Uri
        ? targetArg
        : await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(join(base, `export-${basename(base)}-${name}`)), filters: { [fmt.label]: [fmt.ext] } });
    if (!target) return;
    try {
      const results = run.results as unknown as ResultsFile;
      const text = fmt.id === "json" ? JSON.stringify(results, null, 2) : fmt.id === "scores" ? scoresCsv(results) : summaryCsv((s.store.analysis(run.runId) ?? analyseRun(results)).summary);
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      void vscode.window.showInformationMessage(`Exported ${fmt.label} to ${target.fsPath}.`);
    } catch (e) {
      await showError("ICL Probe: export failed", e);
    }
  });
