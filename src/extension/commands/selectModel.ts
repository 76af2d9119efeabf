// ICL Probe: Select Model... — the model picker (also reached from the code lens and status).
import * as vscode from "vscode";
import { pickModel, selectModelPath } from "../modelPicker";
import type { CommandModule } from "../services";

export const selectModel: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.selectModel", async (arg?: unknown) => {
    // From the explorer context menu on a .gguf file: select that file directly.
    if (arg instanceof vscode.Uri && /\.gguf$/i.test(arg.fsPath)) return selectModelPath(s.models, arg.fsPath);
    return pickModel(s.models, vscode.workspace.isTrusted, s.context.secrets);
  });
