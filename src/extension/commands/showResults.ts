// ICL Probe: Show Results — the results panel with the chosen run (or the file's latest run).
import * as vscode from "vscode";
import type { CommandModule } from "../services";

export const showResults: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.showResults", async (arg?: unknown) => {
    if (typeof arg === "string" && s.store.get(arg)) return s.panel.show(arg);
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const forFile = uri ? s.store.latestFor(uri.fsPath) : undefined;
    if (forFile) return s.panel.show(forFile.runId);
    if (s.controller.runningRunId && s.store.get(s.controller.runningRunId)) return s.panel.show(s.controller.runningRunId);
    const run = await s.pickRun(undefined, "Results of which run?");
    if (run) s.panel.show(run.runId);
  });
