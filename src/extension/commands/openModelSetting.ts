// ICL Probe: Open Model Setting — iclProbe.modelPath is machine-scoped (a workspace must not pick
// the file the engine opens), so in a remote window (Remote SSH, WSL, a dev container,
// code-server) it lives in the Remote settings, and the Settings editor's User tab shows "No
// Settings Found" for it. This opens the tab where it lives, filtered to it.
import * as vscode from "vscode";
import type { CommandModule } from "../services";

export const openModelSetting: CommandModule = () =>
  vscode.commands.registerCommand("iclProbe.openModelSetting", async () => {
    if (vscode.env.remoteName) await vscode.commands.executeCommand("workbench.action.openRemoteSettings", { query: "iclProbe.modelPath" });
    else await vscode.commands.executeCommand("workbench.action.openSettings", "iclProbe.modelPath");
  });
