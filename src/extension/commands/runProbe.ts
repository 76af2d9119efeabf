// ICL Probe: Run Probe on Active File — all configured variants (header / settings).
import * as vscode from "vscode";
import type { CommandModule } from "../services";

export const runProbe: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.runProbe", async (arg?: unknown) => {
    const uri = await s.demoUri(arg);
    if (uri) await s.controller.request({ uri });
  });
