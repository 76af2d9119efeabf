// ICL Probe: Remove Run... — deletes a saved run's folder (results.json, journal, CSVs, report)
// after a confirmation, and drops it from the side panel and the results panel. A running probe's
// run cannot be removed.
import * as vscode from "vscode";
import { dirname } from "node:path";
import { showError, log } from "../log";
import type { CommandModule } from "../services";

export const removeRun: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.removeRun", async (runArg?: unknown, confirmArg?: unknown) => {
    const run = await s.pickRun(runArg, "Remove which run?");
    if (!run) return;
    const name = s.store.name(run.runId);
    if (run.live) return void vscode.window.showWarningMessage(`${name} is still running: cancel it first.`);
    const folder = run.path ? dirname(run.path) : undefined;
    const ok =
      confirmArg === true ||
      (await vscode.window.showWarningMessage(
        `Delete the run ${name}?`,
        { modal: true, detail: folder ? `Its folder ${folder} (results.json, CSV files, report) is deleted.` : "It was never saved; it is removed from the list." },
        "Delete",
      )) === "Delete";
    if (!ok) return;
    if (folder) {
      try {
        await vscode.workspace.fs.delete(vscode.Uri.file(folder), { recursive: true, useTrash: false });
        log().info(`removed run ${run.runId} (${folder})`);
      } catch (e) {
        return void showError(`ICL Probe: cannot delete ${folder}`, e);
      }
    }
    s.store.remove(run.runId);
    s.panel.forget(run.runId);
  });
