// ICL Probe: Open HTML Report — the self-contained report next to results.json (written now if
// missing or older than the results), opened in the browser.
import * as vscode from "vscode";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeReport } from "../../report";
import type { ResultsFile } from "../../core/results/schema";
import { showError } from "../log";
import type { CommandModule } from "../services";

export const openReport: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.openReport", async (runArg?: unknown) => {
    const run = await s.pickRun(runArg, "Report of which run?");
    if (!run) return;
    if (!run.path) return void vscode.window.showInformationMessage("This run has not been saved yet; wait for its first checkpoint.");
    const report = join(dirname(run.path), "report.html");
    try {
      if (!existsSync(report) || statSync(report).mtimeMs < statSync(run.path).mtimeMs) writeReport(run.results as unknown as ResultsFile, report);
      const uri = vscode.Uri.file(report);
      const ok = await vscode.env.openExternal(uri);
      if (!ok) {
        const c = await vscode.window.showInformationMessage(`Report written to ${report}.`, "Reveal in Explorer");
        if (c) await vscode.commands.executeCommand("revealInExplorer", uri);
      }
    } catch (e) {
      await showError("ICL Probe: cannot write the report", e);
    }
  });
