// ICL Probe: Open an Example... — copies one of the shipped examples into the workspace (or, with
// no folder open, into the extension's storage) and opens it. Without an argument it offers the
// example made for the model in use when that model is an embedded toy (toy-lookup for
// icl-toy.gguf, toy-colours for icl-memoriser.gguf) first. Used by the walkthrough and by the
// toy-model notice of the results panel and the side panel.
import * as vscode from "vscode";
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { toyNotice } from "../../shared/toyModels";
import { showError } from "../log";
import type { CommandModule } from "../services";

export const openExample: CommandModule = (s) =>
  vscode.commands.registerCommand("iclProbe.openExample", async (nameArg?: unknown) => {
    const dir = join(s.context.extensionPath, "examples");
    const available = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /\.icl\.(jsonl|csv|tsv)$/.test(f))
          .sort()
      : [];
    if (available.length === 0) return void vscode.window.showErrorMessage(`No examples found in ${dir}: reinstall the extension.`);
    const made = toyNotice(s.models.current().path)?.example;
    let name = typeof nameArg === "string" && available.includes(nameArg) ? nameArg : undefined;
    if (!name) {
      const items = [...available]
        .sort((a, b) => (a === made ? -1 : b === made ? 1 : 0))
        .map((f) => ({ label: f, description: f === made ? `made for ${basename(s.models.current().path)}, the model in use` : undefined }));
      name = (await vscode.window.showQuickPick(items, { title: "ICL Probe: open an example" }))?.label;
    }
    if (!name) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? s.context.globalStorageUri;
    const target = vscode.Uri.joinPath(folder, "examples", name);
    try {
      // An existing copy is opened as it is (it may hold the user's edits).
      if (!existsSync(target.fsPath)) await vscode.workspace.fs.copy(vscode.Uri.file(join(dir, name)), target);
      await vscode.window.showTextDocument(target, { preview: false });
    } catch (e) {
      await showError(`ICL Probe: cannot open the example ${name}`, e);
    }
  });
