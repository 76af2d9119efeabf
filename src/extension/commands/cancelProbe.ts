// ICL Probe: Cancel Running Probe — stops after the query in flight; partial results are kept.
import * as vscode from "vscode";
import type { CommandModule } from "../services";

export const cancelProbe: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.cancelProbe", () => {
    if (!s.controller.cancel()) void vscode.window.showInformationMessage("No probe is running.");
  });
