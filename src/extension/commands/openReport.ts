// ICL Probe: Open HTML Report — the self-contained report next to results.json (written now if
// missing or older than the results), shown in an editor tab, with "Open in browser".
import * as vscode from "vscode";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeReport } from "../../runner/outputs";
import type { ResultsFile } from "../../core/results/schema";
import { readFileSync } from "node:fs";
import { showError } from "../log";
import { reportForWebview } from "../reportView";
import { makeNonce } from "../webviewHtml";
import type { CommandModule } from "../services";

export const openReport: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.openReport", async (runArg?: unknown) => {
    const run = await s.pickRun(runArg, "Report of which run?");
    if (!run) return;
    if (!run.path) return void vscode.window.showInformationMessage("This run has not been saved yet; wait for its first checkpoint.");
    const report = join(dirname(run.path), "report.html");
    try {
      if (!existsSync(report) || statSync(report).mtimeMs < statSync(run.path).mtimeMs) writeReport(run.results as unknown as ResultsFile, report, s.store.analysis(run.runId));
      const uri = vscode.Uri.file(report);
      // In an editor tab (works locally and in code-server); the file opens in any browser too.
      const panel = vscode.window.createWebviewPanel("iclProbe.report", `Report · ${run.runId}`, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
      panel.webview.html = reportForWebview(readFileSync(report, "utf8"), makeNonce(), panel.webview.cspSource);
      void vscode.window.showInformationMessage(`Report: ${report}`, "Open in browser", "Reveal in Explorer").then(async (c) => {
        if (c === "Open in browser") await vscode.env.openExternal(uri);
        else if (c === "Reveal in Explorer") await vscode.commands.executeCommand("revealInExplorer", uri);
      });
    } catch (e) {
      await showError("ICL Probe: cannot write the report", e);
    }
  });
